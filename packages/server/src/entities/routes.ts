import {
  correlationIdSchema,
  ENTITIES,
  type EntityType,
  isEntityType,
  isoInstant,
  WampumsError,
} from '@wampums/schema';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { assertCanWrite, authenticate } from '../auth/guard';
import {
  assertCanFilter,
  assertCanRead,
  authenticateReader,
  readableOutcome,
  readableRows,
} from '../auth/read-access';
import type { Actor } from '../auth/tokens';
import type { AppContext } from '../context';
import { parseOrThrow } from '../errors';
import { applyWrite } from '../writes/apply-write';
import { RequestTempIds } from '../writes/temp-ids';
import type { WriteOutcome, WriteRequest } from '../writes/write-types';
import { filterFieldsOf, idParamSchema, listQuerySchema } from './list-query';
import { ident, type Row, selectRow } from './rows';

const listCursorSchema = z.strictObject({ k: z.literal('list'), t: z.string(), i: z.number().int() });
const deleteQuerySchema = z.strictObject({ updated_at: isoInstant.optional() });

function entityTypeOf(request: FastifyRequest): EntityType {
  const { type } = request.params as { type: string };
  if (!isEntityType(type))
    throw new WampumsError('unknown_entity_type', `Unknown entity type: ${type.slice(0, 60)}`);
  return type;
}

function idOf(request: FastifyRequest): number {
  return parseOrThrow(idParamSchema, (request.params as { id: string }).id, 'id');
}

/** Auth, role and read-only checks every REST write goes through first. */
async function writer(request: FastifyRequest, ctx: AppContext): Promise<{ actor: Actor; type: EntityType }> {
  const type = entityTypeOf(request);
  const actor = await authenticate(request, ctx);
  assertCanWrite(actor);
  if (ENTITIES[type].readOnly) throw new WampumsError('read_only', `${type} are maintained by the server`);
  return { actor, type };
}

/** Answers a write outcome over REST (a push answers the same outcome as a result). */
function reply(res: FastifyReply, outcome: WriteOutcome, created: boolean) {
  switch (outcome.status) {
    case 'applied':
      return res
        .status(created ? 201 : 200)
        .send({ data: outcome.entity ?? { id: outcome.serverId, deleted: true } });
    case 'duplicate':
      res.header('Idempotent-Replayed', 'true');
      return res
        .status(created ? 201 : 200)
        .send({ data: outcome.entity ?? { id: outcome.serverId, deleted: true } });
    case 'conflict':
      if (outcome.code === 'gone') throw new WampumsError('not_found', 'No such record');
      throw new WampumsError('conflict', 'The record changed on the server', {
        server: outcome.serverEntity,
      });
    case 'rejected':
      throw outcome.error;
    case 'skipped':
      throw new WampumsError('validation_failed', outcome.message, { code: 'dependency_pending' });
  }
}

function idempotencyKeyOf(request: FastifyRequest): string | null {
  const header = request.headers['idempotency-key'];
  if (header === undefined) return null;
  return parseOrThrow(correlationIdSchema, header, 'Idempotency-Key header');
}

/** `GET/POST /{type}`, `GET/PATCH/DELETE /{type}/{id}` for every entity. */
export function entityRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get('/:type', async (request) => {
    const type = entityTypeOf(request);
    const reader = await authenticateReader(request, ctx);
    assertCanRead(reader.role, type);
    const query = parseOrThrow(listQuerySchema(type), request.query, 'query');
    const after = query.cursor
      ? ctx.cursors.decode(query.cursor as string, listCursorSchema)
      : { k: 'list' as const, t: type, i: 0 };
    if (after.t !== type) throw new WampumsError('bad_request', 'Invalid cursor');
    const params: unknown[] = [reader.organizationId, after.i];
    const filtered = filterFieldsOf(type).filter((field) => query[field] !== undefined);
    assertCanFilter(reader.role, type, filtered);
    const filters = filtered.map((field) => {
      params.push(query[field]);
      return ` AND ${ident(field)} = $${params.length}`;
    });
    const limit = query.limit as number;
    params.push(limit + 1);
    const rows = await ctx.db.query<Row>(
      `SELECT * FROM ${ident(type)} WHERE organization_id = $1 AND id > $2${filters.join('')}
       ORDER BY id LIMIT $${params.length}`,
      params,
    );
    const hasMore = rows.length > limit;
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    const cursor = hasMore && last ? ctx.cursors.encode({ k: 'list', t: type, i: last.id }) : null;
    return { data: readableRows(reader.role, type, page), page: { cursor, hasMore } };
  });

  app.get('/:type/:id', async (request) => {
    const type = entityTypeOf(request);
    const reader = await authenticateReader(request, ctx);
    assertCanRead(reader.role, type);
    const row = await selectRow(ctx.db, type, reader.organizationId, idOf(request));
    if (!row) throw new WampumsError('not_found', 'No such record');
    return { data: readableRows(reader.role, type, [row])[0] };
  });

  app.post('/:type', async (request, res) => {
    const { actor, type } = await writer(request, ctx);
    const req: WriteRequest = {
      entityType: type,
      operation: 'create',
      entityId: null,
      tempId: null,
      payload: request.body,
      baseUpdatedAt: null,
      correlationId: idempotencyKeyOf(request),
      dependencies: [],
    };
    return reply(
      res,
      readableOutcome(actor.role, type, await applyWrite(ctx.db, actor, req, new RequestTempIds())),
      true,
    );
  });

  app.patch('/:type/:id', async (request, res) => {
    const { actor, type } = await writer(request, ctx);
    const id = idOf(request);
    const body = request.body;
    if (body === null || typeof body !== 'object' || Array.isArray(body)) {
      throw new WampumsError('validation_failed', 'The body must be a JSON object');
    }
    const { updated_at: base, ...patch } = body as Record<string, unknown>;
    const baseUpdatedAt = base === undefined ? null : parseOrThrow(isoInstant, base, 'updated_at');
    const req: WriteRequest = {
      entityType: type,
      operation: 'update',
      entityId: id,
      tempId: null,
      payload: patch,
      baseUpdatedAt,
      correlationId: null,
      dependencies: [],
    };
    return reply(
      res,
      readableOutcome(actor.role, type, await applyWrite(ctx.db, actor, req, new RequestTempIds())),
      false,
    );
  });

  app.delete('/:type/:id', async (request, res) => {
    const { actor, type } = await writer(request, ctx);
    const id = idOf(request);
    const query = parseOrThrow(deleteQuerySchema, request.query, 'query');
    const req: WriteRequest = {
      entityType: type,
      operation: 'delete',
      entityId: id,
      tempId: null,
      payload: null,
      baseUpdatedAt: query.updated_at ?? null,
      correlationId: null,
      dependencies: [],
    };
    return reply(
      res,
      readableOutcome(actor.role, type, await applyWrite(ctx.db, actor, req, new RequestTempIds())),
      false,
    );
  });
}
