import { WampumsError } from '@wampums/schema';
import type { Actor } from '../auth/tokens';
import type { Queryable } from '../db/database';

/**
 * A sync `clientId` belongs to the person who first pushed with it (docs/sync-protocol.md,
 * "Client id"): receipts and echo-free pulls are found by it, so another person presenting it
 * is refused (403 `client_id_taken`) and cannot have one person's push answers replayed or
 * their pulls trimmed. A phone shared by several leaders pushes with one id per person.
 */
export async function bindClientId(db: Queryable, actor: Actor, clientId: string): Promise<void> {
  const [row] = await db.query<{ user_id: number; organization_id: number }>(
    `INSERT INTO sync_clients (client_id, organization_id, user_id) VALUES ($1, $2, $3)
     ON CONFLICT (client_id) DO UPDATE SET last_seen_at = date_trunc('milliseconds', clock_timestamp())
     RETURNING user_id, organization_id`,
    [clientId, actor.organizationId, actor.userId],
  );
  assertOwner(actor, row);
}

/** Refuses a pull with a `clientId` bound to another person (an unknown one is fine). */
export async function assertClientIdOf(db: Queryable, actor: Actor, clientId: string): Promise<void> {
  const [row] = await db.query<{ user_id: number; organization_id: number }>(
    'SELECT user_id, organization_id FROM sync_clients WHERE client_id = $1',
    [clientId],
  );
  if (row) assertOwner(actor, row);
}

function assertOwner(actor: Actor, row: { user_id: number; organization_id: number } | undefined): void {
  if (row && (row.user_id !== actor.userId || row.organization_id !== actor.organizationId)) {
    throw new WampumsError('client_id_taken', 'This clientId belongs to another person: use one of your own');
  }
}
