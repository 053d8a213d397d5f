import { afterEach, describe, expect, it } from 'vitest';
import { FakeSyncServer } from '../test/fake-sync-server';
import { openTestStore } from '../test/helpers';
import { WampumsOfflineDB } from './db';
import {
  loadSealingState,
  SEALABLE_STORES,
  sealObject,
  sealRecords,
  unsealObject,
  unsealRecords,
} from './sealing';
import type { OfflineStore } from './types';

const newKey = () =>
  crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, [
    'encrypt',
    'decrypt',
  ]) as Promise<CryptoKey>;

/** Every row of every store, as one text: what a raw read of the database would show. */
async function rawText(db: WampumsOfflineDB): Promise<string> {
  const parts: string[] = [];
  for (const table of db.tables) parts.push(JSON.stringify(await table.toArray()));
  return parts.join('\n');
}

let store: OfflineStore | null = null;
afterEach(async () => {
  await store?.close();
  store = null;
});

describe('sealing one object', () => {
  it('takes the fields out into ciphertext with a fresh IV each time, and gives them back', async () => {
    const key = await newKey();
    const obj = {
      id: 3,
      participant_id: 9,
      medication_name: 'Ventolin',
      general_notes: 'asthma',
      route: null,
    };
    const fields = ['medication_name', 'general_notes', 'route', 'end_date'];
    const a = await sealObject(obj, fields, key);
    const b = await sealObject(obj, fields, key);
    expect(a).not.toHaveProperty('medication_name');
    expect(a).not.toHaveProperty('route');
    expect(a).toMatchObject({ id: 3, participant_id: 9 });
    expect(JSON.stringify(a)).not.toContain('Ventolin');
    const boxA = a._sealed as { iv: Uint8Array; data: Uint8Array };
    const boxB = b._sealed as { iv: Uint8Array; data: Uint8Array };
    expect(Buffer.from(boxA.iv).equals(Buffer.from(boxB.iv))).toBe(false);
    expect(Buffer.from(boxA.data).equals(Buffer.from(boxB.data))).toBe(false);
    expect(await unsealObject(a, key)).toEqual(obj);
    await expect(unsealObject(a, await newKey())).rejects.toThrow();
  });
});

describe('sealing the stores while locked', () => {
  it('leaves no sensitive value in clear in any store, keeps indexes working, and opens it all again', async () => {
    const server = new FakeSyncServer();
    store = await openTestStore(server.transport());
    const kid = await store.create('participants', {
      first_name: 'Léa',
      last_name: 'Roy',
      notes: 'allergic to peanuts',
      date_of_birth: '2015-03-02',
    });
    const requirement = await store.create('medication_requirements', {
      participant_id: kid.id,
      medication_name: 'Ventolin',
      general_notes: 'two puffs before hiking',
    });
    await store.update('medication_requirements', requirement.id, { dosage_instructions: 'shake first' });
    // A synced record edited again: its entry keeps the base it was made on, notes included.
    await store.sync();
    const kidId = (await store.db.entity('participants').toArray())[0]?.id ?? kid.id;
    expect(kidId).not.toBe(kid.id);
    await store.update('participants', kidId, { notes: 'asthma, see the medication sheet' });
    const db = store.db;
    const requirementId = (await db.entity('medication_requirements').toArray())[0]?.id;
    expect(requirementId).not.toBe(requirement.id);
    await db._conflicts.add({
      entityType: 'medication_requirements',
      entityId: 99,
      correlationId: 'c1',
      localVersion: { medication_name: 'Epipen' },
      serverVersion: { id: 99, participant_id: 1, medication_name: 'Epipen Jr' },
      baseVersion: null,
      strategy: 'manual',
      resolution: 'pending-user',
      resolvedVersion: null,
      detectedAt: 1,
      resolvedAt: null,
    });
    const before = {
      kid: await db.entity('participants').get(kidId),
      requirement: await db.entity('medication_requirements').get(requirementId as number),
      outbox: await db._outbox.toArray(),
      conflicts: await db._conflicts.toArray(),
    };
    expect(await rawText(db)).toContain('Ventolin');

    const key = await newKey();
    await sealRecords(db, key);
    const raw = await rawText(db);
    expect(
      before.outbox.some(
        (e) => (e.baseEntity as { notes?: unknown } | null)?.notes === 'allergic to peanuts',
      ),
    ).toBe(true);
    for (const secret of ['Ventolin', 'peanuts', 'hiking', 'shake first', '2015-03-02', 'asthma', 'Epipen'])
      expect(raw).not.toContain(secret);
    // Reading while locked: the record is there, its sensitive fields are absent.
    const sealedKid = await db.entity('participants').get(kidId);
    expect(sealedKid).toMatchObject({ first_name: 'Léa', last_name: 'Roy' });
    expect(sealedKid).not.toHaveProperty('notes');
    expect(sealedKid).not.toHaveProperty('date_of_birth');
    // Indexed fields stay clear: queries by them keep working.
    expect(await db.entity('medication_requirements').where('participant_id').equals(kidId).count()).toBe(1);
    expect(await db._outbox.where('status').equals('pending').count()).toBe(
      before.outbox.filter((e) => e.status === 'pending').length,
    );

    // A new database object on the same data (a reopened app) knows it is locked.
    expect(
      await loadSealingState(
        new WampumsOfflineDB(db.name, {
          indexedDB: db._options.indexedDB as IDBFactory,
          IDBKeyRange: db._options.IDBKeyRange as typeof IDBKeyRange,
        }),
      ),
    ).toBe(true);

    await unsealRecords(db, key);
    expect(await db.entity('participants').get(kidId)).toEqual(before.kid);
    expect(await db.entity('medication_requirements').get(requirementId as number)).toEqual(
      before.requirement,
    );
    expect(await db._outbox.toArray()).toEqual(before.outbox);
    expect(await db._conflicts.toArray()).toEqual(before.conflicts);
    expect(db.sealing.locked).toBe(false);
  });

  it('refuses, while locked, a write that would put a sensitive field in clear, and writes neither record nor entry', async () => {
    store = await openTestStore(new FakeSyncServer().transport());
    const kid = await store.create('participants', { first_name: 'Léa', last_name: 'Roy' });
    await sealRecords(store.db, await newKey());
    const outboxBefore = await store.db._outbox.count();
    await expect(
      store.create('medication_requirements', { participant_id: kid.id, medication_name: 'Ventolin' }),
    ).rejects.toMatchObject({ name: 'OfflineStoreError', code: 'locked' });
    await expect(store.update('participants', kid.id, { notes: 'a note' })).rejects.toMatchObject({
      code: 'locked',
    });
    expect(await store.db.entity('medication_requirements').count()).toBe(0);
    expect(await store.db._outbox.count()).toBe(outboxBefore);
    expect(JSON.stringify(await store.db.entity('participants').toArray())).not.toContain('a note');
    // A store without sensitive fields is written as usual.
    await expect(store.create('groups', { name: 'Castors' })).resolves.toMatchObject({ name: 'Castors' });
  });

  it('names every store that may hold a sensitive field', () => {
    expect([...SEALABLE_STORES].sort()).toEqual(
      ['_conflicts', '_outbox', 'medication_distributions', 'medication_requirements', 'participants'].sort(),
    );
  });
});
