import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPgliteDatabase } from '../src/db/pglite-database';
import { DEMO_PASSWORD } from '../src/seed/demo';
import type { TestServer } from '../src/testing';
import {
  BACKENDS,
  type Client,
  change,
  client,
  type Json,
  newParticipant,
  startFor,
  ticketFor,
} from './helpers';

/** A database failure on writing a medication record, as a full disk would give. */
const REFUSE_MEDICATION = `
CREATE FUNCTION test_refuse_write() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION 'could not extend file'; END $$;
CREATE TRIGGER test_refuse_write BEFORE INSERT ON medication_requirements
  FOR EACH ROW EXECUTE FUNCTION test_refuse_write();`;

describe.each(BACKENDS)('what the server logs and lets caches keep on %s', (backend) => {
  let server: TestServer;
  let token: string;
  let leader: Client;
  const lines: string[] = [];

  beforeAll(async () => {
    server = await startFor(backend, { logLevel: 'info', logStream: { write: (line) => lines.push(line) } });
    token = await server.login('leader@pack-a.test');
    leader = client(server, token);
  });
  afterAll(() => server?.close());

  it('logs no body, query string, token or payload, not even of a failed write', async () => {
    let ticket = '';
    const kid = await newParticipant(leader, 'Logged');
    await leader.get(`/attendance?participant_id=${kid.id}`);
    await leader.get('/sync/pull?limit=5&clientId=device-of-lea');
    const live = new AbortController();
    ticket = await ticketFor(server.apiUrl, token);
    const events = await fetch(`${server.apiUrl}/sync/events?ticket=${ticket}`, { signal: live.signal });
    expect(events.status).toBe(200);
    live.abort();

    await server.database.exec(REFUSE_MEDICATION);
    try {
      const payload = { participant_id: kid.id, medication_name: 'Salbutamol', general_notes: 'SECRET-NOTE' };
      const rest = await leader.post('/medication_requirements', payload);
      expect(rest.status).toBe(500);
      const push = await leader.push([change('medication_requirements', 'create', { payload })]);
      expect(push.status).toBe(500);
    } finally {
      await server.database.exec(
        'DROP TRIGGER test_refuse_write ON medication_requirements; DROP FUNCTION test_refuse_write();',
      );
    }

    const log = lines.join('');
    const failures = lines.map((line) => JSON.parse(line) as Json).filter((l) => l.msg === 'request failed');
    expect(failures).toHaveLength(2);
    for (const failure of failures) {
      expect(failure.err).toMatchObject({ code: 'P0001', message: 'database error P0001' });
      expect(failure.err.query).toBeUndefined();
      expect(failure.err.params).toBeUndefined();
    }
    for (const secret of [
      'Salbutamol',
      'SECRET-NOTE',
      token,
      ticket,
      DEMO_PASSWORD,
      'device-of-lea',
      'participant_id=',
    ]) {
      expect(log).not.toContain(secret);
    }
    const urls = lines.map((line) => (JSON.parse(line) as Json).req?.url).filter(Boolean);
    expect(urls).toContain('/api/v1/sync/events');
    expect(urls.filter((url: string) => url.includes('?'))).toEqual([]);
  });

  it('answers every API request with Cache-Control: no-store, errors and the live channel included', async () => {
    const login = await fetch(`${server.apiUrl}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'leader@pack-a.test', password: DEMO_PASSWORD }),
    });
    expect(login.headers.get('cache-control')).toBe('no-store');
    for (const answer of [
      await leader.get('/participants'),
      await leader.get('/sync/pull?limit=1'),
      await leader.push([]),
      await leader.get('/participants/999999'),
      await client(server).get('/participants'),
    ]) {
      expect(answer.headers.get('cache-control')).toBe('no-store');
    }
    const live = new AbortController();
    const events = await fetch(`${server.apiUrl}/sync/events`, {
      headers: { authorization: `Bearer ${token}` },
      signal: live.signal,
    });
    expect(events.headers.get('cache-control')).toContain('no-store');
    live.abort();
  });
});

describe('the embedded database folder', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'wampums-private-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  async function modes(path: string): Promise<{ dirs: Set<string>; files: Set<string>; count: number }> {
    const { readdir } = await import('node:fs/promises');
    const out = { dirs: new Set<string>(), files: new Set<string>(), count: 0 };
    const walk = async (p: string) => {
      const s = await stat(p);
      const mode = (s.mode & 0o777).toString(8);
      out.count += 1;
      if (s.isDirectory()) {
        out.dirs.add(mode);
        for (const name of await readdir(p)) await walk(join(p, name));
      } else out.files.add(mode);
    };
    await walk(path);
    return out;
  }

  it('is private to its user (0700 folders, 0600 files), an existing loose one fixed at start', async () => {
    const data = join(dir, 'data');
    // A folder as an older server left it: PGlite's own files are world-writable.
    const raw = await PGlite.create(data);
    await raw.exec('CREATE TABLE leftover (a int)');
    await raw.close();
    await writeFile(join(data, 'loose-file'), 'x', { mode: 0o666 });
    const before = await modes(data);
    expect(before.files.has('666')).toBe(true);

    const db = await openPgliteDatabase(data);
    await db.exec('CREATE TABLE written_while_open (a int); INSERT INTO written_while_open VALUES (1)');
    const open = await modes(data);
    expect(open.dirs).toEqual(new Set(['700']));
    await db.close();
    const after = await modes(data);
    expect(after.count).toBeGreaterThan(100);
    expect(after.dirs).toEqual(new Set(['700']));
    expect(after.files).toEqual(new Set(['600']));
  }, 180_000);
});
