import { ENTITY_TYPES, type EntityType } from '@wampums/schema';
import { startTestServer, type TestServer } from '@wampums/server/testing';
import { api, login, type Session } from '../../support/api';

/** The demo data's two organizations on a fresh PostgreSQL database, with their accounts signed in. */
export interface TwoOrganizations {
  server: TestServer;
  url: string;
  leaderA: Session;
  viewerA: Session;
  leaderB: Session;
  /** One row id of each entity type of organization B (the target of every cross-organization attempt). */
  rowsOfB: Record<EntityType, Record<string, unknown>>;
  /** Every row of organization B, from the database (to prove nothing changed). */
  dumpB(): Promise<string>;
  /** Every row of organization A. */
  dumpA(): Promise<string>;
  close(): Promise<void>;
}

export async function startTwoOrganizations(
  options: { rateLimit?: false | { max: number; timeWindow: number } } = {},
): Promise<TwoOrganizations> {
  const server = await startTestServer({ backend: 'postgres', rateLimit: options.rateLimit ?? false });
  const url = server.url;
  const leaderA = await login(url, 'leader@pack-a.test');
  const viewerA = await login(url, 'viewer@pack-a.test');
  const leaderB = await login(url, 'leader@pack-b.test');
  const rowsOfB = {} as Record<EntityType, Record<string, unknown>>;
  for (const type of ENTITY_TYPES) {
    const res = await api(url, `/${type}?limit=1`, { token: leaderB.token });
    const row = (res.body as { data: Record<string, unknown>[] }).data[0];
    if (!row) throw new Error(`the demo data of organization B has no ${type}`);
    rowsOfB[type] = row;
  }
  const dump = async (organizationId: number) => {
    const parts: string[] = [];
    for (const type of ENTITY_TYPES) {
      const rows = await server.database.query(
        `SELECT to_jsonb(t) AS row FROM "${type}" t WHERE organization_id = $1 ORDER BY id`,
        [organizationId],
      );
      parts.push(`${type}:${JSON.stringify(rows)}`);
    }
    return parts.join('\n');
  };
  return {
    server,
    url,
    leaderA,
    viewerA,
    leaderB,
    rowsOfB,
    dumpA: () => dump(leaderA.user.organizationId),
    dumpB: () => dump(leaderB.user.organizationId),
    close: () => server.close(),
  };
}

/** A push of one change, as a device would send it. */
export function pushBody(change: Record<string, unknown>): Record<string, unknown> {
  return {
    clientId: 'security-suite',
    changes: [
      {
        correlationId: crypto.randomUUID(),
        timestamp: Date.now(),
        baseUpdatedAt: null,
        dependencies: [],
        ...change,
      },
    ],
  };
}
