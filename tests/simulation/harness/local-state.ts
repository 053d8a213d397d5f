import type { StoredRecord } from '@wampums/client';
import { type ConflictRecord, ENTITY_TYPES, type EntityType, type OutboxEntry } from '@wampums/schema';
import type { SimDevice } from './sim-device';

/** Everything a device holds, read once for the checks. */
export interface LocalState {
  rows: Record<EntityType, StoredRecord[]>;
  outbox: (OutboxEntry & { localId?: number })[];
  conflicts: ConflictRecord[];
}

export async function readLocalState(device: SimDevice): Promise<LocalState> {
  const db = device.store.db;
  const rows = {} as Record<EntityType, StoredRecord[]>;
  for (const type of ENTITY_TYPES) rows[type] = (await db.entity(type).toArray()) as StoredRecord[];
  return { rows, outbox: await db._outbox.toArray(), conflicts: await db._conflicts.toArray() };
}
