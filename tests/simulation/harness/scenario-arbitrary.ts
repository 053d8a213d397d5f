import fc from 'fast-check';
import type { ProxyFault } from '../../support/fault-proxy';
import type { CreatableType, DeletableType, EditKind, Scenario, Step } from './steps';

const CREATABLE: CreatableType[] = [
  'groups',
  'participants',
  'activities',
  'attendance',
  'honors',
  'badge_progress',
  'medication_requirements',
  'medication_distributions',
  'carpool_offers',
  'carpool_assignments',
];
const EDITS: EditKind[] = [
  'participant-name',
  'participant-notes',
  'participant-leader',
  'group-section',
  'activity-description',
  'attendance-status',
  'badge-description',
  'badge-status',
  'medication-dosage',
  'medication-notes',
  'distribution-status',
  'distribution-witness',
  'offer-notes',
];
const DELETABLE: DeletableType[] = [
  'participants',
  'groups',
  'activities',
  'attendance',
  'honors',
  'medication_distributions',
  'carpool_assignments',
  'carpool_offers',
];

export interface ArbitraryOptions {
  devices: number;
  minSteps: number;
  maxSteps: number;
  /** Allow `server-kill` faults (only where the server runs as a child process). */
  serverKills: boolean;
  /** The device's fetch timeout: `timeout` faults hold the answer longer than this. */
  fetchTimeoutMs: number;
}

export function faultArbitrary(options: ArbitraryOptions): fc.Arbitrary<ProxyFault> {
  const kinds: fc.WeightedArbitrary<ProxyFault>[] = [
    { weight: 6, arbitrary: fc.constant({ kind: 'pass' } as const) },
    { weight: 2, arbitrary: fc.constant({ kind: 'drop-request' } as const) },
    { weight: 2, arbitrary: fc.constant({ kind: 'drop-response' } as const) },
    { weight: 2, arbitrary: fc.boolean().map((concurrent) => ({ kind: 'duplicate', concurrent }) as const) },
    {
      weight: 2,
      arbitrary: fc
        .record({ status: fc.constantFrom(500, 502, 503, 429), afterCommit: fc.boolean() })
        .map(({ status, afterCommit }) =>
          afterCommit
            ? ({ kind: 'status', status: 502, afterCommit } as const)
            : ({ kind: 'status', status, afterCommit } as const),
        ),
    },
    { weight: 1, arbitrary: fc.integer({ min: 20, max: 200 }).map((ms) => ({ kind: 'slow', ms }) as const) },
    {
      weight: 1,
      arbitrary: fc.constant({ kind: 'timeout', ms: options.fetchTimeoutMs + 300 } as const),
    },
  ];
  if (options.serverKills) {
    kinds.push({
      weight: 1,
      arbitrary: fc
        .integer({ min: 0, max: 40 })
        .map((afterMs) => ({ kind: 'server-kill', afterMs }) as const),
    });
  }
  return fc.oneof(...kinds);
}

export function scenarioArbitrary(options: ArbitraryOptions): fc.Arbitrary<Scenario> {
  const d = fc.nat({ max: options.devices - 1 });
  const pick = fc.nat({ max: 1000 });
  const variant = fc.nat({ max: 1000 });
  const step: fc.Arbitrary<Step> = fc.oneof(
    {
      weight: 10,
      arbitrary: fc.record({
        t: fc.constant('create' as const),
        d,
        entity: fc.constantFrom(...CREATABLE),
        pick,
        pick2: pick,
        variant,
      }),
    },
    { weight: 3, arbitrary: fc.record({ t: fc.constant('family' as const), d, variant }) },
    {
      weight: 2,
      arbitrary: fc.record({
        t: fc.constant('carpool' as const),
        d,
        seats: fc.integer({ min: 1, max: 3 }),
        riders: fc.integer({ min: 0, max: 3 }),
        variant,
      }),
    },
    {
      weight: 12,
      arbitrary: fc.record({
        t: fc.constant('edit' as const),
        d,
        kind: fc.constantFrom(...EDITS),
        pick,
        variant,
      }),
    },
    {
      weight: 3,
      arbitrary: fc.record({
        t: fc.constant('delete' as const),
        d,
        entity: fc.constantFrom(...DELETABLE),
        pick,
      }),
    },
    {
      weight: 10,
      arbitrary: fc.record({
        t: fc.constant('sync' as const),
        d,
        faults: fc.array(faultArbitrary(options), { maxLength: 3 }),
        crashAtWrite: fc.option(fc.integer({ min: 1, max: 8 }), { freq: 5 }),
        ignoreBackoff: fc.boolean(),
      }),
    },
    { weight: 2, arbitrary: fc.record({ t: fc.constant('offline' as const), d }) },
    { weight: 2, arbitrary: fc.record({ t: fc.constant('online' as const), d }) },
    {
      weight: 2,
      arbitrary: fc.record({ t: fc.constant('wait' as const), d, minutes: fc.integer({ min: 1, max: 240 }) }),
    },
  );
  return fc.record({
    devices: fc.array(
      fc.record({ skewMinutes: fc.oneof(fc.constant(0), fc.integer({ min: -6 * 60, max: 6 * 60 })) }),
      { minLength: options.devices, maxLength: options.devices },
    ),
    steps: fc.array(step, { minLength: options.minSteps, maxLength: options.maxSteps }),
    jitterSeed: fc.nat(),
  });
}
