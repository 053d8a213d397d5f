import { startTestServer, type TestServer } from '@wampums/server/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openOfflineStore } from '../src/open-offline-store';
import type { OfflineStore } from '../src/types';
import { fakeIdb } from './helpers';

/**
 * A role changed on the server reaches the device at its next sync (`docs/privacy.md`): a
 * demoted leader's device drops medication records, participant notes and birth dates; a
 * promoted viewer's device gets them. The token the device holds is never refreshed here: the
 * server reads the role from its users table.
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

    it('removes what the device may no longer read at the next sync, and brings it back on promotion', async () => {
      const res = await fetch(`${server.apiUrl}/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'leader@pack-a.test', password: 'offline-first' }),
      });
      const session = (await res.json()) as {
        data: { token: string; user: { id: number; organizationId: number } };
      };
      userId = session.data.user.id;
      store = await openOfflineStore({
        baseUrl: server.url,
        getToken: async () => session.data.token,
        user: session.data.user,
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
      expect((await store.sync()).error).toBeNull();
      expect(await held()).toEqual(asLeader);
    });
  });
}
