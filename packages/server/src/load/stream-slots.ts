import { randomUUID } from 'node:crypto';
import { WampumsError } from '@wampums/schema';
import type { Actor } from '../auth/tokens';
import type { Database } from '../db/database';
import { LOAD_RETRY_AFTER_SECONDS } from './limits';

/** An advisory lock namespace (any fixed number): one user's slots are counted one open at a time. */
const SLOT_LOCK = 727_310_019;

/**
 * The live streams a user holds open, counted over every instance on the database
 * (`sync_live_streams`, migration 008): each open stream is a lease row that its instance
 * renews, all of its rows in one statement, while the stream lives. A stream that ends deletes
 * its row; the rows of an instance that was killed lapse after `leaseMs`, so its streams, which
 * ended with it, stop counting without any instance remembering them.
 */
export class StreamSlots {
  /** This instance, as named in its lease rows. */
  readonly instanceId = randomUUID();
  private readonly mine = new Set<string>();
  private renewTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly db: Database,
    private readonly perUser: number,
    /** How long a lease lives without renewal, ms; renewed every third of it. */
    private readonly leaseMs: number,
  ) {}

  /** Takes a slot for `actor`'s new stream: its id, or a 429 `rate_limited` when all are taken. */
  async acquire(actor: Actor): Promise<string> {
    const id = randomUUID();
    const taken = await this.db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1, $2)', [SLOT_LOCK, actor.userId]);
      await tx.query('DELETE FROM sync_live_streams WHERE user_id = $1 AND expires_at < clock_timestamp()', [
        actor.userId,
      ]);
      const [row] = await tx.query<{ open: number }>(
        'SELECT count(*)::int AS open FROM sync_live_streams WHERE user_id = $1',
        [actor.userId],
      );
      if ((row?.open ?? 0) >= this.perUser) return false;
      await tx.query(
        `INSERT INTO sync_live_streams (id, user_id, organization_id, instance_id, expires_at)
         VALUES ($1, $2, $3, $4, clock_timestamp() + make_interval(secs => $5))`,
        [id, actor.userId, actor.organizationId, this.instanceId, this.leaseMs / 1000],
      );
      return true;
    });
    if (!taken) {
      throw new WampumsError(
        'rate_limited',
        `At most ${this.perUser} live streams per user are open at once; close one or retry later`,
        { retryAfterSeconds: LOAD_RETRY_AFTER_SECONDS, maxStreams: this.perUser },
      );
    }
    this.mine.add(id);
    this.startRenewing();
    return id;
  }

  /** Gives the slot back (the stream ended). */
  async release(id: string): Promise<void> {
    if (!this.mine.delete(id)) return;
    if (this.mine.size === 0) this.stopRenewing();
    await this.db.query('DELETE FROM sync_live_streams WHERE id = $1', [id]);
  }

  /** Renews every lease of this instance, in one statement. */
  async renew(): Promise<void> {
    if (this.mine.size === 0) return;
    await this.db.query(
      'UPDATE sync_live_streams SET expires_at = clock_timestamp() + make_interval(secs => $2) WHERE instance_id = $1',
      [this.instanceId, this.leaseMs / 1000],
    );
  }

  private startRenewing(): void {
    if (this.renewTimer) return;
    this.renewTimer = setInterval(() => {
      this.renew().catch(() => {});
    }, this.leaseMs / 3);
    this.renewTimer.unref();
  }

  private stopRenewing(): void {
    if (this.renewTimer) clearInterval(this.renewTimer);
    this.renewTimer = null;
  }

  /** Drops every lease of this instance (it is closing). */
  async releaseAll(): Promise<void> {
    this.stopRenewing();
    if (this.mine.size === 0) return;
    this.mine.clear();
    await this.db.query('DELETE FROM sync_live_streams WHERE instance_id = $1', [this.instanceId]);
  }
}
