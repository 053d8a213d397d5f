import type { OfflineStore, StoredRecord } from '@wampums/client';
import { byName } from './records';

/** Groups and participants, the roster almost every screen starts from. */
export interface Roster {
  groups: StoredRecord[];
  participants: StoredRecord[];
}

/** Reads the roster, groups by name and participants by last name. */
export async function readRoster(store: OfflineStore): Promise<Roster> {
  const [groups, participants] = await Promise.all([store.query('groups'), store.query('participants')]);
  groups.sort((a, b) => String(a.name).localeCompare(String(b.name)));
  participants.sort(byName);
  return { groups, participants };
}

/** Participants of each group in roster order, then those without a group (key `''`). */
export function byGroup(roster: Roster): { group: StoredRecord | null; members: StoredRecord[] }[] {
  const out = roster.groups.map((group) => ({
    group: group as StoredRecord | null,
    members: roster.participants.filter((p) => String(p.group_id) === String(group.id)),
  }));
  const known = new Set(roster.groups.map((g) => String(g.id)));
  const loose = roster.participants.filter((p) => p.group_id === null || !known.has(String(p.group_id)));
  if (loose.length > 0) out.push({ group: null, members: loose });
  return out;
}
