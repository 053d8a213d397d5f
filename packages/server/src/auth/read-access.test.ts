import { describe, expect, it } from 'vitest';
import { readableChanges, readableOutcome } from './read-access';

const kid = { id: 7, first_name: 'Léa', notes: 'asthma', date_of_birth: '2016-04-09' };

describe('read access', () => {
  it('strips hidden fields from every row of a write outcome, and leaves them for a leader', () => {
    const outcome = { status: 'duplicate', serverId: 7, entity: kid, current: kid } as const;
    expect(readableOutcome('viewer', 'participants', outcome)).toEqual({
      status: 'duplicate',
      serverId: 7,
      entity: { id: 7, first_name: 'Léa' },
      current: { id: 7, first_name: 'Léa' },
    });
    const conflict = { status: 'conflict', code: 'conflict', serverEntity: kid } as const;
    expect(readableOutcome('viewer', 'participants', conflict)).toMatchObject({
      serverEntity: { id: 7, first_name: 'Léa' },
    });
    expect(readableOutcome('leader', 'participants', outcome)).toEqual(outcome);
  });

  it('leaves unreadable entities out of a pull page, deletes included', () => {
    const page = [
      { entityType: 'participants', op: 'upsert', id: 7, entity: kid },
      { entityType: 'medication_requirements', op: 'upsert', id: 1, entity: { id: 1, medication_name: 'x' } },
      { entityType: 'medication_distributions', op: 'delete', id: 2, entity: null },
      { entityType: 'groups', op: 'delete', id: 3, entity: null },
    ] as const;
    expect(readableChanges('viewer', [...page])).toEqual([
      { entityType: 'participants', op: 'upsert', id: 7, entity: { id: 7, first_name: 'Léa' } },
      { entityType: 'groups', op: 'delete', id: 3, entity: null },
    ]);
    expect(readableChanges('admin', [...page])).toEqual(page);
  });
});
