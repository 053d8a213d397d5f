import { startTestServer, type TestServer } from '@wampums/server/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Clock, systemClock } from '../src/clock';
import { openOfflineStore } from '../src/open-offline-store';
import type { OfflineStore } from '../src/types';
import { fakeIdb } from './helpers';

// Conflicts are decided by when leaders acted, not by when their phones found a network
// (docs/architecture.md, section 5; docs/sync-protocol.md, "Edit times"): two phones, a real
// server, device clocks set wrong on purpose.

interface Session {
  token: string;
  user: { id: number; organizationId: number };
}

async function signIn(server: TestServer, email: string): Promise<Session> {
  const res = await fetch(`${server.apiUrl}/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: 'offline-first' }),
  });
  const body = (await res.json()) as { data: { token: string; user: Session['user'] } };
  return { token: body.data.token, user: body.data.user };
}

async function serverRow(server: TestServer, token: string, path: string): Promise<Record<string, unknown>> {
  const res = await fetch(`${server.apiUrl}${path}`, { headers: { authorization: `Bearer ${token}` } });
  return ((await res.json()) as { data: Record<string, unknown> }).data;
}

/** The device's clock, `skewMs` off the real one (a phone set wrong), and movable. */
function skewedClock(skewMs: number): Clock & { skewMs: number } {
  return {
    skewMs,
    now() {
      return systemClock.now() + this.skewMs;
    },
    setTimeout: systemClock.setTimeout,
    clearTimeout: systemClock.clearTimeout,
  };
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const HOUR = 3_600_000;

describe('edit times against the real server', () => {
  let server: TestServer;
  const stores: OfflineStore[] = [];
  let dayCounter = 0;
  beforeAll(async () => {
    server = await startTestServer({ backend: 'postgres' });
  }, 90_000);
  afterAll(async () => {
    for (const s of stores) await s.close();
    await server?.close();
  });

  async function phone(email: string, skewMs: number) {
    const session = await signIn(server, email);
    const clock = skewedClock(skewMs);
    const store = await openOfflineStore({
      baseUrl: server.url,
      getToken: async () => session.token,
      user: session.user,
      ...fakeIdb(),
      autoSync: false,
      eventSource: null,
      clock,
    });
    stores.push(store);
    expect((await store.sync()).error).toBeNull();
    return { store, session, clock };
  }

  /** A participant both phones know, and a date nobody marked yet. */
  async function scout(a: OfflineStore, b: OfflineStore) {
    const kid = await a.create('participants', { first_name: 'Félix', last_name: `Roy${dayCounter}` });
    expect((await a.sync()).error).toBeNull();
    expect((await b.sync()).error).toBeNull();
    dayCounter += 1;
    const date = `2026-08-${String(dayCounter).padStart(2, '0')}`;
    return { id: (await a.get('participants', kid.id))?.id as number, date };
  }

  async function markOf(store: OfflineStore, participantId: number, date: string) {
    const rows = await store.query('attendance', { participant_id: participantId });
    return rows.filter((r) => r.date === date).map((r) => r.status);
  }

  for (const [label, skewA, skewB] of [
    ['right clocks', 0, 0],
    ['leader 1 three hours ahead, leader 2 two hours behind', 3 * HOUR, -2 * HOUR],
  ] as const) {
    it(`${label}: the later mark wins on the server and both phones, whoever syncs first`, async () => {
      const one = await phone('leader@pack-a.test', skewA);
      const two = await phone('admin@pack-a.test', skewB);
      for (const firstToSync of ['earlier', 'later'] as const) {
        const kid = await scout(one.store, two.store);
        // Both offline: leader 1 marks absent, leader 2 marks late 1.5 s later.
        await one.store.create('attendance', { participant_id: kid.id, date: kid.date, status: 'absent' });
        await pause(1_500);
        await two.store.create('attendance', { participant_id: kid.id, date: kid.date, status: 'late' });
        const order = firstToSync === 'earlier' ? [one, two] : [two, one];
        for (const p of order) expect((await p.store.sync()).error).toBeNull();
        for (const p of [one, two]) expect((await p.store.sync()).error).toBeNull();
        expect(await markOf(one.store, kid.id, kid.date)).toEqual(['late']);
        expect(await markOf(two.store, kid.id, kid.date)).toEqual(['late']);
        const rows = await one.store.query('attendance', { participant_id: kid.id });
        const onServer = await serverRow(server, one.session.token, `/attendance/${rows[0]?.id}`);
        expect(onServer.status).toBe('late');
        expect(onServer.edited_by).toBe(two.session.user.id);
      }
    }, 60_000);
  }

  it('a phone days ahead when it marked cannot beat a later mark once its clock is set right', async () => {
    const ahead = await phone('leader@pack-a.test', 0);
    const other = await phone('admin@pack-a.test', 0);
    const kid = await scout(ahead.store, other.store);
    ahead.clock.skewMs = 3 * 24 * HOUR;
    await ahead.store.create('attendance', { participant_id: kid.id, date: kid.date, status: 'absent' });
    // Set right before it finds a network: its mark says "in three days".
    ahead.clock.skewMs = 0;
    expect((await ahead.store.sync()).error).toBeNull();
    await pause(50);
    await other.store.create('attendance', { participant_id: kid.id, date: kid.date, status: 'present' });
    expect((await other.store.sync()).error).toBeNull();
    expect((await ahead.store.sync()).error).toBeNull();
    expect(await markOf(other.store, kid.id, kid.date)).toEqual(['present']);
    expect(await markOf(ahead.store, kid.id, kid.date)).toEqual(['present']);
  }, 60_000);

  it('a participant: different fields both stay; the same field goes to the later edit', async () => {
    const one = await phone('leader@pack-a.test', 3 * HOUR);
    const two = await phone('admin@pack-a.test', -2 * HOUR);
    const kid = await scout(one.store, two.store);
    await one.store.update('participants', kid.id, { first_name: 'Félixe', last_name: 'Early' });
    await pause(1_500);
    await two.store.update('participants', kid.id, { notes: 'Allergique aux arachides', last_name: 'Later' });
    // The earlier edit reaches the server first: the later one still wins its field.
    for (const p of [one, two, one, two]) expect((await p.store.sync()).error).toBeNull();
    for (const p of [one, two]) {
      expect(await p.store.get('participants', kid.id)).toMatchObject({
        first_name: 'Félixe',
        notes: 'Allergique aux arachides',
        last_name: 'Later',
      });
    }
    const onServer = await serverRow(server, one.session.token, `/participants/${kid.id}`);
    expect(onServer).toMatchObject({ first_name: 'Félixe', last_name: 'Later' });
    const edits = onServer.field_edits as Record<string, { by: number }>;
    expect(edits.first_name?.by).toBe(one.session.user.id);
    expect(edits.last_name?.by).toBe(two.session.user.id);

    // And the other way round: the later edit syncs first, the earlier one loses its field only.
    await two.store.update('participants', kid.id, { last_name: 'Earlier' });
    await pause(1_500);
    await one.store.update('participants', kid.id, { last_name: 'Latest', first_name: 'Félix' });
    for (const p of [one, two, one, two]) expect((await p.store.sync()).error).toBeNull();
    for (const p of [one, two]) {
      expect(await p.store.get('participants', kid.id)).toMatchObject({
        first_name: 'Félix',
        last_name: 'Latest',
      });
    }
  }, 60_000);

  it('a participant: a field edited early keeps its own time when a later edit of another field joins its change', async () => {
    const one = await phone('leader@pack-a.test', 3 * HOUR);
    const two = await phone('admin@pack-a.test', -2 * HOUR);
    for (const firstToSync of [one, two]) {
      const kid = await scout(one.store, two.store);
      await one.store.update('participants', kid.id, { last_name: 'Early' });
      await pause(1_000);
      await two.store.update('participants', kid.id, { last_name: 'Middle' });
      await pause(1_000);
      // Merged into phone 1's queued change, which now also says "3 s later".
      await one.store.update('participants', kid.id, { notes: 'Late note' });
      const second = firstToSync === one ? two : one;
      for (const p of [firstToSync, second, firstToSync, second])
        expect((await p.store.sync()).error).toBeNull();
      for (const p of [one, two]) {
        expect(await p.store.get('participants', kid.id)).toMatchObject({
          last_name: 'Middle',
          notes: 'Late note',
        });
      }
    }
  }, 60_000);

  it('honors are append-only: an edit is refused on the phone and by the server (405 over REST)', async () => {
    const one = await phone('leader@pack-a.test', 0);
    const kid = await scout(one.store, one.store);
    const honor = await one.store.create('honors', {
      participant_id: kid.id,
      date: kid.date,
      reason: 'Bon feu',
    });
    expect((await one.store.sync()).error).toBeNull();
    const id = (await one.store.query('honors', { participant_id: kid.id }))[0]?.id as number;
    await expect(one.store.update('honors', honor.id, { reason: 'Autre' })).rejects.toMatchObject({
      code: 'read_only',
    });
    const res = await fetch(`${server.apiUrl}/honors/${id}`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${one.session.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ reason: 'Autre' }),
    });
    expect(res.status).toBe(405);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('read_only');
  }, 60_000);
});
