import type { StoredRecord } from '@wampums/client';
import { type EntityType, foreignKeysOf } from '@wampums/schema';
import type { FaultProxy } from '../../support/fault-proxy';
import { MARKER_FIELD, markerOf } from './markers';
import type { Oracle } from './oracle';
import type { SimDevice } from './sim-device';
import type { CreatableType, EditKind, Step } from './steps';

const DATES = ['2026-07-14', '2026-07-15', '2026-07-16'];
const SLOTS = ['2026-07-14T08:00:00.000Z', '2026-07-14T12:00:00.000Z', '2026-07-14T20:00:00.000Z'];
const SECTIONS = ['general', 'beavers', 'cubs', 'scouts', 'venturers', 'rovers'];
const ATTENDANCE = ['present', 'absent', 'late', 'excused'];
const DISTRIBUTION = ['given', 'missed', 'cancelled'];

export interface StepContext {
  devices: SimDevice[];
  oracle: Oracle;
  proxy: FaultProxy;
  /** Unique per run: prefixes every marker and edited value. */
  tag: string;
  /** Restarts the server after the proxy killed it. */
  restartServer: () => Promise<void>;
  /** Called after each sync step (samples the server, e.g. approved badges). */
  afterSync: () => Promise<void>;
  /** Figures of the run. */
  counters: Map<string, number>;
}

function bump(ctx: StepContext, key: string): void {
  ctx.counters.set(key, (ctx.counters.get(key) ?? 0) + 1);
}

