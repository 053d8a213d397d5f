import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ENTITY_TYPES, FOREIGN_KEYS } from './entities';
import { DELETE_ORDER, DEPENDENCY_ORDER, PUSH_ORDER, topologicalOrder } from './graph';

// The seed's "Sync Push Order (topological)", section 2, numbered 1-12.
const SEED_ORDER = [
  'groups',
  'participants',
  'activities',
  'badge_templates',
  'attendance',
  'honors',
  'points',
  'badge_progress',
  'medication_requirements',
  'medication_distributions',
  'carpool_offers',
  'carpool_assignments',
];

describe('dependency graph', () => {
  it('computes the seed push order from the declared foreign keys', () => {
    expect(DEPENDENCY_ORDER).toEqual(SEED_ORDER);
  });

  it('skips the read-only stores when pushing', () => {
    expect(PUSH_ORDER).toEqual(SEED_ORDER.filter((t) => t !== 'badge_templates' && t !== 'points'));
  });

  it('declares the edges of the seed graph', () => {
    const edges = FOREIGN_KEYS.map((fk) => `${fk.entityType}.${fk.field}->${fk.references}`).sort();
    expect(edges).toEqual(
      [
        'attendance.participant_id->participants',
        'badge_progress.badge_template_id->badge_templates',
        'badge_progress.participant_id->participants',
        'carpool_assignments.carpool_offer_id->carpool_offers',
        'carpool_assignments.participant_id->participants',
        'carpool_offers.activity_id->activities',
        'honors.participant_id->participants',
        'medication_distributions.medication_requirement_id->medication_requirements',
        'medication_distributions.participant_id->participants',
        'medication_requirements.participant_id->participants',
        'participants.group_id->groups',
        'points.group_id->groups',
        'points.honor_id->honors',
        'points.participant_id->participants',
      ].sort(),
    );
  });

  it('puts every parent before its children, and deletes children first', () => {
    for (const fk of FOREIGN_KEYS) {
      expect(DEPENDENCY_ORDER.indexOf(fk.references)).toBeLessThan(DEPENDENCY_ORDER.indexOf(fk.entityType));
      expect(DELETE_ORDER.indexOf(fk.references)).toBeGreaterThan(DELETE_ORDER.indexOf(fk.entityType));
    }
  });

  it('holds every declared edge whatever the declaration order', () => {
    const edges = FOREIGN_KEYS.map((fk) => ({ child: fk.entityType, parent: fk.references }));
    fc.assert(
      fc.property(fc.shuffledSubarray([...ENTITY_TYPES], { minLength: ENTITY_TYPES.length }), (nodes) => {
        const order = topologicalOrder(nodes, edges);
        expect(new Set(order).size).toBe(nodes.length);
        for (const { child, parent } of edges)
          expect(order.indexOf(parent)).toBeLessThan(order.indexOf(child));
      }),
    );
  });

  it('holds for random acyclic graphs and refuses cycles', () => {
    const dag = fc
      .integer({ min: 1, max: 12 })
      .chain((n) =>
        fc.tuple(
          fc.constant(Array.from({ length: n }, (_, i) => `n${i}`)),
          fc.array(fc.tuple(fc.nat(n - 1), fc.nat(n - 1)), { maxLength: 30 }),
        ),
      );
    fc.assert(
      fc.property(dag, ([nodes, pairs]) => {
        // Orient each pair from the lower to the higher index: always acyclic.
        const edges = pairs
          .filter(([a, b]) => a !== b)
          .map(([a, b]) => ({ parent: `n${Math.min(a, b)}`, child: `n${Math.max(a, b)}` }));
        const order = topologicalOrder([...nodes].reverse(), edges);
        for (const { child, parent } of edges)
          expect(order.indexOf(parent)).toBeLessThan(order.indexOf(child));
      }),
    );
    expect(() =>
      topologicalOrder(
        ['a', 'b'],
        [
          { parent: 'a', child: 'b' },
          { parent: 'b', child: 'a' },
        ],
      ),
    ).toThrow(/cycle/);
  });
});
