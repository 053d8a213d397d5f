import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../src/seed/demo';
import type { TestServer } from '../src/testing';
import { BACKENDS, HOOK_TIMEOUT, startFor } from './helpers';

async function unitKeyOf(server: TestServer, email: string): Promise<string> {
  const res = await fetch(`${server.apiUrl}/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: DEMO_PASSWORD }),
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { data: { unitKey: string } }).data.unitKey;
}

describe.each(BACKENDS)('the unit key of the login answer on %s', (backend) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startFor(backend);
  }, HOOK_TIMEOUT);
  afterAll(() => server?.close());

  it('is the same for every member of an organization, another for another organization', async () => {
    const leader = await unitKeyOf(server, 'leader@pack-a.test');
    expect(Buffer.from(leader, 'base64url')).toHaveLength(32);
    expect(await unitKeyOf(server, 'admin@pack-a.test')).toBe(leader);
    expect(await unitKeyOf(server, 'leader@pack-a.test')).toBe(leader);
    expect(await unitKeyOf(server, 'leader@pack-b.test')).not.toBe(leader);
  });
});
