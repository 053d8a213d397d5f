import {
  ENTITIES,
  type EntityType,
  foreignKeysOf,
  isTempId,
  type PullResponse,
  type PushChange,
  type PushRequest,
  type PushResult,
} from '@wampums/schema';
import { OfflineStoreError } from '../src/errors';
import type { PushAnswer, Transport } from '../src/transport';

type Row = Record<string, unknown> & { id: number; updated_at: string };

/**
 * An in-memory stand-in of the sync endpoints for unit tests, following the wire contract
 * (applied / duplicate / conflict / rejected / skipped, cursors, snapshots), with faults that
 * a test can inject: network failures, lost answers, 401s, rejections.
 */
export class FakeSyncServer {
  readonly rows = new Map<EntityType, Map<number, Row>>();
  private readonly log: { seq: number; type: EntityType; id: number; op: 'upsert' | 'delete' }[] = [];
  private seq = 0;
  private nextId = 1000;
  private lastTime = Date.parse('2026-07-01T00:00:00.000Z');
  private readonly answered = new Map<string, PushResult>();
  private readonly tempIds = new Map<string, number>();
  /** Every push request received (after faults that happen before the server). */
  readonly pushes: PushRequest[] = [];
  pullRequests = 0;
  /** Faults for the next requests, consumed in order. */
  readonly faults: ('network' | 'lose-answer' | 'unauthorized' | 'server-error' | 'full-refresh')[] = [];
  /** Makes a change rejected (validation) when it returns an error message. */
  rejectIf: (change: PushChange) => string | null = () => null;
  /** Simulated server clock offset against the device, ms. */
  serverTimeOffsetMs = 0;
  validTokens = new Set(['token-1']);
  /** Live-stream tickets handed out. */
  tickets = 0;

  constructor(readonly now: () => number = () => Date.now()) {}

  private stamp(): string {
    this.lastTime = Math.max(this.lastTime + 1, this.now() + this.serverTimeOffsetMs);
    return new Date(this.lastTime).toISOString();
  }

  table(type: EntityType): Map<number, Row> {
    let t = this.rows.get(type);
    if (!t) {
      t = new Map();
      this.rows.set(type, t);
    }
    return t;
  }

  /** Writes a row as another device would (through the server). */
  write(type: EntityType, fields: Record<string, unknown>, id?: number): Row {
    const existing = id === undefined ? undefined : this.table(type).get(id);
    const now = this.stamp();
    const row: Row = {
      ...(existing ?? { organization_id: 1, created_at: now }),
      ...fields,
      id: id ?? this.nextId++,
      updated_at: now,
    };
    this.table(type).set(row.id, row);
    this.log.push({ seq: ++this.seq, type, id: row.id, op: 'upsert' });
    return row;
  }

  erase(type: EntityType, id: number): void {
    this.table(type).delete(id);
    this.log.push({ seq: ++this.seq, type, id, op: 'delete' });
  }

  all(type: EntityType): Row[] {
    return [...this.table(type).values()];
  }

  transport(token: () => string = () => 'token-1'): Transport & { requestCount: number } {
    let requests = 0;
    const server = this;
    const fault = (kind: (typeof server.faults)[number]) => {
      if (server.faults[0] !== kind) return false;
      server.faults.shift();
      return true;
    };
    const guard = () => {
      requests += 1;
      if (fault('network')) throw new OfflineStoreError('network_error', 'network error: offline');
      if (fault('server-error')) throw new OfflineStoreError('internal_error', 'boom', { status: 500 });
      if (fault('unauthorized') || !server.validTokens.has(token())) {
        throw new OfflineStoreError('unauthorized', 'token expired', { status: 401, token: token() });
      }
    };
    return {
      get requestCount() {
        return requests;
      },
      async push(request: PushRequest): Promise<PushAnswer> {
        guard();
        server.pushes.push(structuredClone(request));
        const results = request.changes.map((c) => server.apply(c));
        if (fault('lose-answer')) throw new OfflineStoreError('network_error', 'network error: answer lost');
        const sent = server.now();
        return {
          data: { results, serverTime: new Date(sent + server.serverTimeOffsetMs).toISOString() },
          sentMidpoint: sent,
        };
      },
      async liveTicket(): Promise<string> {
        if (!server.validTokens.has(token())) {
          throw new OfflineStoreError('unauthorized', 'token expired', { status: 401, token: token() });
        }
        server.tickets += 1;
        return `ticket-${server.tickets}`;
      },
      async pull(cursor: string | null, limit: number): Promise<PullResponse['data']> {
        guard();
        server.pullRequests += 1;
        if (fault('full-refresh') && cursor) {
          return { changes: [], cursor: String(server.seq), hasMore: false, fullRefresh: true };
        }
        return server.pull(cursor, limit);
      },
    };
  }

