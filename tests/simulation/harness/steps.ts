import type { ProxyFault } from '../../support/fault-proxy';

/**
 * One generated scenario: devices with skewed clocks and the steps they take. Records are named
 * by `pick` numbers that the executor resolves against what the device sees at that moment
 * (modulo the number of candidates), so every generated list is runnable and shrinks well.
 */
export interface Scenario {
  devices: { skewMinutes: number }[];
  steps: Step[];
  /** Seeds the devices' backoff jitter, so that a replayed scenario retries at the same moments. */
  jitterSeed: number;
}

export type CreatableType =
  | 'groups'
  | 'participants'
  | 'activities'
  | 'attendance'
  | 'honors'
  | 'badge_progress'
  | 'medication_requirements'
  | 'medication_distributions'
  | 'carpool_offers'
  | 'carpool_assignments';

export type EditKind =
  | 'participant-name'
  | 'participant-notes'
  | 'participant-leader'
  | 'group-section'
  | 'activity-description'
  | 'attendance-status'
  | 'badge-description'
  | 'badge-status'
  | 'medication-dosage'
  | 'medication-notes'
  | 'distribution-status'
  | 'distribution-witness'
  | 'offer-notes';

export type DeletableType =
  | 'participants'
  | 'groups'
  | 'activities'
  | 'attendance'
  | 'honors'
  | 'medication_distributions'
  | 'carpool_assignments'
  | 'carpool_offers';

export type Step =
  | { t: 'create'; d: number; entity: CreatableType; pick: number; pick2: number; variant: number }
  /** group → participant → attendance, honor, badge, medication requirement → distribution, all offline. */
  | { t: 'family'; d: number; variant: number }
  /** activity → carpool offer → assignments, all offline. */
  | { t: 'carpool'; d: number; seats: number; riders: number; variant: number }
  | { t: 'edit'; d: number; kind: EditKind; pick: number; variant: number }
  | { t: 'delete'; d: number; entity: DeletableType; pick: number }
  /** Sync with faults on its first requests, and maybe an app crash before its n-th write. */
  | { t: 'sync'; d: number; faults: ProxyFault[]; crashAtWrite: number | null; ignoreBackoff: boolean }
  | { t: 'offline'; d: number }
  | { t: 'online'; d: number }
  /** Time passes on one device (backoffs fall due; its clock also jumps). */
  | { t: 'wait'; d: number; minutes: number };
