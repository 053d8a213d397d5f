import { describe, expect, it } from 'vitest';
import { ENTITIES, ENTITY_TYPES, fieldSpecsOf } from './entities';
import { canRead, hiddenFields, readableRow } from './read-rules';

describe('read rules', () => {
  it('gives leaders and admins every entity and every field', () => {
    for (const role of ['admin', 'leader'] as const) {
      for (const type of ENTITY_TYPES) {
        expect(canRead(role, type)).toBe(true);
        expect(hiddenFields(role, type)).toEqual([]);
      }
    }
  });

  it('keeps medication records, participant notes and birth dates from viewers', () => {
    expect(canRead('viewer', 'medication_requirements')).toBe(false);
    expect(canRead('viewer', 'medication_distributions')).toBe(false);
    expect(canRead('viewer', 'participants')).toBe(true);
    expect(hiddenFields('viewer', 'participants').sort()).toEqual(['date_of_birth', 'notes']);
    const row = { id: 1, first_name: 'Léa', date_of_birth: '2015-03-02', notes: 'asthma' };
    expect(readableRow('viewer', 'participants', row)).toEqual({ id: 1, first_name: 'Léa' });
    expect(readableRow('viewer', 'medication_requirements', { id: 2, medication_name: 'x' })).toBeNull();
    expect(readableRow('leader', 'participants', row)).toEqual(row);
  });

  it('names only declared fields in its field rules', () => {
    for (const type of ENTITY_TYPES) {
      const declared = Object.keys(fieldSpecsOf(type));
      for (const field of Object.keys(ENTITIES[type].readers.fields ?? {})) expect(declared).toContain(field);
    }
  });
});
