/**
 * Push throughput: starts a server on a fresh PostgreSQL database (or in-memory PGlite with
 * `--pglite`), pushes 2,000 changes in batches of 200 (each batch a temp-id chain
 * group → participants → attendance + honors, plus updates of rows created in the batch)
 * and prints changes per second. Run: `npx tsx --conditions=@wampums/source packages/server/scripts/push-throughput.ts`.
 */
import { randomUUID } from 'node:crypto';
import { generateTempId } from '@wampums/schema';
import { startTestServer } from '../src/testing';

const TOTAL = Number(process.env.CHANGES ?? 2000);
const BATCH = 200;
const backend = process.argv.includes('--pglite') ? 'pglite' : 'postgres';

interface Change {
  correlationId: string;
  entityType: string;
  operation: 'create' | 'update';
  entityId: string;
  tempId?: string;
  timestamp: number;
  payload: Record<string, unknown>;
  baseUpdatedAt?: null;
  dependencies?: { entityType: string; tempId: string }[];
}

/** One batch of 200 changes: 10 groups, each with 4 participants holding attendance, an honor and an edit. */
function batch(n: number): Change[] {
  const changes: Change[] = [];
  const create = (
    entityType: string,
    payload: Record<string, unknown>,
    deps: Change['dependencies'] = [],
  ) => {
    const tempId = generateTempId();
    changes.push({
      correlationId: randomUUID(),
      entityType,
      operation: 'create',
      entityId: tempId,
      tempId,
      timestamp: Date.now(),
      payload,
      dependencies: deps,
    });
    return tempId;
  };
  for (let g = 0; changes.length < BATCH; g++) {
    const group = create('groups', { name: `Batch ${n} group ${g}` });
    for (let p = 0; p < 4 && changes.length < BATCH - 4; p++) {
      const participant = create(
        'participants',
        { first_name: `P${p}`, last_name: `B${n}G${g}`, group_id: group },
        [{ entityType: 'groups', tempId: group }],
      );
      create('attendance', { participant_id: participant, date: '2026-07-14', status: 'present' });
      create('honors', { participant_id: participant, date: '2026-07-14', reason: 'Entraide' });
      changes.push({
        correlationId: randomUUID(),
        entityType: 'participants',
        operation: 'update',
        entityId: participant,
        timestamp: Date.now(),
        payload: { last_name: `B${n}G${g}-edited` },
        baseUpdatedAt: null,
      });
    }
  }
  return changes.slice(0, BATCH);
}

const server = await startTestServer({ backend, seedDemo: true });
try {
  const token = await server.login('leader@pack-a.test');
  const push = async (changes: Change[]) => {
    const res = await fetch(`${server.apiUrl}/sync/push`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ clientId: 'throughput', changes }),
    });
    const body = (await res.json()) as { data: { results: { status: string }[] } };
    const notApplied = body.data.results.filter((r) => r.status !== 'applied');
    if (res.status !== 200 || notApplied.length > 0) {
      throw new Error(`push ${res.status}: ${JSON.stringify(notApplied[0] ?? body)}`);
    }
  };
  await push(batch(-1)); // warm-up (JIT, prepared plans), not counted
  const batches = Array.from({ length: TOTAL / BATCH }, (_, i) => batch(i));
  const started = performance.now();
  for (const changes of batches) await push(changes);
  const seconds = (performance.now() - started) / 1000;
  console.log(
    `${backend}: ${TOTAL} changes in ${seconds.toFixed(2)} s = ${Math.round(TOTAL / seconds)} changes/s`,
  );
} finally {
  await server.close();
}
