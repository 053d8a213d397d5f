import type { OutboxAuthor, OutboxEntry } from '@wampums/schema';
import type { WampumsOfflineDB } from './db';
import { UNSYNCED_STATUSES } from './rebase';
import type { WaitingChanges } from './types';

/**
 * True when a push made for `author` may send `entry`: the author's own entries, and entries of
 * no known author (written before authors were recorded, or with nobody signed in). `undefined`:
 * the push is made for nobody in particular and sends every entry (docs/architecture.md, "Who
 * made a change").
 */
export function sendsFor(author: OutboxAuthor | null | undefined, entry: OutboxEntry): boolean {
  if (author === undefined || entry.authorId === undefined) return true;
  return (
    author !== null &&
    entry.authorId === author.id &&
    (entry.authorOrganizationId === undefined || entry.authorOrganizationId === author.organizationId)
  );
}

/**
 * The unsynced changes a push for `author` leaves behind, by author, most changes first. Reads
 * only entries with an author (the `authorId` index): those of other people are few next to a
 * leader's own, even after a week offline.
 */
export async function waitingForOthers(
  db: WampumsOfflineDB,
  author: OutboxAuthor | null,
): Promise<WaitingChanges[]> {
  const authored =
    author === null ? db._outbox.orderBy('authorId') : db._outbox.where('authorId').notEqual(author.id);
  const byAuthor = new Map<number, WaitingChanges>();
  // Synced entries of other people are read too, until purged: a few days of them at most.
  for (const entry of await authored.toArray()) {
    if (!UNSYNCED_STATUSES.includes(entry.status) || entry.authorId === undefined) continue;
    const group = byAuthor.get(entry.authorId) ?? {
      authorId: entry.authorId,
      authorName: entry.authorName ?? null,
      count: 0,
    };
    group.count += 1;
    group.authorName ??= entry.authorName ?? null;
    byAuthor.set(entry.authorId, group);
  }
  return [...byAuthor.values()].sort((a, b) => b.count - a.count || a.authorId - b.authorId);
}

/**
 * The sync `clientId` a person pushes and pulls with on this device: the server binds a
 * clientId to the first person who pushes with it and refuses it to anyone else
 * (docs/sync-protocol.md, "Client id"), so on a phone shared by several leaders each one has
 * their own, made from the device's id and theirs.
 */
export function personalClientId(deviceClientId: string, author: OutboxAuthor | null | undefined): string {
  return author ? `${deviceClientId}.${author.organizationId}.${author.id}` : deviceClientId;
}
