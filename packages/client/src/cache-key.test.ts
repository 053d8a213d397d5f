import { describe, expect, it } from 'vitest';
import { buildApiCacheKey } from './cache-key';

describe('buildApiCacheKey', () => {
  const org = { organizationId: 4, origin: 'https://app.example' };

  it('gives the same key whatever the query order, empty values, slashes or API prefix', () => {
    const a = buildApiCacheKey('/api/v1/attendance?date=2026-07-14&participant_id=3', org);
    const b = buildApiCacheKey(
      'https://app.example/api/v1//attendance/?participant_id=3&status=&date=2026-07-14',
      org,
    );
    const c = buildApiCacheKey('attendance?participant_id=3&date=2026-07-14', org);
    expect(b).toBe(a);
    expect(c).toBe(a);
    expect(a).toBe('https://app.example/api/v1/attendance?_org=4&date=2026-07-14&participant_id=3');
  });

  it('scopes keys to the organization of the token and ignores any organization or token in the request', () => {
    const mine = buildApiCacheKey('/api/v1/participants?organization_id=9&access_token=abc', org);
    expect(mine).toBe(buildApiCacheKey('/api/v1/participants', org));
    expect(mine).not.toBe(buildApiCacheKey('/api/v1/participants', { ...org, organizationId: 5 }));
  });

  it('keeps distinct resources distinct', () => {
    expect(buildApiCacheKey('/api/v1/participants?group_id=1', org)).not.toBe(
      buildApiCacheKey('/api/v1/participants?group_id=2', org),
    );
    expect(buildApiCacheKey('/api/v1/groups', org)).not.toBe(buildApiCacheKey('/api/v1/participants', org));
  });
});
