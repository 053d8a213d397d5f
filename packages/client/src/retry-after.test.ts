import { describe, expect, it } from 'vitest';
import { FakeClock, openTestStore } from '../test/helpers';
import { retryAfterMs } from './backoff';
import { HttpTransport } from './transport';

/** A server over its share answers every request with this status and `Retry-After`. */
function busyServer(status: 429 | 503, retryAfter: string): typeof fetch {
  return async () =>
    new Response(
      JSON.stringify({
        error: { code: status === 429 ? 'rate_limited' : 'service_unavailable', message: 'busy' },
      }),
      { status, headers: { 'content-type': 'application/json', 'retry-after': retryAfter } },
    );
}

describe('Retry-After', () => {
  it('reads seconds and HTTP dates, and nothing else', () => {
    expect(retryAfterMs('7', 0)).toBe(7000);
    expect(retryAfterMs(' 0 ', 0)).toBe(0);
    const now = Date.parse('2026-12-05T10:00:00Z');
    expect(retryAfterMs('Sat, 05 Dec 2026 10:00:30 GMT', now)).toBe(30_000);
    expect(retryAfterMs('Sat, 05 Dec 2026 09:00:00 GMT', now)).toBe(0);
    expect(retryAfterMs(null, now)).toBeNull();
    expect(retryAfterMs('soon', now)).toBeNull();
  });

  for (const status of [429, 503] as const) {
    it(`a push answered ${status} waits at least the server's Retry-After, longer than its own backoff`, async () => {
      const clock = new FakeClock();
      const transport = new HttpTransport({
        baseUrl: 'http://h',
        getToken: async () => 'token-1',
        fetch: busyServer(status, '45'),
        clock,
      });
      const store = await openTestStore(transport, { clock, backoff: { baseMs: 1000, maxMs: 300_000 } });
      try {
        await store.create('groups', { name: 'Loups' });
        const report = await store.sync();
        expect(report.failed).toBe(1);
        const [entry] = await store.outbox.list();
        expect(entry).toMatchObject({ status: 'failed', retryCount: 1 });
        // Its own backoff after one failure is 0.5-1 s; the server asked for 45 s.
        expect((entry?.nextAttemptAt ?? 0) - clock.now()).toBe(45_000);
      } finally {
        await store.close();
      }
    });
  }

  it('keeps its own backoff when it is longer than Retry-After', async () => {
    const clock = new FakeClock();
    const transport = new HttpTransport({
      baseUrl: 'http://h',
      getToken: async () => 'token-1',
      fetch: busyServer(429, '1'),
      clock,
    });
    const store = await openTestStore(transport, { clock, backoff: { baseMs: 10_000, maxMs: 300_000 } });
    try {
      await store.create('groups', { name: 'Loups' });
      await store.sync();
      const [entry] = await store.outbox.list();
      // random() is 0.5 in the test store: 10 s nominal, 7.5 s with jitter, above the 1 s asked.
      expect((entry?.nextAttemptAt ?? 0) - clock.now()).toBe(7500);
    } finally {
      await store.close();
    }
  });
});
