import type { EntityType } from '@wampums/schema';

/** A field that points at a record created earlier in the same offline session (by its key). */
export interface LocalRef {
  local: string;
}

/** One create made offline. Foreign keys are a server id (number) or a `LocalRef`. */
export interface OfflineCreate {
  key: string;
  type: EntityType;
  fields: Record<string, unknown>;
}

const isRef = (value: unknown): value is LocalRef =>
  typeof value === 'object' && value !== null && 'local' in value;

/**
 * A week of camp work done offline: `count` creates over the 10 writable stores, chained through
 * records that only exist on the device (group → participants → attendance, honors, badges,
 * medication → distributions; activity → carpool offer → assignments). Every natural key is unique
 * and no carpool is overbooked, so every change must end up applied on the server.
 *
 * @param salt makes the values unique per run (dates), so that runs never collide.
 * @param badgeTemplateIds server ids of read-only badge templates the device already has.
 */
export function offlineWork(
  count: number,
  salt: number,
  badgeTemplateIds: readonly number[],
): OfflineCreate[] {
  const ops: OfflineCreate[] = [];
  const add = (type: EntityType, fields: Record<string, unknown>): LocalRef => {
    const key = `${type}:${ops.length}`;
    ops.push({ key, type, fields });
    return { local: key };
  };
  const day = (offset: number) =>
    new Date(Date.UTC(2027, 0, 1) + (salt * 10 + offset) * 86_400_000).toISOString().slice(0, 10);
  const template = (k: number) => badgeTemplateIds[k % badgeTemplateIds.length] as number;
  for (let unit = 0; ops.length < count; unit++) {
    const group = add('groups', { name: `Camp patrol ${unit}`, section: 'scouts' });
    const kids = [0, 1, 2, 3].map((i) =>
      add('participants', { first_name: `Camper${unit}`, last_name: `Kid${i}`, group_id: group }),
    );
    const activity = add('activities', { name: `Camp day ${unit}`, activity_date: day(0) });
    for (const kid of kids) {
      for (const d of [0, 1]) add('attendance', { participant_id: kid, date: day(d), status: 'present' });
    }
    for (const kid of kids) {
      add('honors', { participant_id: kid, date: day(0), reason: 'Lit the campfire with one match' });
    }
    kids.forEach((kid, i) => {
      add('badge_progress', { participant_id: kid, badge_template_id: template(unit + i), level: 1 });
    });
    const first = kids[0] as LocalRef;
    const requirement = add('medication_requirements', {
      participant_id: first,
      medication_name: 'Cetirizine',
      frequency_times: ['08:00'],
    });
    for (const h of [8, 12, 20]) {
      add('medication_distributions', {
        medication_requirement_id: requirement,
        participant_id: first,
        scheduled_for: `${day(0)}T${String(h).padStart(2, '0')}:00:00.000Z`,
        status: 'given',
      });
    }
    const offer = add('carpool_offers', { activity_id: activity, total_seats_available: 4 });
    for (const kid of kids.slice(1))
      add('carpool_assignments', { carpool_offer_id: offer, participant_id: kid });
  }
  return ops.slice(0, count);
}

/** The fields of a create with every `LocalRef` replaced by `resolve(key)`. */
export function resolveRefs<T>(
  fields: Record<string, unknown>,
  resolve: (key: string) => T,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(fields)) out[name] = isRef(value) ? resolve(value.local) : value;
  return out;
}