  private pull(cursor: string | null, limit: number): PullResponse['data'] {
    if (cursor === null || cursor.startsWith('snap:')) {
      // A snapshot: every row, parents first, paged by offset; its end cursor is the log position.
      const [, offsetText, seqText] = (cursor ?? `snap:0:${this.seq}`).split(':');
      const offset = Number(offsetText);
      const everything = [...this.rows.entries()].flatMap(([type, rows]) =>
        [...rows.values()].map((row) => ({
          entityType: type,
          op: 'upsert' as const,
          id: row.id,
          entity: row,
        })),
      );
      const page = everything.slice(offset, offset + limit);
      const hasMore = offset + limit < everything.length;
      return {
        changes: page,
        cursor: hasMore ? `snap:${offset + limit}:${seqText}` : String(seqText),
        hasMore,
        fullRefresh: false,
      };
    }
    const after = this.log.filter((e) => e.seq > Number(cursor));
    const page = after.slice(0, limit);
    const changes = page.map((e) => {
      const row = this.table(e.type).get(e.id);
      return e.op === 'upsert' && row
        ? { entityType: e.type, op: 'upsert' as const, id: e.id, entity: row }
        : { entityType: e.type, op: 'delete' as const, id: e.id, entity: null };
    });
    const last = page.at(-1)?.seq ?? Number(cursor);
    return { changes, cursor: String(last), hasMore: after.length > page.length, fullRefresh: false };
  }

  private apply(change: PushChange): PushResult {
    const { correlationId } = change;
    const previous = this.answered.get(correlationId);
    if (previous && (previous.status === 'applied' || previous.status === 'duplicate')) {
      return { ...previous, status: 'duplicate' };
    }
    const result = this.applyNew(change);
    if (result.status !== 'skipped') this.answered.set(correlationId, result);
    return result;
  }

  private applyNew(change: PushChange): PushResult {
    const { correlationId, entityType: type } = change;
    const reason = this.rejectIf(change);
    if (reason)
      return { status: 'rejected', correlationId, error: { code: 'validation_failed', message: reason } };
    if (ENTITIES[type].readOnly) {
      return { status: 'rejected', correlationId, error: { code: 'read_only', message: 'read-only' } };
    }
    const payload = { ...(change.payload ?? {}) };
    for (const fk of foreignKeysOf(type)) {
      const value = payload[fk.field];
      if (!isTempId(value)) continue;
      const mapped = this.tempIds.get(value);
      if (mapped === undefined) {
        return {
          status: 'skipped',
          correlationId,
          error: { code: 'dependency_pending', message: 'parent pending' },
        };
      }
      payload[fk.field] = mapped;
    }
    if (change.operation === 'create') {
      const natural = ENTITIES[type].naturalKey;
      if (natural) {
        const clash = this.all(type).find((r) => natural.every((f) => r[f] === payload[f]));
        if (clash) return { status: 'conflict', correlationId, code: 'conflict', serverEntity: clash };
      }
      const row = this.write(type, payload);
      if (change.tempId) this.tempIds.set(change.tempId, row.id);
      if (type === 'honors')
        this.write('points', { participant_id: row.participant_id, honor_id: row.id, value: 5 });
      return { status: 'applied', correlationId, serverId: row.id, entity: row };
    }
    const id = typeof change.entityId === 'number' ? change.entityId : this.tempIds.get(change.entityId);
    if (id === undefined) {
      return {
        status: 'skipped',
        correlationId,
        error: { code: 'dependency_pending', message: 'unknown temp id' },
      };
    }
    const row = this.table(type).get(id);
    if (!row) return { status: 'conflict', correlationId, code: 'gone', serverEntity: null };
    if (change.baseUpdatedAt && Date.parse(row.updated_at) > Date.parse(change.baseUpdatedAt)) {
      return { status: 'conflict', correlationId, code: 'conflict', serverEntity: row };
    }
    if (change.operation === 'delete') {
      this.erase(type, id);
      return { status: 'applied', correlationId, serverId: id, entity: null };
    }
    const updated = this.write(type, payload, id);
    return { status: 'applied', correlationId, serverId: id, entity: updated };
  }
}
