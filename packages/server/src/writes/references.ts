import { type EntityType, foreignKeysOf, isTempId, userFieldsOf, WampumsError } from '@wampums/schema';
import type { Queryable } from '../db/database';
import { ident, type Row } from '../entities/rows';
import type { RequestTempIds } from './temp-ids';

/** A reference that cannot resolve yet: its parent's create has not been applied. */
export class DependencyPending extends Error {
  override readonly name = 'DependencyPending';
}

/**
 * Replaces temp ids in the foreign-key fields of `values` by server ids (from this request,
 * then from the organization's temp-id map) and checks that every reference names a row of
 * the caller's organization. A row of another organization is reported exactly like a missing
 * one. A row created earlier in this request, and the caller's own user id, are not read again:
 * the composite foreign keys still refuse them if they are gone by now. With `check` false no
 * row is read at all: the composite foreign keys alone refuse a missing or foreign row (an
 * optimistic chunk is then redone change by change, with the check). Mutates `values`.
 */
export async function resolveReferences(
  tx: Queryable,
  organizationId: number,
  type: EntityType,
  values: Row,
  requestIds: RequestTempIds,
  actorUserId: number | null = null,
  check = true,
): Promise<void> {
  for (const fk of foreignKeysOf(type)) {
    const value = values[fk.field];
    if (value === undefined || value === null) continue;
    let id: number;
    if (isTempId(value)) {
      if (requestIds.hasFailed(fk.references, value)) {
        throw new DependencyPending(`${fk.field} waits for ${fk.references} ${value}`);
      }
      const created = requestIds.get(fk.references, value);
      const mapped = created ?? (await requestIds.lookup(tx, organizationId, fk.references, value));
      if (mapped === null) throw new DependencyPending(`${fk.field}: temp id ${value} is not known yet`);
      id = mapped;
      values[fk.field] = id;
      if (created !== undefined && !(type === 'carpool_assignments' && fk.field === 'carpool_offer_id')) {
        continue;
      }
    } else {
      id = value as number;
    }
    if (!check) continue;
    // FOR KEY SHARE: the parent cannot be deleted until this write commits. A carpool offer is
    // locked FOR UPDATE at once instead: the seat count locks it that way next, and upgrading a
    // shared lock held by two racing writers would deadlock them.
    const lock = type === 'carpool_assignments' && fk.field === 'carpool_offer_id' ? 'UPDATE' : 'KEY SHARE';
    const found = await tx.query(
      `SELECT 1 FROM ${ident(fk.references)} WHERE organization_id = $1 AND id = $2 FOR ${lock}`,
      [organizationId, id],
    );
    if (found.length === 0) {
      throw new WampumsError('not_found', `${fk.field} refers to no ${fk.references} record`, {
        field: fk.field,
      });
    }
  }
  if (!check) return;
  for (const field of userFieldsOf(type)) {
    const value = values[field];
    if (typeof value !== 'number' || value === actorUserId) continue;
    const found = await tx.query('SELECT 1 FROM users WHERE organization_id = $1 AND id = $2', [
      organizationId,
      value,
    ]);
    if (found.length === 0) throw new WampumsError('not_found', `${field} refers to no user`, { field });
  }
}
