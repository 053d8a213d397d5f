import { type OfflineStore, openOfflineStore } from '@wampums/client';
import { refreshSession, SignInError, signIn } from './auth-api';
import { fetchMembers } from './members-api';
import { type AppSession, readSession, writeSession } from './session';
import { forgetUnitLoaded, keepStorageFor, markUnitLoaded, noticeEviction } from './storage-keeping';

/** Refresh the token when it expires within this window and the device is online. */
const REFRESH_BEFORE_MS = 12 * 60 * 60 * 1000;

/**
 * The app's one handle on its data: the offline store of `@wampums/client` (every read and
 * write, the one outbox, sync) and the session kept beside it in `_syncMeta`. There is no other
 * store and no other mutation queue in the app.
 */
export class AppData {
  private refreshing: Promise<void> | null = null;
  private unitMarked = false;

  private constructor(
    readonly store: OfflineStore,
    private current: AppSession | null,
    private readonly baseUrl: string,
    /** The browser cleared this device's database since the unit was last loaded here. */
    readonly evicted: boolean,
  ) {
    // Once a sync has stored the unit, mark it (in the database and outside it), so that an
    // eviction of the database is noticed at the next opening (`storage-keeping.ts`).
    store.status.subscribe((status) => {
      const user = this.current?.user;
      if (this.unitMarked || !user || status.lastSyncAt === null) return;
      this.unitMarked = true;
      void markUnitLoaded(store.db, user).catch(() => {
        this.unitMarked = false;
      });
    });
  }

  /** Opens the store of this device; a session kept from an earlier visit signs the user back in. */
  static async open(baseUrl: string = location.origin): Promise<AppData> {
    let data: AppData | null = null;
    const store = await openOfflineStore({
      baseUrl,
      getToken: async () => (data ? data.token() : null),
    });
    const evicted = await noticeEviction(store.db);
    data = new AppData(store, await readSession(store.db), baseUrl, evicted);
    if (data.current) {
      await store.setUser(data.current.user);
      void keepStorageFor(data.current.user.role);
      // The store's first run started before the session was read and paused for want of a
      // token: resume now instead of waiting for the next trigger.
      void store.resumeAuth().catch(() => undefined);
      void data.refreshMembers();
    }
    return data;
  }

  get session(): AppSession | null {
    return this.current;
  }

  /** The token for the next request, refreshed first when it is about to expire. */
  private async token(): Promise<string | null> {
    const session = this.current;
    if (!session) return null;
    const expiresIn = Date.parse(session.expiresAt) - Date.now();
    if (expiresIn < REFRESH_BEFORE_MS && navigator.onLine) {
      this.refreshing ??= refreshSession(this.baseUrl, session)
        .then((next) => this.adopt(next))
        .catch(() => undefined) // an expired token then gets its 401 and the user signs in again
        .finally(() => {
          this.refreshing = null;
        });
      await this.refreshing;
    }
    return this.current?.token ?? null;
  }

  /**
   * Fetches the organization's people when online and keeps them in the session record, so
   * names show offline later. Failures keep the list already held.
   */
  async refreshMembers(): Promise<void> {
    if (!this.current || !navigator.onLine) return;
    const token = await this.token();
    if (!token) return;
    const members = await fetchMembers(this.baseUrl, token);
    if (members && this.current) await this.adopt({ ...this.current, members });
  }

  private async adopt(session: AppSession): Promise<void> {
    // A refreshed token comes without the people list: keep the one already held.
    if (!session.members && this.current?.members) session = { ...session, members: this.current.members };
    this.current = session;
    await writeSession(this.store.db, session);
    await this.store.setUser(session.user);
  }

  /**
   * Signs in and starts syncing. After an expired session, signing in as someone of another
   * organization is refused: the device still holds the first one's data (sign out first).
   */
  async signIn(email: string, password: string): Promise<AppSession> {
    const session = await signIn(this.baseUrl, email, password);
    if (this.current && this.current.user.organizationId !== session.user.organizationId) {
      throw new SignInError('other_organization');
    }
    await this.adopt(session);
    // A leader's device holds changes nobody else has yet: ask the browser to keep its storage.
    void keepStorageFor(session.user.role);
    void this.store.resumeAuth().catch(() => undefined);
    void this.refreshMembers();
    return session;
  }

  /**
   * Forgets the session and deletes every local record, outbox included: the caller warns the
   * user about unsynced changes first. Resolves to a fresh, empty `AppData`.
   */
  async signOut(): Promise<AppData> {
    forgetUnitLoaded();
    await this.store.close();
    await this.store.db.delete();
    return AppData.open(this.baseUrl);
  }

  close(): Promise<void> {
    return this.store.close();
  }
}
