import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FaultProxy } from '../support/fault-proxy';
import { type SimBackend, startPgliteBackend } from './harness/backend';
import { runScenario, startProxy } from './harness/run-scenario';
import type { Step } from './harness/steps';

// Found by the simulation on PostgreSQL with seed 249858117: a leader deletes a participant
// that another leader edits a moment later. The server refuses the delete (conflict, the later
// edit wins) and the participant comes back on the phone, but the attendance, honors, points,
// badges and medication records its delete had removed locally never do: the pull cursor is
// already past them, so the phone disagrees with the server until a full refresh.

let backend: SimBackend;
let proxy: FaultProxy;

beforeAll(async () => {
  backend = await startPgliteBackend();
  proxy = await startProxy(backend);
});

afterAll(async () => {
  await proxy?.stop();
  await backend?.close();
});

const sync = (d: number): Step => ({ t: 'sync', d, faults: [], crashAtWrite: null, ignoreBackoff: true });

describe('a delete refused by a conflict', () => {
  it('gives the device back everything the delete had removed with the record', async () => {
    const result = await runScenario(
      { backend, proxy, fetchTimeoutMs: 800 },
      {
        devices: [{ skewMinutes: 0 }, { skewMinutes: 0 }],
        jitterSeed: 1,
        steps: [
          // group → participant → attendance, honor (+ points), badge, medication → dose
          { t: 'family', d: 0, variant: 0 },
          sync(0),
          sync(1),
          // Device 1 deletes the participant (the only one); device 0 edits it afterwards and
          // syncs first. The later edit wins: the server keeps the participant.
          { t: 'delete', d: 1, entity: 'participants', pick: 0 },
          { t: 'edit', d: 0, kind: 'participant-notes', pick: 0, variant: 0 },
          sync(0),
          sync(1),
        ],
      },
      { tour: false },
    );
    expect(result.violations).toEqual([]);
  });
});
