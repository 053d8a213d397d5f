import { describe, expect, it } from 'vitest';
import { type ClientOutboxEntry, coalesce } from './coalesce';
import { newEntry } from './repository';

const tempId = 'temp_1707600000_abc123';

function entry(over: Partial<ClientOutboxEntry>): ClientOutboxEntry {
  return {
    ...newEntry('attendance', tempId, { operation: 'create', payload: {}, timestamp: 1 }),
    localId: 1,
    ...over,
  };
}

describe('coalesce', () => {
  it('folds an update into a pending create: one create carries the latest fields', () => {
    const create = entry({ payload: { participant_id: 5, date: '2026-07-14', status: 'present' } });
    const action = coalesce(create, { operation: 'update', payload: { status: 'late' }, timestamp: 9 });
    expect(action.kind).toBe('replace');
    if (action.kind !== 'replace') return;
    expect(action.entry.operation).toBe('create');
    expect(action.entry.payload).toEqual({ participant_id: 5, date: '2026-07-14', status: 'late' });
    expect(action.entry.timestamp).toBe(9);
    expect(action.entry.correlationId).toBe(create.correlationId);
  });

  it('cancels a create followed by a delete: nothing is sent', () => {
    expect(coalesce(entry({}), { operation: 'delete', payload: null, timestamp: 2 })).toEqual({
      kind: 'drop',
      localId: 1,
    });
  });

  it('merges two updates into one patch and keeps the base version of the first', () => {
    const first = entry({
      entityId: 42,
      tempId: null,
      operation: 'update',
      payload: { status: 'late', date: '2026-07-14' },
      baseUpdatedAt: '2026-07-01T00:00:00.000Z',
      dependencies: [],
    });
    const action = coalesce(first, { operation: 'update', payload: { status: 'absent' }, timestamp: 3 });
    if (action.kind !== 'replace') throw new Error('expected replace');
    expect(action.entry.payload).toEqual({ status: 'absent', date: '2026-07-14' });
    expect(action.entry.baseUpdatedAt).toBe('2026-07-01T00:00:00.000Z');
  });

  it('turns update then delete into one delete', () => {
    const first = entry({ entityId: 42, tempId: null, operation: 'update', payload: { status: 'late' } });
    const action = coalesce(first, { operation: 'delete', payload: null, timestamp: 3 });
    if (action.kind !== 'replace') throw new Error('expected replace');
    expect(action.entry.operation).toBe('delete');
    expect(action.entry.payload).toBeNull();
  });

  it('never touches an entry in progress, one that was sent, or one waiting in a conflict', () => {
    const change = { operation: 'update' as const, payload: { status: 'late' }, timestamp: 3 };
    expect(coalesce(entry({ status: 'in_progress' }), change).kind).toBe('add');
    expect(coalesce(entry({ status: 'pending', sentAt: 5 }), change).kind).toBe('add');
    expect(coalesce(entry({ status: 'conflict' }), change).kind).toBe('add');
    expect(coalesce(entry({ status: 'failed', nextAttemptAt: 10, sentAt: 5 }), change).kind).toBe('add');
  });

  it('makes a rejected entry pending again when the user edits the record', () => {
    const rejected = entry({
      status: 'failed',
      retryCount: 1,
      lastError: { code: 'validation_failed', message: 'x' },
    });
    const action = coalesce(rejected, { operation: 'update', payload: { status: 'late' }, timestamp: 3 });
    if (action.kind !== 'replace') throw new Error('expected replace');
    expect(action.entry.status).toBe('pending');
    expect(action.entry.lastError).toBeNull();
  });
});
