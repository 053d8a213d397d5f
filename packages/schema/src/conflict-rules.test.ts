import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type ConflictInput, resolveConflict } from './conflict-rules';

const T0 = Date.parse('2026-07-14T10:00:00.000Z');
const at = (ms: number) => new Date(T0 + ms).toISOString();

function input(partial: Partial<ConflictInput> & Pick<ConflictInput, 'entityType'>): ConflictInput {
  return {
    operation: 'update',
    localPatch: {},
    baseEntity: null,
    serverEntity: { id: 1, updated_at: at(0) },
    localEditedAt: T0,
    clockOffsetMs: 0,
    ...partial,
  };
}

describe('conflict rules', () => {
  it('participants: keeps fields changed on one side only, and gives a field changed on both to the later edit', () => {
    const base = { id: 1, first_name: 'Léa', notes: 'old', group_id: 2, updated_at: at(0) };
    const server = { ...base, notes: 'server note', updated_at: at(5_000) };
    // Local edit is earlier than the server's: its untouched-by-server field survives, the shared one does not.
    const earlier = resolveConflict(
      input({
        entityType: 'participants',
        baseEntity: base,
        serverEntity: server,
        localPatch: { first_name: 'Léanne', notes: 'mine' },
        localEditedAt: T0 + 1_000,
      }),
    );
    expect(earlier).toEqual({ kind: 'merged', patch: { first_name: 'Léanne' } });
    const later = resolveConflict(
      input({
        entityType: 'participants',
        baseEntity: base,
        serverEntity: server,
        localPatch: { first_name: 'Léanne', notes: 'mine' },
        localEditedAt: T0 + 9_000,
      }),
    );
    expect(later).toEqual({ kind: 'merged', patch: { first_name: 'Léanne', notes: 'mine' } });
  });

  it('last-write-wins compares the edit time corrected by the clock offset', () => {
    const server = { id: 1, status: 'present', updated_at: at(10_000) };
    const patch = { status: 'late' };
    // The device clock is 1 hour behind: its edit at "T0 - 1h + 20s" is really T0 + 20 s, after the server's.
    const skewed = input({
      entityType: 'attendance',
      serverEntity: server,
      localPatch: patch,
      localEditedAt: T0 - 3_600_000 + 20_000,
      clockOffsetMs: 3_600_000,
    });
    expect(resolveConflict(skewed)).toEqual({ kind: 'local-wins', patch });
    expect(resolveConflict({ ...skewed, clockOffsetMs: 0 })).toEqual({ kind: 'server-wins' });
  });

  it('medication requirements always go to a person; points always follow the server', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -1e7, max: 1e7 }),
        fc.constantFrom('create', 'update', 'delete' as const),
        (delta, operation) => {
          expect(
            resolveConflict(
              input({ entityType: 'medication_requirements', operation, localEditedAt: T0 + delta }),
            ),
          ).toEqual({ kind: 'manual' });
          expect(
            resolveConflict(input({ entityType: 'points', operation, localEditedAt: T0 + delta })),
          ).toEqual({ kind: 'server-wins' });
        },
      ),
    );
  });

  it('badge progress never loses an approval, whichever edit is later', () => {
    const status = fc.constantFrom('pending', 'approved', 'rejected');
    fc.assert(
      fc.property(status, status, fc.integer({ min: -1e6, max: 1e6 }), (serverStatus, localStatus, delta) => {
        const server = { id: 1, status: serverStatus, level: 1, updated_at: at(0) };
        const decision = resolveConflict(
          input({
            entityType: 'badge_progress',
            serverEntity: server,
            localPatch: { status: localStatus, description: 'x' },
            localEditedAt: T0 + delta,
          }),
        );
        const finalStatus =
          decision.kind === 'server-wins' || decision.kind === 'manual'
            ? serverStatus
            : (decision.patch?.status ?? serverStatus);
        if (serverStatus === 'approved' || localStatus === 'approved') expect(finalStatus).toBe('approved');
      }),
    );
  });

  it('an edit of a row deleted on the server gives way', () => {
    expect(
      resolveConflict(input({ entityType: 'groups', serverEntity: null, localPatch: { name: 'x' } })),
    ).toEqual({ kind: 'server-wins' });
  });
});
