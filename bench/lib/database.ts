import { DEPENDENCY_ORDER, ENTITY_TYPES, type EntityType, fieldSpecsOf } from '@wampums/schema';
import pg from 'pg';
import { type CampRows, campCounts, campRows, type IdBases, type SeedRow } from '../datasets/camp-rows';
import { pushTo } from '../datasets/group-by';
import { type OfflineCreate, resolveRefs } from '../datasets/offline-work';

/** The bench's own connection to the server's PostgreSQL database: seeding, checks and the raw limit. */
export class BenchDatabase {
  readonly pool: pg.Pool;

  constructor(url: string) {
    this.pool = new pg.Pool({ connectionString: url, max: 4 });
  }

  /** A new organization with one leader who logs in with the demo password (hash copied from a demo user). */
  async createOrganization(name: string): Promise<{ organizationId: number; userId: number; email: string }> {
    const email = `leader-${name}@bench.test`.toLowerCase();
    const org = await this.pool.query<{ id: number }>(
      `INSERT INTO organizations (name, locale) VALUES ($1, 'en') RETURNING id`,
      [name],
    );
    const organizationId = org.rows[0]?.id as number;
    const user = await this.pool.query<{ id: number }>(
      `INSERT INTO users (organization_id, email, name, role, password_hash)
       SELECT $1, $2, $3, 'leader', password_hash FROM users WHERE email = 'leader@pack-a.test' RETURNING id`,
      [organizationId, email, `Leader ${name}`],
    );
    const userId = user.rows[0]?.id;
    if (userId === undefined) throw new Error('the demo leader is missing: start the server with seedDemo');
    return { organizationId, userId, email };
  }

  /** Takes `count` ids from a table's own sequence, so that later server inserts never collide. */
  private async reserveIds(type: EntityType, count: number): Promise<number> {
    const result = await this.pool.query<{ last: string }>(
      `SELECT setval(pg_get_serial_sequence($1, 'id'), nextval(pg_get_serial_sequence($1, 'id')) + $2 - 1) AS last`,
      [type, count],
    );
    return Number(result.rows[0]?.last) - count + 1;
  }

  /**
   * Seeds `total` rows of one organization straight into the server's tables. The tables' own
   * triggers stamp the rows and write the change log, so a pull serves them like any pushed row.
   */
  async seedCamp(organizationId: number, userId: number, total: number): Promise<CampRows> {
    const counts = campCounts(total);
    const bases = {} as IdBases;
    for (const type of ENTITY_TYPES) bases[type] = await this.reserveIds(type, counts[type]);
    const rows = campRows(total, bases, userId);
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      for (const type of DEPENDENCY_ORDER) {
        const list = rows[type] ?? [];
        const columns = ['id', 'organization_id', ...Object.keys(fieldSpecsOf(type))];
        await insertRows(
          client,
          `"${type}"`,
          columns,
          list.map((row) => columns.map((c) => (c === 'organization_id' ? organizationId : row[c]))),
        );
      }
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK');
      throw error;
    } finally {
      client.release();
    }
    return rows;
  }

  /**
   * Server-side edits for B4: `count` attendance rows get a new status (through the server's
   * tables, so the triggers log them). Returns what the device must read afterwards.
   */
  async changeAttendance(
    organizationId: number,
    count: number,
    round: number,
  ): Promise<{ type: EntityType; id: number; field: string; value: unknown }[]> {
    const status = ['late', 'excused', 'absent', 'present'][round % 4] as string;
    const result = await this.pool.query<{ id: number }>(
      `UPDATE attendance SET status = $3 WHERE id IN (
         SELECT id FROM attendance WHERE organization_id = $1 ORDER BY id LIMIT $2) RETURNING id`,
      [organizationId, count, status],
    );
    return result.rows.map((r) => ({
      type: 'attendance' as EntityType,
      id: r.id,
      field: 'status',
      value: status,
    }));
  }

  /** Rows of an organization per entity type. */
  async countRows(organizationId: number): Promise<Record<EntityType, number>> {
    const counts = {} as Record<EntityType, number>;
    for (const type of ENTITY_TYPES) {
      const result = await this.pool.query<{ n: string }>(
        `SELECT count(*) AS n FROM "${type}" WHERE organization_id = $1`,
        [organizationId],
      );
      counts[type] = Number(result.rows[0]?.n ?? 0);
    }
    return counts;
  }

  /**
   * B2's server limit: the same records inserted with one multi-row INSERT per table, parents
   * first, in one transaction, into copies of the entity tables with the same columns, defaults,
   * checks and indexes but no triggers and no foreign keys: storage and indexes, nothing of ours.
   */
  async rawInsert(ops: OfflineCreate[], organizationId: number, userId: number): Promise<number> {
    const client = await this.pool.connect();
    try {
      await client.query('CREATE SCHEMA IF NOT EXISTS bench_raw');
      for (const type of ENTITY_TYPES) {
        // Defaults too: server-kept columns (a distribution's dose_history) are NOT NULL with a default.
        await client.query(`DROP TABLE IF EXISTS bench_raw."${type}"`);
        await client.query(
          `CREATE TABLE bench_raw."${type}" (LIKE public."${type}" INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING INDEXES)`,
        );
      }
      const byType = new Map<EntityType, OfflineCreate[]>();
      for (const op of ops) {
        pushTo(byType, op.type, op);
      }
      const ids = new Map(ops.map((op, i) => [op.key, i + 1]));
      const t0 = performance.now();
      await client.query('BEGIN');
      for (const type of DEPENDENCY_ORDER) {
        const list = byType.get(type);
        if (!list) continue;
        const specs = fieldSpecsOf(type);
        const columns = ['id', 'organization_id', ...Object.keys(specs), 'created_at', 'updated_at'];
        const now = new Date().toISOString();
        const values = list.map((op) => {
          const fields = resolveRefs(op.fields, (key) => ids.get(key));
          return columns.map((c) => {
            if (c === 'id') return ids.get(op.key);
            if (c === 'organization_id') return organizationId;
            if (c === 'created_at' || c === 'updated_at') return now;
            const spec = specs[c];
            if (fields[c] !== undefined) return fields[c];
            if (spec?.kind === 'user') return userId;
            return spec?.default ?? null;
          });
        });
        await insertRows(client, `bench_raw."${type}"`, columns, values);
      }
      await client.query('COMMIT');
      return performance.now() - t0;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

/** Multi-row INSERT in chunks under PostgreSQL's 65,535 parameters; JSON values go as jsonb text. */
async function insertRows(
  client: pg.PoolClient,
  table: string,
  columns: string[],
  rows: unknown[][],
): Promise<void> {
  const perChunk = Math.max(1, Math.floor(60_000 / columns.length));
  const names = columns.map((c) => `"${c}"`).join(', ');
  for (let start = 0; start < rows.length; start += perChunk) {
    const chunk = rows.slice(start, start + perChunk);
    const params: unknown[] = [];
    const tuples = chunk.map((row) => {
      const marks = row.map((value) => {
        params.push(typeof value === 'object' && value !== null ? JSON.stringify(value) : value);
        return `$${params.length}`;
      });
      return `(${marks.join(', ')})`;
    });
    await client.query(`INSERT INTO ${table} (${names}) VALUES ${tuples.join(', ')}`, params);
  }
}

export type { SeedRow };
