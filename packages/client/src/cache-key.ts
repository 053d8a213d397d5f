import { API_BASE } from '@wampums/schema';

/** Query parameters that never take part in a cache key. */
const IGNORED_PARAMS = new Set([
  // The token is a credential, not a resource: two tokens of one user read the same data.
  'access_token',
  // The organization comes from the token; a request cannot choose it, so it cannot split keys.
  'organization_id',
  'organizationId',
  '_org',
]);

/** The query parameter carrying the organization in a key. */
export const CACHE_KEY_ORG_PARAM = '_org';

export interface CacheKeyOptions {
  /** The organization of the signed-in user (from the token); `null` when unknown. */
  organizationId: number | string | null;
  /** Origin for relative paths (default `http://localhost`). */
  origin?: string;
}

/**
 * The one cache key of an API request, shared by the page and the service worker so that both
 * always find each other's entries. Normalises the path (API prefix, duplicate and trailing
 * slashes), the query (sorted, empty values and credentials dropped) and scopes the key to the
 * organization, so two accounts on one device never read each other's cached answers.
 * The result is an absolute URL string, usable as a Cache Storage key.
 */
export function buildApiCacheKey(input: string | URL, options: CacheKeyOptions): string {
  const url = new URL(String(input), options.origin ?? 'http://localhost');
  let path = url.pathname.replace(/\/{2,}/g, '/');
  if (path.length > 1) path = path.replace(/\/+$/, '');
  if (path !== API_BASE && !path.startsWith(`${API_BASE}/`)) path = `${API_BASE}${path === '/' ? '' : path}`;

  const params: [string, string][] = [];
  for (const [key, value] of url.searchParams) {
    if (IGNORED_PARAMS.has(key) || value.trim() === '') continue;
    params.push([key, value.trim()]);
  }
  if (options.organizationId !== null && String(options.organizationId) !== '') {
    params.push([CACHE_KEY_ORG_PARAM, String(options.organizationId)]);
  }
  params.sort(([ak, av], [bk, bv]) => (ak === bk ? compare(av, bv) : compare(ak, bk)));
  const query = new URLSearchParams(params).toString();
  return `${url.origin}${path}${query ? `?${query}` : ''}`;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
