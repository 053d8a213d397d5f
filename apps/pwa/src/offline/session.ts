import type { WampumsOfflineDB } from '@wampums/client';
import type { SessionUser } from '@wampums/schema';

/** The organization of the signed-in user, as the login answer gives it. */
export interface SessionOrganization {
  id: number;
  name: string;
  /** A BCP 47 tag such as `fr-CA`; decides the default language. */
  locale: string;
  /**
   * The IANA zone of the unit's clock: medication times are read in it on every phone
   * (docs/domain.md). Absent from sessions kept before it existed.
   */
  timeZone?: string;
}

/** A person of the organization, as `GET /members` answers (no email). */
export interface SessionMember {
  id: number;
  name: string;
  role: string;
}

/** What the app keeps of a sign-in: enough to open offline later and to sync from the service worker. */
export interface AppSession {
  token: string;
  /** ISO instant when the token expires. */
  expiresAt: string;
  user: SessionUser;
  organization: SessionOrganization | null;
  /**
   * The organization's people, fetched when online and kept here so that names (a carpool's
   * driver) show offline too. Absent until the first fetch.
   */
  members?: SessionMember[];
}

/**
 * The `_syncMeta` key of the session. It lives in the offline database (not localStorage) so
 * that the service worker, which has no localStorage, can read the token on a Background Sync
 * event; signing out deletes the database and the session with it.
 */
export const APP_SESSION_KEY = 'appSession';

/** The stored session, or `null` when nobody is signed in. */
export async function readSession(db: WampumsOfflineDB): Promise<AppSession | null> {
  const entry = await db._syncMeta.get(APP_SESSION_KEY);
  return (entry?.value as AppSession | undefined) ?? null;
}

/** Stores (or, with `null`, forgets) the session. */
export async function writeSession(db: WampumsOfflineDB, session: AppSession | null): Promise<void> {
  if (session) await db._syncMeta.put({ key: APP_SESSION_KEY, value: session });
  else await db._syncMeta.delete(APP_SESSION_KEY);
}
