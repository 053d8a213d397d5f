import { type OfflineStore, openOfflineStore, sealRecords, unsealRecords } from '@wampums/client';
import type { OutboxAuthor } from '@wampums/schema';
import { refreshSession, revokeToken, SignInError, signIn } from './auth-api';
import {
  findKnownPerson,
  type KnownPerson,
  readKnownPeople,
  rememberPerson,
  updateKnownUser,
} from './known-people';
import { fetchMembers } from './members-api';
import { type AppSession, type PhoneUnit, readSession, readUnit, writeSession, writeUnit } from './session';
import { forgetUnitLoaded, keepStorageFor, markUnitLoaded, noticeEviction } from './storage-keeping';
import {
  lockedCopy,
  newDataKey,
  openText,
  readOpenKey,
  readUnitWrapped,
  sealText,
  unwrapDataKey,
  wrapWithPassword,
  wrapWithUnitKey,
  writeOpenKey,
  writeUnitWrapped,
} from './unit-key';
import { checkVerifier, createVerifier } from './verifier';

/**
 * The token is refreshed once this share of its lifetime is left (and the device is online),
 * not before every request: one tap then costs its push and pull only.
 */
const REFRESH_WHEN_LEFT = 0.2;
/** The window used for a session kept by an older version, which did not record its lifetime. */
const REFRESH_WINDOW_UNKNOWN_MS = 10 * 60 * 1000;

/**
 * The `_syncMeta` key of tokens signed out without network, ended on the server once online.
 * Each is sealed with the data key (`unit-key.ts`): it is sent at the next unlock, never left in
 * clear on a locked phone (docs/privacy.md, "At rest on the phone").
 */
const REVOKE_LATER_KEY = 'revokeLater';

/** A token waiting to be revoked: sealed, or in clear when kept by an older version. */
type WaitingToken = string | { iv: string; data: string };

/** The author fields of a session's user. */
function authorOf(session: AppSession): OutboxAuthor {
  const { id, organizationId, name } = session.user;
  return { id, organizationId, name };
}

/**
 * The app's one handle on its data: the offline store of `@wampums/client` (every read and
 * write, the one outbox, sync) and the session kept beside it in `_syncMeta`. There is no other
 * store and no other mutation queue in the app.
 *
 * Several people may use one phone (apps/pwa/README.md, "Several people on one phone"): signing
 * out locks the app and keeps the unit's data and every waiting change; each change is sent
 * only under its author's session.
 */
export class AppData {
  private refreshing: Promise<void> | null = null;
  private unitMarked = false;
  /**
   * The phone's data key while someone is signed in (non-extractable), `null` while locked:
   * signing out seals the records with it and drops it (`unit-key.ts`).
   */
  private dataKey: CryptoKey | null = null;
  /** The sealing of a sign-out still running: a sign-in waits for it before unlocking. */
  private locking: Promise<void> | null = null;

