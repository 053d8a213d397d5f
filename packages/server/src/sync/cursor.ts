import { createHmac, timingSafeEqual } from 'node:crypto';
import { WampumsError } from '@wampums/schema';
import type { z } from 'zod';

/**
 * Opaque cursors: base64url JSON plus a truncated HMAC-SHA256, so a client can neither read
 * meaning into a cursor nor forge one (a tampered cursor is a 400 `bad_request`).
 */
export class CursorCodec {
  private readonly key: Buffer;
  constructor(secret: string) {
    this.key = createHmac('sha256', secret).update('wampums-cursor-v1').digest();
  }

  private mac(body: string): Buffer {
    return createHmac('sha256', this.key).update(body).digest().subarray(0, 16);
  }

  encode(value: unknown): string {
    const body = Buffer.from(JSON.stringify(value)).toString('base64url');
    return `${body}.${this.mac(body).toString('base64url')}`;
  }

  decode<T>(text: string, schema: z.ZodType<T>): T {
    const [body, mac, extra] = text.split('.');
    const invalid = new WampumsError('bad_request', 'Invalid cursor');
    if (!body || !mac || extra !== undefined) throw invalid;
    const given = Buffer.from(mac, 'base64url');
    const expected = this.mac(body);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw invalid;
    let parsed: unknown;
    try {
      parsed = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
    } catch {
      throw invalid;
    }
    const result = schema.safeParse(parsed);
    if (!result.success) throw invalid;
    return result.data;
  }
}
