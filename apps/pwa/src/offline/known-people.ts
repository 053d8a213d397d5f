import type { WampumsOfflineDB } from '@wampums/client';
import type { SessionUser } from '@wampums/schema';
import type { SessionOrganization } from './session';
import type { WrappedKey } from './unit-key';
import type { PasswordVerifier } from './verifier';

/** A person who signed in on this phone, as kept for signing in again without network. */
export interface KnownPerson {
  user: SessionUser;
  organization: SessionOrganization | null;
  verifier: PasswordVerifier;
  /** The phone's data key wrapped by their password (`unit-key.ts`); absent if kept by an older version. */
  dataKey?: WrappedKey;
  /** Unix ms of their last sign-in here. */
  signedInAt: number;
}

/**
 * The `_syncMeta` key of the people who signed in on this phone. Kept with the unit's data:
 * removing the unit from the phone forgets them too.
 */
export const KNOWN_PEOPLE_KEY = 'knownPeople';

export async function readKnownPeople(db: WampumsOfflineDB): Promise<KnownPerson[]> {
  const value = (await db._syncMeta.get(KNOWN_PEOPLE_KEY))?.value;
  return Array.isArray(value) ? (value as KnownPerson[]) : [];
}

/** The known person with this email (as typed: compared trimmed and lower-cased). */
export async function findKnownPerson(db: WampumsOfflineDB, email: string): Promise<KnownPerson | null> {
  const wanted = email.trim().toLowerCase();
  return (await readKnownPeople(db)).find((p) => p.user.email.toLowerCase() === wanted) ?? null;
}

/** Adds or replaces a person (by user id), most recent first. */
export async function rememberPerson(db: WampumsOfflineDB, person: KnownPerson): Promise<void> {
  await db.transaction('rw', db._syncMeta, async () => {
    const others = (await readKnownPeople(db)).filter((p) => p.user.id !== person.user.id);
    await db._syncMeta.put({ key: KNOWN_PEOPLE_KEY, value: [person, ...others] });
  });
}

/** Updates what is kept of a person (role, name) after an online sign-in or refresh. */
export async function updateKnownUser(db: WampumsOfflineDB, user: SessionUser): Promise<void> {
  await db.transaction('rw', db._syncMeta, async () => {
    const people = await readKnownPeople(db);
    if (!people.some((p) => p.user.id === user.id)) return;
    await db._syncMeta.put({
      key: KNOWN_PEOPLE_KEY,
      value: people.map((p) => (p.user.id === user.id ? { ...p, user } : p)),
    });
  });
}
