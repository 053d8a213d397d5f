import {
  canRead,
  type EntityType,
  hiddenFields,
  type PulledChange,
  type Role,
  readableRow,
  WampumsError,
} from '@wampums/schema';
import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../context';
import type { Row } from '../entities/rows';
import type { WriteOutcome } from '../writes/write-types';
import { authenticate } from './guard';

/**
 * The one place where the server applies the read rules declared beside each entity
 * (`packages/schema/src/entities.ts`, `readers`; `docs/privacy.md`). REST (list and get) and
 * pull both go through it, with the reader's role as the users table holds it now (read with
 * the session, `auth/sessions.ts`; a role change also ends the person's sessions).
 */
export interface Reader {
  userId: number;
  organizationId: number;
  role: Role;
}

/** Authenticates the request with the caller's current role (401 once the session has ended). */
export async function authenticateReader(request: FastifyRequest, ctx: AppContext): Promise<Reader> {
  const actor = await authenticate(request, ctx);
  return { userId: actor.userId, organizationId: actor.organizationId, role: actor.role };
}

/** Refuses a REST read of an entity the role does not read (403 `forbidden`). */
export function assertCanRead(role: Role, type: EntityType): void {
  if (!canRead(role, type)) throw new WampumsError('forbidden', `Your role cannot read ${type}`);
}

/** Refuses a REST filter on a field the role does not read (it would reveal its values). */
export function assertCanFilter(role: Role, type: EntityType, fields: readonly string[]): void {
  const hidden = new Set(hiddenFields(role, type));
  const field = fields.find((f) => hidden.has(f));
  if (field) throw new WampumsError('forbidden', `Your role cannot read ${type}.${field}`);
}

/** Rows of one type as the role reads them (rows of an entity it does not read are dropped). */
export function readableRows(role: Role, type: EntityType, rows: readonly Row[]): Row[] {
  return rows.flatMap((row) => {
    const visible = readableRow(role, type, row);
    return visible ? [visible] : [];
  });
}

/**
 * Pulled changes as the role reads them: upserts without hidden fields; changes (upserts and
 * deletes) of entities it does not read are left out, since the device never held those rows.
 */
export function readableChanges(role: Role, changes: readonly PulledChange[]): PulledChange[] {
  return changes.flatMap((change): PulledChange[] => {
    if (!canRead(role, change.entityType)) return [];
    if (change.op === 'delete') return [change];
    const entity = readableRow(role, change.entityType, change.entity) as Row;
    return [{ ...change, entity }];
  });
}

/**
 * A write's outcome as its writer reads it (rows in `entity`, `current`, `serverEntity`), with the
 * role the write was authorized with. By default every writing role reads everything, so this
 * only matters to a rule that hides something from a role that writes.
 */
export function readableOutcome(role: Role, type: EntityType, outcome: WriteOutcome): WriteOutcome {
  const view = (row: Row | null) => (row === null ? null : (readableRow(role, type, row) as Row | null));
  switch (outcome.status) {
    case 'applied':
      return { ...outcome, entity: view(outcome.entity) };
    case 'duplicate':
      return { ...outcome, entity: view(outcome.entity), current: view(outcome.current) };
    case 'conflict':
      return { ...outcome, serverEntity: view(outcome.serverEntity) };
    default:
      return outcome;
  }
}
