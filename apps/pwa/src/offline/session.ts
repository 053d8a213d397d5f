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
  /**
   * The access token; `null` when the person unlocked the app without network with the phone's
   * password verifier: their changes wait until they sign in online again.
   */
  token: string | null;
  /** ISO instant when the token expires. */
  expiresAt: string;
  /** Unix ms (device clock) when the token was received: with `expiresAt`, its lifetime. */
  obtainedAt?: number;
  user: SessionUser;
  organization: SessionOrganization | null;
  /**
   * The organization's people, fetched when online and kept here so that names (a carpool's
   * driver) show offline too. Absent until the first fetch.
   */
  members?: SessionMember[];
  /**
   * The organization's unit key of a login or refresh answer (`unit-key.ts`): used to wrap the
   * phone's data key, never stored.
   */
  unitKey?: string;
}

/**
 * The `_syncMeta` key of the session. It lives in the offline database (not localStorage) so
 * that the service worker, which has no localStorage, can read the token on a Background Sync
 * event. Signing out deletes it (the app locks); removing the unit deletes the whole database.
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

/** The organization whose data this phone holds, kept while the app is locked. */
export interface PhoneUnit {
  organizationId: number;
  organization: SessionOrganization | null;
}

/** The `_syncMeta` key of the unit this phone holds. */
export const PHONE_UNIT_KEY = 'phoneUnit';

export async function readUnit(db: WampumsOfflineDB): Promise<PhoneUnit | null> {
  return ((await db._syncMeta.get(PHONE_UNIT_KEY))?.value as PhoneUnit | undefined) ?? null;
}

export async function writeUnit(db: WampumsOfflineDB, unit: PhoneUnit): Promise<void> {
  await db._syncMeta.put({ key: PHONE_UNIT_KEY, value: unit });
}