/** A device's local records of a type, in a stable order (by marker, then id). */
async function candidates(device: SimDevice, type: EntityType): Promise<StoredRecord[]> {
  const rows = await device.store.query(type);
  const people = new Map((await device.store.query('participants')).map((p) => [String(p.id), p]));
  const key = (r: StoredRecord) =>
    `${markerOf(type, r, (id) => people.get(String(id))) ?? ''}|${String(r.id)}`;
  return rows.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

async function pickOne(
  device: SimDevice,
  type: EntityType,
  pick: number,
  filter?: (r: StoredRecord) => boolean,
) {
  const all = await candidates(device, type);
  const list = filter ? all.filter(filter) : all;
  return list.length === 0 ? undefined : list[pick % list.length];
}

/** The markers of the records a new row cascades from (declared foreign keys, not soft ones). */
async function parentMarkers(device: SimDevice, type: EntityType, payload: Record<string, unknown>) {
  const out: string[] = [];
  for (const fk of foreignKeysOf(type)) {
    if (fk.soft || fk.onDelete !== 'cascade') continue;
    const id = payload[fk.field];
    if (id === null || id === undefined) continue;
    const parent = await device.store.get(fk.references, id as number | string);
    if (!parent) continue;
    const marker = await localMarker(device, fk.references, parent);
    if (marker) out.push(marker);
  }
  return out;
}

async function localMarker(device: SimDevice, type: EntityType, row: StoredRecord): Promise<string | null> {
  if (type !== 'attendance') return markerOf(type, row, () => undefined);
  const participant = await device.store.get('participants', row.participant_id as number | string);
  return markerOf(type, row, () => participant);
}

/** Creates a record as the user would, and writes it down in the model. */
async function create(
  ctx: StepContext,
  d: number,
  step: number,
  type: CreatableType,
  fields: Record<string, unknown>,
): Promise<StoredRecord | null> {
  const device = ctx.devices[d] as SimDevice;
  let row: StoredRecord;
  try {
    row = await device.store.create(type, fields);
  } catch (error) {
    // The app refused it on the spot (the user saw the error): not a change to track.
    bump(ctx, `refused-locally:${(error as { code?: string }).code ?? 'error'}`);
    return null;
  }
  const marker = await localMarker(device, type, row);
  if (marker) {
    ctx.oracle.created({
      type,
      marker,
      device: d,
      localId: String(row.id),
      parents: await parentMarkers(device, type, fields),
      step,
    });
  }
  return row;
}

function mark(ctx: StepContext, step: number, type: string, n = 0): string {
  return `${ctx.tag}:${type.slice(0, 3)}${step}${n ? `.${n}` : ''}`;
}

async function createOne(
  ctx: StepContext,
  d: number,
  step: number,
  type: CreatableType,
  pick: number,
  pick2: number,
  variant: number,
  n = 0,
): Promise<StoredRecord | null> {
  const device = ctx.devices[d] as SimDevice;
  const marker = mark(ctx, step, type, n);
  switch (type) {
    case 'groups':
      return create(ctx, d, step, type, { name: marker, section: SECTIONS[variant % SECTIONS.length] });
    case 'participants': {
      const group = variant % 3 === 0 ? undefined : await pickOne(device, 'groups', pick);
      return create(ctx, d, step, type, {
        first_name: `P${variant}`,
        last_name: marker,
        group_id: group?.id ?? null,
        date_of_birth: `2015-03-0${1 + (variant % 9)}`,
      });
    }
    case 'activities':
      return create(ctx, d, step, type, { name: marker, activity_date: DATES[variant % DATES.length] });
    case 'attendance': {
      const participant = await pickOne(device, 'participants', pick);
      if (!participant) return null;
      const date = DATES[variant % DATES.length] as string;
      const status = ATTENDANCE[variant % ATTENDANCE.length];
      const existing = await device.store.query('attendance', {
        participant_id: participant.id as number,
        date,
      });
      if (existing[0]) {
        // The screen shows the existing record: the user changes it instead of adding one.
        await edit(ctx, d, step, 'attendance-status', existing[0], variant);
        return null;
      }
      return create(ctx, d, step, type, { participant_id: participant.id, date, status });
    }
    case 'honors': {
      const participant = await pickOne(device, 'participants', pick);
      if (!participant) return null;
      return create(ctx, d, step, type, { participant_id: participant.id, date: DATES[0], reason: marker });
    }
    case 'badge_progress': {
      const participant = await pickOne(device, 'participants', pick);
      const template = await pickOne(device, 'badge_templates', pick2);
      if (!participant || !template) return null;
      const level = 1 + (variant % 2);
      const existing = await device.store.query('badge_progress', {
        participant_id: participant.id as number,
      });
      if (existing.some((b) => b.badge_template_id === template.id && b.level === level)) return null;
      return create(ctx, d, step, type, {
        participant_id: participant.id,
        badge_template_id: template.id,
        level,
        objective: marker,
        status: 'pending',
      });
    }
    case 'medication_requirements': {
      const participant = await pickOne(device, 'participants', pick);
      if (!participant) return null;
      return create(ctx, d, step, type, {
        participant_id: participant.id,
        medication_name: marker,
        dosage_instructions: '1 puff',
        frequency_times: ['08:00', '20:00'],
      });
    }
    case 'medication_distributions': {
      const requirement = await pickOne(device, 'medication_requirements', pick);
      if (!requirement) return null;
      const scheduled = SLOTS[variant % SLOTS.length] as string;
      const existing = await device.store.query('medication_distributions', {
        medication_requirement_id: requirement.id as number,
      });
      if (existing.some((x) => x.scheduled_for === scheduled)) return null;
      return create(ctx, d, step, type, {
        medication_requirement_id: requirement.id,
        participant_id: requirement.participant_id,
        scheduled_for: scheduled,
        dose_notes: marker,
      });
    }
    case 'carpool_offers': {
      const activity = await pickOne(device, 'activities', pick);
      if (!activity) return null;
      return create(ctx, d, step, type, {
        activity_id: activity.id,
        total_seats_available: 1 + (variant % 3),
        vehicle_make: marker,
        trip_direction: 'both',
      });
    }
    case 'carpool_assignments': {
      const offer = await pickOne(device, 'carpool_offers', pick);
      const participant = await pickOne(device, 'participants', pick2);
      if (!offer || !participant) return null;
      return create(ctx, d, step, type, {
        carpool_offer_id: offer.id,
        participant_id: participant.id,
        notes: marker,
        trip_direction: 'both',
      });
    }
  }
}

const EDIT_TARGET: Record<EditKind, EntityType> = {
  'participant-name': 'participants',
  'participant-notes': 'participants',
  'participant-leader': 'participants',
  'group-section': 'groups',
  'activity-description': 'activities',
  'attendance-status': 'attendance',
  'badge-description': 'badge_progress',
  'badge-status': 'badge_progress',
  'medication-dosage': 'medication_requirements',
  'medication-notes': 'medication_requirements',
  'distribution-status': 'medication_distributions',
  'distribution-witness': 'medication_distributions',
  'offer-notes': 'carpool_offers',
};

/** The patch of an edit; unique values where the field is free text. */
function patchOf(ctx: StepContext, kind: EditKind, row: StoredRecord, step: number, variant: number) {
  const token = `${ctx.tag}:e${step}`;
  switch (kind) {
    case 'participant-name':
      return { field: 'first_name', value: token, unique: true };
    case 'participant-notes':
      return { field: 'notes', value: token, unique: true };
    case 'participant-leader':
      return { field: 'first_leader', value: !row.first_leader, unique: false };
    case 'group-section':
      return { field: 'section', value: SECTIONS[variant % SECTIONS.length], unique: false };
    case 'activity-description':
      return { field: 'description', value: token, unique: true };
    case 'attendance-status':
      return { field: 'status', value: ATTENDANCE[variant % ATTENDANCE.length], unique: false };
    case 'badge-description':
      return { field: 'description', value: token, unique: true };
    case 'badge-status':
      // A leader never takes an approval back: only pending or rejected badges change status.
      return {
        field: 'status',
        value: row.status === 'rejected' || variant % 2 === 0 ? 'approved' : 'rejected',
        unique: false,
      };
    case 'medication-dosage':
      return { field: 'dosage_instructions', value: token, unique: true };
    case 'medication-notes':
      return { field: 'general_notes', value: token, unique: true };
    case 'distribution-status':
      return { field: 'status', value: DISTRIBUTION[variant % DISTRIBUTION.length], unique: false };
    case 'distribution-witness':
      return { field: 'witness_name', value: token, unique: true };
    case 'offer-notes':
      return { field: 'notes', value: token, unique: true };
  }
}

async function edit(
  ctx: StepContext,
  d: number,
  step: number,
  kind: EditKind,
  row: StoredRecord,
  variant: number,
) {
  const device = ctx.devices[d] as SimDevice;
  const type = EDIT_TARGET[kind];
  const { field, value, unique } = patchOf(ctx, kind, row, step, variant);
  const marker = await localMarker(device, type, row);
  // The true time of the edit, for the last-write-wins oracle (invariants.ts, checkLatestEditWins).
  const at = Date.now();
  try {
    await device.store.update(type, row.id, { [field]: value });
  } catch (error) {
    bump(ctx, `refused-locally:${(error as { code?: string }).code ?? 'error'}`);
    return;
  }
  if (marker) ctx.oracle.edited({ step, device: d, type, marker, field, value, unique, at }, kind);
}

/** Runs one step of a scenario. */
export async function executeStep(ctx: StepContext, step: Step, index: number): Promise<void> {
  const device = ctx.devices[step.d] as SimDevice;
  switch (step.t) {
    case 'create':
      await createOne(ctx, step.d, index, step.entity, step.pick, step.pick2, step.variant);
      return;
    case 'family': {
      const v = step.variant;
      const group = await createOne(ctx, step.d, index, 'groups', 0, 0, v, 1);
      if (!group) return;
      const kidMarker = mark(ctx, index, 'participants', 2);
      const kid = await create(ctx, step.d, index, 'participants', {
        first_name: 'Léa',
        last_name: kidMarker,
        group_id: group.id,
      });
      if (!kid) return;
      const date = DATES[v % DATES.length];
      await create(ctx, step.d, index, 'attendance', { participant_id: kid.id, date, status: 'present' });
      await create(ctx, step.d, index, 'honors', {
        participant_id: kid.id,
        date,
        reason: mark(ctx, index, 'honors', 3),
      });
      const template = await pickOne(device, 'badge_templates', v);
      if (template) {
        await create(ctx, step.d, index, 'badge_progress', {
          participant_id: kid.id,
          badge_template_id: template.id,
          level: 1,
          objective: mark(ctx, index, 'badge_progress', 4),
        });
      }
      const med = await create(ctx, step.d, index, 'medication_requirements', {
        participant_id: kid.id,
        medication_name: mark(ctx, index, 'medication_requirements', 5),
        frequency_times: ['08:00'],
      });
      if (med) {
        await create(ctx, step.d, index, 'medication_distributions', {
          medication_requirement_id: med.id,
          participant_id: kid.id,
          scheduled_for: SLOTS[v % SLOTS.length],
          dose_notes: mark(ctx, index, 'medication_distributions', 6),
        });
      }
      ctx.oracle.count('chain:family');
      return;
    }
    case 'carpool': {
      const activity = await createOne(ctx, step.d, index, 'activities', 0, 0, step.variant, 1);
      if (!activity) return;
      const offer = await create(ctx, step.d, index, 'carpool_offers', {
        activity_id: activity.id,
        total_seats_available: step.seats,
        vehicle_make: mark(ctx, index, 'carpool_offers', 2),
      });
      if (!offer) return;
      for (let i = 0; i < step.riders; i++) {
        const rider = await pickOne(device, 'participants', step.variant + i);
        if (!rider) break;
        await create(ctx, step.d, index, 'carpool_assignments', {
          carpool_offer_id: offer.id,
          participant_id: rider.id,
          notes: mark(ctx, index, 'carpool_assignments', 3 + i),
        });
      }
      ctx.oracle.count('chain:carpool');
      return;
    }
    case 'edit': {
      const type = EDIT_TARGET[step.kind];
      const filter = step.kind === 'badge-status' ? (r: StoredRecord) => r.status !== 'approved' : undefined;
      const row = await pickOne(device, type, step.pick, filter);
      if (row) await edit(ctx, step.d, index, step.kind, row, step.variant);
      return;
    }
    case 'delete': {
      const row = await pickOne(device, step.entity, step.pick);
      if (!row) return;
      const marker = await localMarker(device, step.entity, row);
      try {
        await device.store.remove(step.entity, row.id);
      } catch (error) {
        bump(ctx, `refused-locally:${(error as { code?: string }).code ?? 'error'}`);
        return;
      }
      if (marker) ctx.oracle.deleted({ step: index, device: step.d, type: step.entity, marker });
      return;
    }
    case 'sync': {
      ctx.proxy.plan(device.key, step.faults);
      const outcome = await device.sync({ ignoreBackoff: step.ignoreBackoff }, step.crashAtWrite);
      ctx.proxy.plan(device.key, []);
      if (outcome.crashed) bump(ctx, 'fault:client-crash');
      if (outcome.report?.skipped) bump(ctx, `sync-skipped:${outcome.report.skipped}`);
      if ((await ctx.proxy.settleKills()) > 0) await ctx.restartServer();
      ctx.oracle.count('sync');
      await ctx.afterSync();
      return;
    }
    case 'offline':
      if (device.connectivity.isOnline()) bump(ctx, 'fault:offline-period');
      device.connectivity.set(false);
      return;
    case 'online':
      device.connectivity.set(true);
      return;
    case 'wait':
      device.advance(step.minutes * 60_000);
      ctx.oracle.clockJumped(step.d, Date.now());
      bump(ctx, 'clock-jump');
      return;
  }
}

export { MARKER_FIELD };
