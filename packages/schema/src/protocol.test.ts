import { describe, expect, it } from 'vitest';
import { PULL_LIMITS, pullQuerySchema, pushRequestSchema } from './protocol';

describe('pull query', () => {
  it('takes cursor, limit and an optional clientId, and nothing else', () => {
    expect(pullQuerySchema.parse({})).toEqual({ limit: PULL_LIMITS.defaultLimit });
    expect(pullQuerySchema.parse({ cursor: 'abc.def', limit: '20', clientId: 'device-1' })).toEqual({
      cursor: 'abc.def',
      limit: 20,
      clientId: 'device-1',
    });
    expect(pullQuerySchema.safeParse({ clientId: '' }).success).toBe(false);
    expect(pullQuerySchema.safeParse({ clientId: 'x'.repeat(101) }).success).toBe(false);
    expect(pullQuerySchema.safeParse({ client: 'device-1' }).success).toBe(false);
  });

  it('accepts as clientId whatever a push accepts', () => {
    const clientId = 'f47ac10b-58cc-4372-a567-0e02b2c3d479';
    expect(pushRequestSchema.parse({ clientId, changes: [] }).clientId).toBe(clientId);
    expect(pullQuerySchema.parse({ clientId }).clientId).toBe(clientId);
  });
});