  private constructor(
    readonly store: OfflineStore,
    private current: AppSession | null,
    private unitHeld: PhoneUnit | null,
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
      getToken: async (forUser) => (data ? data.token(forUser) : null),
    });
    const session = await readSession(store.db);
    let unit = await readUnit(store.db);
    if (!unit && session) {
      // Signed in under a version that did not record the unit: the session's organization is it.
      unit = { organizationId: session.user.organizationId, organization: session.organization };
      await writeUnit(store.db, unit);
    }
    const evicted = await noticeEviction(store.db);
    data = new AppData(store, session, unit, baseUrl, evicted);
    if (session) {
      data.dataKey = await readOpenKey(store.db);
      // Signed in but left locked (the app closed while unlocking): open the records now.
      if (data.dataKey && store.db.sealing.locked) await unsealRecords(store.db, data.dataKey);
      await store.setUser(authorOf(session));
      void keepStorageFor(session.user.role);
      // The store's first run started before the session was read and paused for want of a
      // token: resume now instead of waiting for the next trigger.
      void store.resumeAuth().catch(() => undefined);
      void data.refreshMembers();
    } else {
      // Locked: nobody's changes go until their author signs in.
      await store.setUser(null);
      // The app closed while a sign-out was sealing the records: finish it before anything else.
      const leftOpen = await readOpenKey(store.db);
      if (leftOpen) {
        await sealRecords(store.db, leftOpen);
        await writeOpenKey(store.db, null);
      }
    }
    void data.revokeSignedOut();
    return data;
  }

  get session(): AppSession | null {
    return this.current;
  }

  /** The unit whose data the phone holds (also while locked); `null` on a fresh phone. */
  get unit(): PhoneUnit | null {
    return this.unitHeld;
  }

  /**
   * The token for the next request, refreshed first when little of its lifetime is left. Given
   * `forUser` (the author of the changes a push sends), `null` unless the session is theirs.
   */
  private async token(forUser?: OutboxAuthor | null): Promise<string | null> {
    const session = this.current;
    if (!session?.token) return null;
    if (forUser && forUser.id !== session.user.id) return null;
    const expiresAt = Date.parse(session.expiresAt);
    const window =
      session.obtainedAt === undefined
        ? REFRESH_WINDOW_UNKNOWN_MS
        : (expiresAt - session.obtainedAt) * REFRESH_WHEN_LEFT;
    if (expiresAt - Date.now() < window && navigator.onLine) {
      const token = session.token;
      this.refreshing ??= refreshSession(this.baseUrl, { ...session, token })
        .then((next) => {
          // Signed out or switched meanwhile: the answer is not the current person's.
          if (this.current?.token === token) return this.adopt(next);
        })
        .catch(() => undefined) // an expired token then gets its 401 and the user signs in again
        .finally(() => {
          this.refreshing = null;
        });
      await this.refreshing;
    }
    const now = this.current;
    if (!now?.token || (forUser && forUser.id !== now.user.id)) return null;
    return now.token;
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
    if (members && this.current?.token === token) await this.adopt({ ...this.current, members });
  }

  private async adopt(session: AppSession): Promise<void> {
    // The unit key only wraps the data key at sign-in: it is not kept.
    if (session.unitKey !== undefined) {
      const { unitKey: _unitKey, ...kept } = session;
      session = kept;
    }
    // A refreshed token comes without the people list: keep the one already held.
    if (!session.members && this.current?.members) session = { ...session, members: this.current.members };
    const switching = this.current?.user.id !== session.user.id;
    if (switching) {
      // Nothing of the previous person is sent under this person's token: the store waits for
      // a run started for them to end before the new token is handed out.
      this.current = null;
      await this.store.setUser(authorOf(session));
    }
    this.current = session;
    await writeSession(this.store.db, session);
    if (!switching) await this.store.setUser(authorOf(session));
    if (session.token) await updateKnownUser(this.store.db, session.user);
  }

  /**
   * Signs in and starts syncing. Without network, a person who signed in on this phone before
   * is let in with the phone's password verifier (their changes wait for an online sign-in).
   * Someone of another organization than the unit's data is refused: remove the unit first.
   */
  async signIn(email: string, password: string): Promise<AppSession> {
    await this.locking;
    let session: AppSession;
    try {
      session = await signIn(this.baseUrl, email, password);
    } catch (error) {
      if ((error as SignInError).reason !== 'offline') throw error;
      session = await this.signInOffline(email, password);
    }
    const unitId = this.unitHeld?.organizationId ?? this.current?.user.organizationId;
    if (unitId !== undefined && unitId !== session.user.organizationId) {
      // The session just opened is of no use here: it ends at once.
      if (session.token) void revokeToken(this.baseUrl, session.token);
      throw new SignInError('other_organization');
    }
    const known = await findKnownPerson(this.store.db, email);
    const dataKey = await this.unlockRecords(password, known, session.unitKey);
    if (session.token) {
      // Without WebCrypto (a page not served over HTTPS) the person simply cannot sign in offline.
      await Promise.all([createVerifier(password), dataKey ? wrapWithPassword(dataKey, password) : undefined])
        .then(([verifier, wrapped]) =>
          rememberPerson(this.store.db, {
            user: session.user,
            organization: session.organization,
            verifier,
            ...(wrapped ? { dataKey: wrapped } : known?.dataKey ? { dataKey: known.dataKey } : {}),
            signedInAt: Date.now(),
          }),
        )
        .catch((error: unknown) => console.warn('no offline sign-in on this phone', error));
    }
    this.unitHeld = { organizationId: session.user.organizationId, organization: session.organization };
    await writeUnit(this.store.db, this.unitHeld);
    await this.adopt(session);
    // A leader's device holds changes nobody else has yet: ask the browser to keep its storage.
    void keepStorageFor(session.user.role);
    void this.store.resumeAuth().catch(() => undefined);
    void this.refreshMembers();
    void this.revokeSignedOut();
    return session;
  }

  /**
   * Opens the records sealed while the app was locked (docs/privacy.md, "At rest on the phone"):
   * the phone's data key is unwrapped with the person's password (when they signed in here
   * before) or the unit key of the login answer; a phone that never had one makes it. Resolves
   * to the extractable key, to be wrapped for this person, or `null` when the key already held
   * (someone signed in) stays in use.
   */
  private async unlockRecords(
    password: string,
    known: KnownPerson | null,
    unitKey: string | undefined,
  ): Promise<CryptoKey | null> {
    const db = this.store.db;
    let key = known?.dataKey ? await unwrapDataKey(known.dataKey, { password }) : null;
    const byUnit = await readUnitWrapped(db);
    if (!key && byUnit && unitKey) key = await unwrapDataKey(byUnit, { unitKey });
    if (!key && this.dataKey) return null;
    // Sealed records and no way to open them without network (a person remembered here by an
    // older version): a new key would leave them sealed for this person. Online, the unit key
    // of the answer opens them.
    if (!key && !unitKey && db.sealing.locked) throw new SignInError('sealed_offline');
    if (!key) {
      // No wrapping this person opens. A phone with none (fresh, or of an older version) makes
      // its key; one whose unit key changed since (the server's secret rotated) and that this
      // person never unlocked makes a new one too: what stays sealed under the old key waits,
      // fields absent, for a person who can open it.
      const wrapped = byUnit !== null || (await readKnownPeople(db)).some((p) => p.dataKey);
      if (wrapped) console.warn('the records sealed on this phone stay sealed for this person');
      key = await newDataKey();
    }
    if (unitKey) await writeUnitWrapped(db, await wrapWithUnitKey(key, unitKey));
    this.dataKey = await lockedCopy(key);
    await writeOpenKey(db, this.dataKey);
    await unsealRecords(db, this.dataKey);
    return key;
  }

  private async signInOffline(email: string, password: string): Promise<AppSession> {
    const known = await findKnownPerson(this.store.db, email);
    if (!known) throw new SignInError('offline');
    if (!(await checkVerifier(known.verifier, password))) throw new SignInError('invalid_credentials');
    const members = this.current?.members ?? (await readSession(this.store.db))?.members;
    return {
      token: null,
      expiresAt: new Date(0).toISOString(),
      user: known.user,
      organization: known.organization,
      ...(members ? { members } : {}),
    };
  }

  /**
   * Signs out: the app locks, the unit's data and every waiting change stay on the phone, and
   * the session ends on the server (later, when signed out without network).
   */
  signOut(): Promise<void> {
    const run = this.lock();
    this.locking = run.catch(() => undefined);
    return run;
  }

  private async lock(): Promise<void> {
    const token = this.current?.token ?? null;
    const key = this.dataKey;
    this.current = null;
    this.dataKey = null;
    await writeSession(this.store.db, null);
    await this.store.setUser(null);
    if (token && !(await revokeToken(this.baseUrl, token))) {
      const waiting = await this.waitingTokens();
      const kept: WaitingToken = key ? await sealText(key, token) : token;
      await this.store.db._syncMeta.put({ key: REVOKE_LATER_KEY, value: [...waiting, kept] });
    }
    // Locked: the sensitive fields are sealed and the key that opens them is dropped; only its
    // wrapped copies stay (docs/privacy.md, "At rest on the phone").
    if (key) {
      await sealRecords(this.store.db, key);
      await writeOpenKey(this.store.db, null);
    }
  }

  private async waitingTokens(): Promise<WaitingToken[]> {
    const value = (await this.store.db._syncMeta.get(REVOKE_LATER_KEY))?.value;
    return Array.isArray(value) ? (value as WaitingToken[]) : [];
  }

  /**
   * Ends on the server the sessions signed out without network; kept for later if still offline.
   * Sealed tokens are sent once the app is unlocked.
   */
  async revokeSignedOut(): Promise<void> {
    const waiting = await this.waitingTokens();
    if (waiting.length === 0 || !navigator.onLine) return;
    const left: WaitingToken[] = [];
    for (const entry of waiting) {
      const token =
        typeof entry === 'string' ? entry : this.dataKey ? await openText(this.dataKey, entry) : undefined;
      // Sealed with a key this phone no longer has: the token has expired by now anyway (12 h).
      if (token === null) continue;
      if (token === undefined || !(await revokeToken(this.baseUrl, token))) left.push(entry);
    }
    await this.store.db._syncMeta.put({ key: REVOKE_LATER_KEY, value: left });
  }

  /**
   * Removes the unit from the phone: every record, every waiting change, the people known here.
   * The caller says what would be lost and asks for a confirmation first. Resolves to a fresh,
   * empty `AppData`.
   */
  async removeUnit(): Promise<AppData> {
    await this.signOut();
    await this.revokeSignedOut();
    forgetUnitLoaded();
    await this.store.close();
    await this.store.db.delete();
    return AppData.open(this.baseUrl);
  }

  close(): Promise<void> {
    return this.store.close();
  }
}
