import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CursorCodec } from '../src/sync/cursor';
import { TEST_JWT_SECRET, type TestServer } from '../src/testing';
import { BACKENDS, type Client, client, type Json, newParticipant, startFor } from './helpers';

const MEDICATION = ['medication_requirements', 'medication_distributions'];
const HIDDEN = ['notes', 'date_of_birth'];

/** Medication records, or participant rows carrying a note or birth date, in pulled changes. */
function sensitive(changes: Json[]): Json[] {
  return changes.filter(
    (c) =>
      MEDICATION.includes(c.entityType) ||
      (c.entityType === 'participants' && c.entity && HIDDEN.some((f) => f in c.entity)),
  );
}

describe.each(BACKENDS)('read rules per role on %s', (backend) => {
  let server: TestServer;
  let leader: Client;
  let viewer: Client;
  let viewerId: number;
  let kid: Json;
  let requirement: Json;

  const setViewerRole = (role: string) =>
    server.database.query('UPDATE users SET role = $1 WHERE id = $2', [role, viewerId]);

  beforeAll(async () => {
    server = await startFor(backend);
    leader = client(server, await server.login('leader@pack-a.test'));
    viewer = client(server, await server.login('viewer@pack-a.test'));
    const [row] = await server.database.query<{ id: number }>(
      `SELECT id FROM users WHERE email = 'viewer@pack-a.test'`,
    );
    viewerId = row?.id as number;
    kid = await newParticipant(leader, 'Private');
    const patched = await leader.patch(`/participants/${kid.id}`, {
      notes: 'Asthma, inhaler in the blue bag',
      date_of_birth: '2016-04-09',
      updated_at: kid.updated_at,
    });
    kid = patched.body.data;
    requirement = (
      await leader.post('/medication_requirements', {
        participant_id: kid.id,
        medication_name: 'Salbutamol',
        dosage_instructions: '2 puffs',
      })
    ).body.data;
  });
  afterAll(() => server?.close());

  it("a viewer's snapshot carries no medication record, note or birth date; a leader's carries them", async () => {
    const seen = await viewer.pullAll();
    expect(seen.changes.filter((c: Json) => c.entityType === 'participants').length).toBeGreaterThan(0);
    expect(sensitive(seen.changes)).toEqual([]);
    expect(JSON.stringify(seen.changes)).not.toContain('Salbutamol');
    expect(JSON.stringify(seen.changes)).not.toContain('Asthma');

    const full = await leader.pullAll();
    const mine = full.changes.find((c: Json) => c.entityType === 'participants' && c.id === kid.id);
    expect(mine.entity.notes).toBe('Asthma, inhaler in the blue bag');
    expect(full.changes.some((c: Json) => c.entityType === 'medication_requirements')).toBe(true);
    expect(full.changes.some((c: Json) => c.entityType === 'medication_distributions')).toBe(true);
  });

  it("a viewer's pull from a cursor carries no medication change, upsert or delete, and no hidden field", async () => {
    const start = await viewer.pullAll();
    const other = await leader.post('/medication_requirements', {
      participant_id: kid.id,
      medication_name: 'Cetirizine',
    });
    await leader.post('/medication_distributions', {
      medication_requirement_id: other.body.data.id,
      participant_id: kid.id,
      scheduled_for: '2026-07-14T12:00:00.000Z',
    });
    await leader.delete(`/medication_requirements/${other.body.data.id}`);
    const renamed = await leader.patch(`/participants/${kid.id}`, {
      first_name: 'Renamed',
      updated_at: kid.updated_at,
    });
    kid = renamed.body.data;
    const after = await viewer.pullUntil(start.cursor, (changes) =>
      changes.some((c) => c.entityType === 'participants' && c.entity?.first_name === 'Renamed'),
    );
    const upsert = after.changes.find((c: Json) => c.entityType === 'participants' && c.id === kid.id);
    expect(upsert.entity.first_name).toBe('Renamed');
    expect(sensitive(after.changes)).toEqual([]);
  });

  it('REST refuses a viewer medication records and leaves hidden fields out of participants', async () => {
    for (const type of MEDICATION) {
      const list = await viewer.get(`/${type}`);
      expect(list.status).toBe(403);
      expect(list.body.error.code).toBe('forbidden');
    }
    const one = await viewer.get(`/medication_requirements/${requirement.id}`);
    expect(one.status).toBe(403);
    expect(JSON.stringify(one.body)).not.toContain('Salbutamol');

    const list = await viewer.get('/participants?limit=1000');
    expect(list.status).toBe(200);
    expect(list.body.data.length).toBeGreaterThan(0);
    expect(list.body.data.filter((p: Json) => HIDDEN.some((f) => f in p))).toEqual([]);
    const row = await viewer.get(`/participants/${kid.id}`);
    expect(row.body.data.first_name).toBe('Renamed');
    expect(HIDDEN.filter((f) => f in row.body.data)).toEqual([]);

    const asLeader = await leader.get(`/participants/${kid.id}`);
    expect(asLeader.body.data.notes).toBe('Asthma, inhaler in the blue bag');
    expect((await leader.get(`/medication_requirements/${requirement.id}`)).body.data.medication_name).toBe(
      'Salbutamol',
    );
  });

  /** A role change ends the viewer's sessions: the old token is refused, a new sign-in goes on. */
  const changeViewerRole = async (role: string) => {
    await setViewerRole(role);
    const refused = await viewer.get('/sync/pull');
    expect(refused.body.error).toMatchObject({
      code: 'session_revoked',
      details: { reason: 'role_changed' },
    });
    viewer = client(server, await server.login('viewer@pack-a.test'));
  };

  it('a role changed in the database ends the session; after signing in again the new role applies', async () => {
    const asViewer = await viewer.pullAll();
    try {
      await changeViewerRole('leader');
      // The cursor was issued to the viewer role: the pull answers a full refresh, then everything.
      const next = await viewer.get(`/sync/pull?cursor=${encodeURIComponent(asViewer.cursor)}`);
      expect(next.body.data.fullRefresh).toBe(true);
      expect(next.body.data.changes).toEqual([]);
      const promoted = await viewer.pullAll(next.body.data.cursor);
      expect(promoted.changes.some((c: Json) => c.entityType === 'medication_requirements')).toBe(true);
      const mine = promoted.changes.find((c: Json) => c.entityType === 'participants' && c.id === kid.id);
      expect(mine.entity.notes).toBe('Asthma, inhaler in the blue bag');
      expect((await viewer.get(`/medication_requirements/${requirement.id}`)).status).toBe(200);

      await changeViewerRole('viewer');
      const demoted = await viewer.get(`/sync/pull?cursor=${encodeURIComponent(promoted.cursor)}`);
      expect(demoted.body.data.fullRefresh).toBe(true);
      const again = await viewer.pullAll(demoted.body.data.cursor);
      expect(sensitive(again.changes)).toEqual([]);
      expect((await viewer.get(`/medication_requirements/${requirement.id}`)).status).toBe(403);
    } finally {
      await setViewerRole('viewer');
      viewer = client(server, await server.login('viewer@pack-a.test'));
    }
  });

  it('a cursor issued before read rules (without a role) answers a full refresh', async () => {
    const codec = new CursorCodec(TEST_JWT_SECRET);
    const current = await viewer.pullAll();
    const { r: _role, ...old } = JSON.parse(
      Buffer.from(current.cursor.split('.')[0] as string, 'base64url').toString('utf8'),
    );
    const res = await viewer.get(`/sync/pull?cursor=${encodeURIComponent(codec.encode(old))}`);
    expect(res.body.data.fullRefresh).toBe(true);
  });
});
