import { describe, expect, it } from 'vitest';
import { ENTITIES, ENTITY_TYPES, SEALED_ENTITY_TYPES, sensitiveFieldsOf } from './entities';

describe('sensitive fields (sealed at rest on a locked phone)', () => {
  it('are declared fields of their entity, and none is indexed, so queries keep working while sealed', () => {
    for (const type of ENTITY_TYPES) {
      const { fields, indexes } = ENTITIES[type];
      const indexed = new Set(indexes.flatMap((index) => index.replace(/[[\]]/g, '').split('+')));
      for (const field of sensitiveFieldsOf(type)) {
        expect(Object.keys(fields), `${type}.${field}`).toContain(field);
        expect(indexed.has(field), `${type}.${field} is indexed`).toBe(false);
      }
    }
  });

  it('cover the medication records and what is said of a child', () => {
    expect([...SEALED_ENTITY_TYPES].sort()).toEqual(
      ['medication_distributions', 'medication_requirements', 'participants'].sort(),
    );
    expect(sensitiveFieldsOf('participants')).toEqual(['date_of_birth', 'notes']);
    expect(sensitiveFieldsOf('medication_requirements')).toContain('medication_name');
    expect(sensitiveFieldsOf('medication_distributions')).toContain('dose_notes');
  });
});
