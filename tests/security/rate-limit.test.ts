import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api } from '../support/api';
import { startTwoOrganizations, type TwoOrganizations } from './support/two-organizations';

let env: TwoOrganizations;

beforeAll(async () => {
  env = await startTwoOrganizations({ rateLimit: { max: 20, timeWindow: 60_000 } });
});

afterAll(async () => {
  await env?.close();
});

describe('rate limits', () => {
  it('a runaway client gets 429 rate_limited, per token: another user is still served', async () => {
    const statuses: number[] = [];
    let last: { status: number; body: unknown } | null = null;
    for (let i = 0; i < 30; i++) {
      last = await api(env.url, '/groups?limit=1', { token: env.leaderA.token });
      statuses.push(last.status);
    }
    expect(statuses.filter((s) => s === 200).length).toBeLessThanOrEqual(20);
    expect(statuses.at(-1)).toBe(429);
    expect((last?.body as { error?: { code: string } } | undefined)?.error?.code).toBe('rate_limited');
    const other = await api(env.url, '/groups?limit=1', { token: env.leaderB.token });
    expect(other.status).toBe(200);
  });
});
