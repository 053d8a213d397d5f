import { startTestServer, type TestServer } from '@wampums/server/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openOfflineStore } from '../src/open-offline-store';
import { UNSYNCED_STATUSES } from '../src/rebase';
import type { OfflineStore } from '../src/types';
import { fakeIdb } from './helpers';

/**
 * A role changed on the server reaches the device at its next sync (`docs/privacy.md`): a
 * demoted leader's device drops medication records, participant notes and birth dates; a
 * promoted viewer's device gets them. A role change ends the person's sessions (docs/server.md,
 * "Sessions"): the device is asked to sign in again and keeps its waiting changes meanwhile.
 */
for (const backend of ['pglite', 'postgres'] as const) {
  describe(`a role change on the real server (${backend})`, () => {
    let server: TestServer;
    let store: OfflineStore | null = null;
    let userId: number;

    beforeAll(async () => {
      server = await startTestServer({ backend });
    }, 90_000);
    afterAll(async () => {
      await store?.close();
      await server?.close();
    });

    async function held() {
      const db = (store as OfflineStore).db;
      const participants = await db.entity('participants').toArray();
      return {
        requirements: await db.entity('medication_requirements').count(),
        distributions: await db.entity('medication_distributions').count(),
        participants: participants.length,
        withNotesOrBirthDate: participants.filter((p) => 'notes' in p || 'date_of_birth' in p).length,
      };
    }

    async function signIn(): Promise<{ token: string; user: { id: number; organizationId: number } }> {
      const res = await fetch(`${server.apiUrl}/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'leader@pack-a.test', password: 'offline-first' }),
      });
      return ((await res.json()) as { data: { token: string; user: { id: number; organizationId: number } } })
        .data;
    }

    /** Changes not yet accepted by the server. */
    async function waiting() {
      const entries = await (store as OfflineStore).db._outbox.toArray();
      return entries.filter((e) => UNSYNCED_STATUSES.includes(e.status)).length;
    }

    /** A sync refused because the role change ended the session: the person must sign in again. */
    async function expectSignInAgain() {
      const refused = await (store as OfflineStore).sync();
      expect(refused.error?.code).toBe('unauthorized');
      expect(refused.error?.details).toMatchObject({
        wireCode: 'session_revoked',
        details: { reason: 'role_changed' },
      });
    }

    it('ends the session on a role change; after signing in again it removes what the device may no longer read, and brings it back on promotion, waiting changes kept', async () => {
      let session = await signIn();
      userId = session.user.id;
      store = await openOfflineStore({
        baseUrl: server.url,
        getToken: async () => session.token,
        user: session.user,
        ...fakeIdb(),
        autoSync: false,
        eventSource: null,
      });
      expect((await store.sync()).error).toBeNull();
      const asLeader = await held();
      expect(asLeader.requirements).toBeGreaterThan(0);
      expect(asLeader.distributions).toBeGreaterThan(0);
      expect(asLeader.withNotesOrBirthDate).toBe(asLeader.participants);

      await server.database.query(`UPDATE users SET role = 'viewer' WHERE id = $1`, [userId]);
      await expectSignInAgain();
      // Nothing is removed before the person signs in again.
      expect(await held()).toEqual(asLeader);
      session = await signIn();
      const demoted = await store.sync();
      expect(demoted.error).toBeNull();
      expect(demoted.fullRefresh).toBe(true);
      expect(await held()).toEqual({
        requirements: 0,
        distributions: 0,
        participants: asLeader.participants,
        withNotesOrBirthDate: 0,
      });

      await server.database.query(`UPDATE users SET role = 'leader' WHERE id = $1`, [userId]);
      const group = await store.create('groups', { name: 'Written before signing in again' });
      await expectSignInAgain();
      expect(await waiting()).toBe(1);
      session = await signIn();
      expect((await store.sync()).error).toBeNull();
      expect(await waiting()).toBe(0);
      expect(await held()).toEqual(asLeader);
      const [row] = await server.database.query<{ name: string }>('SELECT name FROM groups WHERE name = $1', [
        'Written before signing in again',
      ]);
      expect(row?.name).toBe('Written before signing in again');
      expect(group).toBeDefined();
    });
  });
}
