import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestServer } from '../src/testing';
import { type Client, change, client, type Json, startFor } from './helpers';

// Same-key contention (docs/server.md, "Contention"): four phones send the same roll call at
// once, each in its own order. Without a stable lock order their transactions wait on each
// other's rows and PostgreSQL kills one with a deadlock (a 500).

/** A deterministic shuffle (xorshift), different per seed. */
function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let x = seed || 1;
  for (let i = out.length - 1; i > 0; i--) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    const j = Math.abs(x) % (i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

const SETTLED = ['applied', 'duplicate', 'conflict'];

describe('pushes touching the same records in different orders, on PostgreSQL', () => {
  let server: TestServer;
  let phones: Client[];
  let kids: number[];

  beforeAll(async () => {
    server = await startFor('postgres');
    const leader = await server.login('leader@pack-a.test');
    const admin = await server.login('admin@pack-a.test');
    phones = [client(server, leader), client(server, admin), client(server, leader), client(server, admin)];
    const creates = Array.from({ length: 25 }, (_, i) =>
      change('participants', 'create', { payload: { first_name: `Enfant${i}`, last_name: 'Contention' } }),
    );
    const res = await phones[0]?.push(creates);
    kids = res?.body.data.results.map((r: Json) => r.serverId as number) ?? [];
    expect(kids).toHaveLength(25);
  }, 90_000);
  afterAll(() => server?.close());

  // 25 participants × 4 days: the same 100 attendance keys for every phone.
  const keysOf = () =>
    kids.flatMap((participant_id) =>
      ['2026-09-01', '2026-09-02', '2026-09-03', '2026-09-04'].map((date) => ({ participant_id, date })),
    );

  it('four phones creating then updating the same 100 attendance keys: no 500, every answer settled, one row per key', async () => {
    const statuses = ['present', 'absent', 'late', 'excused'];
    const creates = await Promise.all(
      phones.map((phone, n) =>
        phone.push(
          shuffled(keysOf(), n + 7).map((key) =>
            change('attendance', 'create', { payload: { ...key, status: statuses[n] } }),
          ),
        ),
      ),
    );
    for (const res of creates) {
      expect(res.status).toBe(200);
      for (const r of res.body.data.results) expect(SETTLED).toContain(r.status);
    }
    const applied = creates.flatMap((res) =>
      res.body.data.results.filter((r: Json) => r.status === 'applied'),
    );
    expect(applied).toHaveLength(100);

    // Every phone now edits every row, based on the version it saw, in its own order.
    const rows = (await phones[0]?.get('/attendance?limit=1000'))?.body.data.filter((r: Json) =>
      kids.includes(r.participant_id),
    );
    expect(rows).toHaveLength(100);
    const updates = await Promise.all(
      phones.map((phone, n) =>
        phone.push(
          shuffled(rows as Json[], n + 31).map((row: Json) =>
            change('attendance', 'update', {
              entityId: row.id,
              baseUpdatedAt: row.updated_at,
              payload: { status: statuses[(n + 1) % 4] },
            }),
          ),
        ),
      ),
    );
    for (const res of updates) {
      expect(res.status).toBe(200);
      for (const r of res.body.data.results) expect(SETTLED).toContain(r.status);
    }
    // Each row took exactly one of the four edits based on the version every phone saw.
    const appliedUpdates = updates.flatMap((res) =>
      res.body.data.results.filter((r: Json) => r.status === 'applied'),
    );
    expect(appliedUpdates).toHaveLength(100);
    const after = (await phones[1]?.get('/attendance?limit=1000'))?.body.data.filter((r: Json) =>
      kids.includes(r.participant_id),
    );
    expect(after).toHaveLength(100);
    const byId = new Map(appliedUpdates.map((r: Json) => [r.serverId, r.entity.status]));
    for (const row of after as Json[]) expect(row.status).toBe(byId.get(row.id));
  }, 120_000);
});
