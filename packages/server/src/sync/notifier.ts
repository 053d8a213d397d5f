import type { Database } from '../db/database';

/** The NOTIFY channel the change-log trigger writes to (payload `org:xid`). */
export const CHANGES_CHANNEL = 'wampums_changes';

type Listener = (xid: string) => void;

/**
 * Fans the database's change notifications out to the live-channel subscribers of this
 * instance, by organization. One LISTEN session per server instance, whatever the number of
 * subscribers; notifications from writes of any instance arrive here.
 */
export class ChangeNotifier {
  private readonly listeners = new Map<number, Set<Listener>>();
  private unlisten: (() => Promise<void>) | null = null;

  async start(db: Database): Promise<void> {
    this.unlisten = await db.listen(CHANGES_CHANNEL, (payload) => this.dispatch(payload));
  }

  private dispatch(payload: string): void {
    const [org, xid] = payload.split(':');
    const set = this.listeners.get(Number(org));
    if (!set) return;
    for (const listener of set) listener(xid ?? '0');
  }

  /** Calls `listener` with the writing transaction's id after each commit touching `organizationId`. */
  subscribe(organizationId: number, listener: Listener): () => void {
    let set = this.listeners.get(organizationId);
    if (!set) {
      set = new Set();
      this.listeners.set(organizationId, set);
    }
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.listeners.delete(organizationId);
    };
  }

  async stop(): Promise<void> {
    this.listeners.clear();
    const unlisten = this.unlisten;
    this.unlisten = null;
    if (unlisten) await unlisten();
  }
}
