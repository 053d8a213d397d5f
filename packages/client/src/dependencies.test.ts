import { fc, test } from '@fast-check/vitest';
import { type EntityType, generateTempId, PUSH_ORDER } from '@wampums/schema';
import { describe, expect, it } from 'vitest';
import type { ClientOutboxEntry } from './coalesce';
import { deriveDependencies, selectBatch } from './dependencies';
import { newEntry } from './repository';

let nextLocalId = 1;
function create(type: EntityType, payload: Record<string, unknown>, now = 1): ClientOutboxEntry {
  const id = generateTempId(now);
  return { ...newEntry(type, id, { operation: 'create', payload, timestamp: now }), localId: nextLocalId++ };
}

describe('deriveDependencies', () => {
  it('lists every foreign key holding a temp id, and the record itself for an edit of an offline record', () => {
    const p = generateTempId();
    const r = generateTempId();
    expect(
      deriveDependencies('medication_distributions', 'temp_1_aaaaaa', 'update', {
        participant_id: p,
        medication_requirement_id: r,
      }),
    ).toEqual([
      { entityType: 'medication_distributions', tempId: 'temp_1_aaaaaa' },
      { entityType: 'medication_requirements', tempId: r },
      { entityType: 'participants', tempId: p },
    ]);
    expect(deriveDependencies('attendance', 3, 'update', { participant_id: 9 })).toEqual([]);
  });
});

describe('selectBatch', () => {
  const opts = { now: 10, limit: 100, ignoreBackoff: false };

  it('sends parents before children, whatever order they were written in', () => {
    const group = create('groups', { name: 'Loups' });
    const kid = create('participants', { first_name: 'A', last_name: 'B', group_id: group.entityId });
    const att = create('attendance', { participant_id: kid.entityId, date: '2026-07-14', status: 'present' });
    const batch = selectBatch([att, kid, group], opts);
    expect(batch.map((e) => e.entityType)).toEqual(['groups', 'participants', 'attendance']);
  });

  it('keeps children pending when their parent failed or is not due', () => {
    const kid = { ...create('participants', { first_name: 'A', last_name: 'B' }), status: 'failed' as const };
    const att = create('attendance', { participant_id: kid.entityId, date: '2026-07-14', status: 'present' });
    expect(selectBatch([kid, att], opts)).toEqual([]);
    const backedOff = { ...kid, nextAttemptAt: 50 };
    expect(selectBatch([backedOff, att], opts)).toEqual([]);
    expect(selectBatch([backedOff, att], { ...opts, now: 60 }).map((e) => e.entityType)).toEqual([
      'participants',
      'attendance',
    ]);
  });

  it('holds every later change of a record whose earlier change waits in a conflict', () => {
    const first = { ...create('medication_requirements', { participant_id: 1, medication_name: 'X' }) };
    const blocked = { ...first, status: 'conflict' as const };
    const later = {
      ...newEntry('medication_requirements', first.entityId, {
        operation: 'update',
        payload: { route: 'oral' },
        timestamp: 2,
      }),
      localId: nextLocalId++,
    };
    expect(selectBatch([blocked, later], opts)).toEqual([]);
  });

  test.prop([
    fc.array(fc.tuple(fc.constantFrom(...PUSH_ORDER), fc.nat()), { minLength: 1, maxLength: 40 }),
    fc.integer({ min: 1, max: 10 }),
  ])('never puts a change before a change it depends on, and respects the batch size', (specs, limit) => {
    const created: ClientOutboxEntry[] = [];
    for (const [type, pick] of specs) {
      // Point at an earlier created participant when the type has such a key.
      const parents = created.filter((e) => e.entityType === 'participants');
      const parent = parents.length > 0 ? parents[pick % parents.length] : undefined;
      const payload: Record<string, unknown> = parent ? { participant_id: parent.entityId } : {};
      created.push(create(type, payload));
    }
    const shuffled = [...created].reverse();
    const batch = selectBatch(shuffled, { now: 10, limit, ignoreBackoff: false });
    expect(batch.length).toBeLessThanOrEqual(limit);
    const sent = new Set<string>();
    for (const entry of batch) {
      for (const dep of entry.dependencies) expect(sent.has(dep.tempId)).toBe(true);
      if (entry.tempId) sent.add(entry.tempId);
    }
  });
});
