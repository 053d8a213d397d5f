import type { EntityType } from '@wampums/schema';

/**
 * The model of what the users did, written down as they do it, independent of the client and
 * the server: which records each device created (named by a unique marker in a text field),
 * which fields it changed to which unique values, and what it deleted. The invariants compare
 * the server and the devices against it.
 */
export interface ModelRecord {
  type: EntityType;
  marker: string;
  device: number;
  /** The temp id the record was created with. */
  localId: string;
  /** Markers of the records a delete of which removes this one too (cascading foreign keys). */
  parents: string[];
  step: number;
}

export interface ModelEdit {
  step: number;
  device: number;
  type: EntityType;
  marker: string;
  field: string;
  value: unknown;
  /** The value is unique to this edit, so where it ends up says which edit survived. */
  unique: boolean;
  /** When the person made it, on the real clock (Unix ms): not the device's skewed one. */
  at: number;
}

export interface ModelDelete {
  step: number;
  device: number;
  type: EntityType;
  marker: string;
}

export class Oracle {
  readonly records = new Map<string, ModelRecord>();
  readonly edits: ModelEdit[] = [];
  readonly deletes: ModelDelete[] = [];
  /** Real times (Unix ms) at which each device's clock jumped (a `wait` step), by device. */
  readonly clockJumps = new Map<number, number[]>();
  /** Operations the users performed, by kind (`create:honors`, `edit:badge-status`, `sync`...). */
  readonly operations = new Map<string, number>();

  count(kind: string): void {
    this.operations.set(kind, (this.operations.get(kind) ?? 0) + 1);
  }

  created(record: ModelRecord): void {
    this.records.set(record.marker, record);
    this.count(`create:${record.type}`);
  }

  edited(edit: ModelEdit, kind: string): void {
    this.edits.push(edit);
    this.count(`edit:${kind}`);
  }

  clockJumped(device: number, at: number): void {
    this.clockJumps.set(device, [...(this.clockJumps.get(device) ?? []), at]);
  }

  /** True when the device's clock jumped after `at`: an edit made before that is sent with a changed clock. */
  jumpedAfter(device: number, at: number): boolean {
    return (this.clockJumps.get(device) ?? []).some((jump) => jump >= at);
  }

  deleted(del: ModelDelete): void {
    this.deletes.push(del);
    this.count(`delete:${del.type}`);
  }

  /** True when the record, or a record it cascades from, was deleted by some device. */
  isDeleted(marker: string, seen = new Set<string>()): boolean {
    if (seen.has(marker)) return false;
    seen.add(marker);
    if (this.deletes.some((d) => d.marker === marker)) return true;
    const record = this.records.get(marker);
    return record?.parents.some((p) => this.isDeleted(p, seen)) ?? false;
  }

  /** The ancestors (cascade parents, transitively) of a record. */
  ancestors(marker: string, out = new Set<string>()): Set<string> {
    for (const parent of this.records.get(marker)?.parents ?? []) {
      if (out.has(parent)) continue;
      out.add(parent);
      this.ancestors(parent, out);
    }
    return out;
  }

  get totalOperations(): number {
    let total = 0;
    for (const n of this.operations.values()) total += n;
    return total;
  }
}
