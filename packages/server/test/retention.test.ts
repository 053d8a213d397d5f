import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestServer } from '../src/testing';
import { pruneReceipts } from '../src/writes/retention';
import { BACKENDS, type Client, change, client, type Json, newParticipant, startFor } from './helpers';

const DAY = 86_400_000;

describe.each(BACKENDS)('what the server keeps of pushed changes on %s', (backend) => {
  let server: TestServer;
  let leader: Client;
  let kid: Json;

  const receiptsOf = (correlationId: string) =>
    server.database.query<Record<string, unknown>>(
      'SELECT to_jsonb(r) AS receipt FROM sync_receipts r WHERE correlation_id = $1',
      [correlationId],
    );

  beforeAll(async () => {
    server = await startFor(backend);
    leader = client(server, await server.login('leader@pack-a.test'));
    kid = await newParticipant(leader, 'Receipt');
  });
  afterAll(() => server?.close());

  it('keeps ids and the version in a receipt, never the row', async () => {
    const create = change('medication_requirements', 'create', {
      payload: { participant_id: kid.id, medication_name: 'Methylphenidate', dosage_instructions: '10 mg' },
    });
    const res = await leader.push([create]);
    expect(res.body.data.results[0].status).toBe('applied');
    const [row] = await receiptsOf(create.correlationId);
    const receipt = row?.receipt as Record<string, unknown>;
    expect(receipt.server_id).toBe(res.body.data.results[0].serverId);
    expect(receipt.temp_id).toBe(create.tempId);
    expect(new Date(receipt.entity_updated_at as string).toISOString()).toBe(
      res.body.data.results[0].entity.updated_at,
    );
    expect(JSON.stringify(receipt)).not.toContain('Methylphenidate');
    expect(JSON.stringify(receipt)).not.toContain('10 mg');
  });

  it("replaying a deleted requirement's correlationId returns nothing of it, by push and by REST", async () => {
    const create = change('medication_requirements', 'create', {
      payload: { participant_id: kid.id, medication_name: 'Lorazepam', general_notes: 'night terrors' },
    });
    const first = await leader.push([create]);
    const id = first.body.data.results[0].serverId;
    const again = await leader.push([create]);
    expect(again.body.data.results[0].status).toBe('duplicate');
    expect(again.body.data.results[0].entity.medication_name).toBe('Lorazepam');

    const key = randomUUID();
    const viaRest = await leader.post(
      '/medication_requirements',
      { participant_id: kid.id, medication_name: 'Clonidine' },
      { 'idempotency-key': key },
    );
    expect(viaRest.status).toBe(201);

    expect((await leader.delete(`/medication_requirements/${id}`)).status).toBe(200);
    expect((await leader.delete(`/medication_requirements/${viaRest.body.data.id}`)).status).toBe(200);

    const replay = await leader.push([create]);
    const result = replay.body.data.results[0];
    expect(result).toMatchObject({ status: 'duplicate', serverId: id, entity: null, current: null });
    expect(JSON.stringify(replay.body)).not.toContain('Lorazepam');
    expect(JSON.stringify(replay.body)).not.toContain('night terrors');

    const restReplay = await leader.post(
      '/medication_requirements',
      { participant_id: kid.id, medication_name: 'Clonidine' },
      { 'idempotency-key': key },
    );
    expect(restReplay.headers.get('idempotent-replayed')).toBe('true');
    expect(restReplay.body.data).toEqual({ id: viaRest.body.data.id, deleted: true });

    const [stored] = await server.database.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM sync_receipts r WHERE to_jsonb(r)::text LIKE '%Lorazepam%'`,
    );
    expect(stored?.n).toBe(0);
  });

  it('prunes receipts and temp ids past the window; a retry after it is handled as a new change', async () => {
    const create = change('groups', 'create', { payload: { name: 'Old camp' } });
    const first = await leader.push([create]);
    expect(first.body.data.results[0].status).toBe('applied');
    const fresh = change('groups', 'create', { payload: { name: 'This week' } });
    await leader.push([fresh]);
    await server.database.query(
      `UPDATE sync_receipts SET created_at = now() - interval '100 days' WHERE correlation_id = $1`,
      [create.correlationId],
    );
    await server.database.query(
      `UPDATE sync_temp_ids SET created_at = now() - interval '100 days' WHERE temp_id = $1`,
      [create.tempId],
    );
    const pruned = await pruneReceipts(server.database, new Date(Date.now() - 90 * DAY));
    expect(pruned).toEqual({ receipts: 1, tempIds: 1 });
    expect(await receiptsOf(create.correlationId)).toEqual([]);
    expect(await receiptsOf(fresh.correlationId)).toHaveLength(1);

    // Within the window the same change is a duplicate; past it, it is written again.
    const recent = await leader.push([fresh]);
    expect(recent.body.data.results[0].status).toBe('duplicate');
    const late = await leader.push([create]);
    expect(late.body.data.results[0].status).toBe('applied');
    expect(late.body.data.results[0].serverId).not.toBe(first.body.data.results[0].serverId);
  });
});
