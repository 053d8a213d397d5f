/** A small REST client of the test server: what is on the server, seen as the user would. */
export class Api {
  private constructor(
    private readonly apiUrl: string,
    private readonly token: string,
  ) {}

  static async signIn(apiUrl: string, email: string, password = 'offline-first'): Promise<Api> {
    const response = await fetch(`${apiUrl}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password }),
    });
    if (!response.ok) throw new Error(`login ${email}: ${response.status}`);
    const body = (await response.json()) as { data: { token: string } };
    return new Api(apiUrl, body.data.token);
  }

  private async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${this.apiUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${this.token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
    return (await response.json()) as T;
  }

  /** Every row of a type matching the query filters (all pages). */
  async list(type: string, query: Record<string, string | number> = {}): Promise<Record<string, unknown>[]> {
    const rows: Record<string, unknown>[] = [];
    let cursor: string | null = null;
    do {
      const params = new URLSearchParams({
        ...Object.fromEntries(Object.entries(query).map(([k, v]) => [k, String(v)])),
        limit: '1000',
      });
      if (cursor) params.set('cursor', cursor);
      const page: { data: Record<string, unknown>[]; page: { cursor: string | null; hasMore: boolean } } =
        await this.request('GET', `/${type}?${params}`);
      rows.push(...page.data);
      cursor = page.page.hasMore ? page.page.cursor : null;
    } while (cursor);
    return rows;
  }

  async get(type: string, id: number): Promise<Record<string, unknown>> {
    return (await this.request<{ data: Record<string, unknown> }>('GET', `/${type}/${id}`)).data;
  }

  async create(type: string, fields: Record<string, unknown>): Promise<Record<string, unknown>> {
    return (await this.request<{ data: Record<string, unknown> }>('POST', `/${type}`, fields)).data;
  }
}
