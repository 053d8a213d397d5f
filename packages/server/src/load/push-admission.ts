import { WampumsError } from '@wampums/schema';
import type { Actor } from '../auth/tokens';
import { LOAD_RETRY_AFTER_SECONDS, type LoadLimits } from './limits';

interface Usage {
  pushes: number;
  changes: number;
}

interface Waiter {
  /** Past this time (ms since epoch) it is refused, not admitted. */
  deadline: number;
  refuse: () => void;
  organizationId: number;
  userId: number;
  changes: number;
  admit: () => void;
  timer: NodeJS.Timeout;
}

/** A push admitted: call `release` once it answered (or failed), exactly once. */
export interface Admission {
  release(): void;
}

/**
 * Admits pushes into this instance within each organization's and each user's share
 * (`LoadLimits`): concurrent pushes and changes in flight. A push over its share waits, in
 * order, up to `pushQueueWaitMs`, and is then refused with 429 `rate_limited` and
 * `Retry-After`; nothing of it was written, so the client sends it again unchanged. The counts
 * are this instance's own: they bound what one instance's pool and event loop give away, and
 * a killed instance takes its counts with it (the limits shared by instances are in
 * PostgreSQL: `load/stream-slots.ts`, `load/rate-limit-store.ts`).
 */
export class PushAdmission {
  private readonly organizations = new Map<number, Usage>();
  private readonly users = new Map<number, Usage>();
  private readonly waiting: Waiter[] = [];
  /** Pushes refused so far (tests and the bench read it). */
  refused = 0;

  constructor(private readonly limits: LoadLimits) {}

  private usage(map: Map<number, Usage>, id: number): Usage {
    let usage = map.get(id);
    if (!usage) {
      usage = { pushes: 0, changes: 0 };
      map.set(id, usage);
    }
    return usage;
  }

  private fits(organizationId: number, userId: number, changes: number): boolean {
    const org = this.organizations.get(organizationId);
    const user = this.users.get(userId);
    if (org && org.pushes >= this.limits.pushesPerOrganization) return false;
    if (user && user.pushes >= this.limits.pushesPerUser) return false;
    // A push larger than the whole budget still runs, alone.
    if (org && org.pushes > 0 && org.changes + changes > this.limits.changesInFlightPerOrganization)
      return false;
    return true;
  }

  private take(organizationId: number, userId: number, changes: number): Admission {
    const org = this.usage(this.organizations, organizationId);
    const user = this.usage(this.users, userId);
    org.pushes += 1;
    org.changes += changes;
    user.pushes += 1;
    let released = false;
    return {
      release: () => {
        if (released) return;
        released = true;
        org.pushes -= 1;
        org.changes -= changes;
        user.pushes -= 1;
        if (org.pushes === 0) this.organizations.delete(organizationId);
        if (user.pushes === 0) this.users.delete(userId);
        this.admitWaiting();
      },
    };
  }

  /** Resolves once the push of `changes` changes may run, or rejects with 429. */
  admit(actor: Actor, changes: number): Promise<Admission> {
    const { organizationId, userId } = actor;
    // Waiters of the same organization or user keep their order: a newcomer does not pass them.
    const queued = this.waiting.some((w) => w.organizationId === organizationId || w.userId === userId);
    if (!queued && this.fits(organizationId, userId, changes)) {
      return Promise.resolve(this.take(organizationId, userId, changes));
    }
    const refuse = () =>
      new WampumsError('rate_limited', 'Too many pushes of this organization or user at once; retry later', {
        retryAfterSeconds: LOAD_RETRY_AFTER_SECONDS,
      });
    // The queue of one organization is short: past it, waiting would only hold the socket.
    const ahead = this.waiting.filter((w) => w.organizationId === organizationId).length;
    if (ahead >= 2 * this.limits.pushesPerOrganization) {
      this.refused += 1;
      return Promise.reject(refuse());
    }
    return new Promise<Admission>((resolve, reject) => {
      const waiter: Waiter = {
        deadline: Date.now() + this.limits.pushQueueWaitMs,
        refuse: () => {
          clearTimeout(waiter.timer);
          this.refused += 1;
          reject(refuse());
        },
        organizationId,
        userId,
        changes,
        admit: () => resolve(this.take(organizationId, userId, changes)),
        timer: setTimeout(() => {
          const at = this.waiting.indexOf(waiter);
          if (at >= 0) this.waiting.splice(at, 1);
          this.refused += 1;
          reject(refuse());
        }, this.limits.pushQueueWaitMs),
      };
      this.waiting.push(waiter);
    });
  }

  private admitWaiting(): void {
    const blockedOrgs = new Set<number>();
    const blockedUsers = new Set<number>();
    const now = Date.now();
    for (let i = 0; i < this.waiting.length; ) {
      const w = this.waiting[i] as Waiter;
      // Its deadline passed while the event loop was busy (PGlite's statements run on it): the
      // answer it was promised is a 429 in time, so it is not started late.
      if (w.deadline <= now) {
        this.waiting.splice(i, 1);
        w.refuse();
        continue;
      }
      const blocked = blockedOrgs.has(w.organizationId) || blockedUsers.has(w.userId);
      if (!blocked && this.fits(w.organizationId, w.userId, w.changes)) {
        this.waiting.splice(i, 1);
        clearTimeout(w.timer);
        w.admit();
        continue;
      }
      blockedOrgs.add(w.organizationId);
      blockedUsers.add(w.userId);
      i += 1;
    }
  }

  /** Pushes running now on this instance. */
  get running(): number {
    let n = 0;
    for (const usage of this.organizations.values()) n += usage.pushes;
    return n;
  }
}
