import { describe, expect, it } from 'vitest';
import { FakeClock } from '../test/helpers';
import { HttpTransport } from './transport';

describe('HttpTransport', () => {
  it('gives up on a request that never answers, as a network error', async () => {
    const clock = new FakeClock();
    const hung: typeof fetch = (_url, init) =>
      new Promise((_resolve, reject) => {
        init?.signal?.addEventListener('abort', () => reject(new Error('aborted')));
      });
    const transport = new HttpTransport({
      baseUrl: 'http://h',
      getToken: async () => 't',
      fetch: hung,
      clock,
      requestTimeoutMs: 5000,
    });
    const pull = transport.pull(null, 10);
    await new Promise((r) => setTimeout(r, 10));
    clock.advance(5000);
    await expect(pull).rejects.toMatchObject({ name: 'OfflineStoreError', code: 'network_error' });
  });

  it('turns error bodies into coded errors and a 401 into unauthorized', async () => {
    const answer =
      (status: number, body: unknown): typeof fetch =>
      async () =>
        new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
    const make = (f: typeof fetch) =>
      new HttpTransport({
        baseUrl: 'http://h/',
        getToken: async () => 't',
        fetch: f,
        clock: new FakeClock(),
      });
    await expect(
      make(answer(401, { error: { code: 'token_expired', message: 'expired' } })).pull(null, 1),
    ).rejects.toMatchObject({
      code: 'unauthorized',
      details: { status: 401, token: 't' },
    });
    await expect(
      make(answer(413, { error: { code: 'payload_too_large', message: 'too big' } })).pull(null, 1),
    ).rejects.toMatchObject({ code: 'payload_too_large', message: 'too big' });
    await expect(make(answer(200, { data: { nope: 1 } })).pull(null, 1)).rejects.toMatchObject({
      code: 'invalid_response',
    });
  });

  it('sends cursor, limit and the clientId of a pull as query parameters', async () => {
    const urls: string[] = [];
    const page = { data: { changes: [], cursor: 'c2', hasMore: false, fullRefresh: false } };
    const transport = new HttpTransport({
      baseUrl: 'http://h',
      getToken: async () => 't',
      fetch: async (url) => {
        urls.push(String(url));
        return new Response(JSON.stringify(page), { status: 200 });
      },
      clock: new FakeClock(),
    });
    await transport.pull('c1', 50, undefined, 'device 1');
    await transport.pull('c1', 50);
    await transport.pull(null, 50, undefined, null);
    expect(urls).toEqual([
      'http://h/api/v1/sync/pull?limit=50&cursor=c1&clientId=device+1',
      'http://h/api/v1/sync/pull?limit=50&cursor=c1',
      'http://h/api/v1/sync/pull?limit=50',
    ]);
  });
});
