import { z } from 'zod';
import { ENTITY_TYPES, type EntityType } from './entities';
import { idRef, isoInstant, serverId, tempIdSchema } from './field-types';
import { roleSchema } from './roles';

/**
 * The wire contract of `docs/sync-protocol.md` as runtime schemas; the TypeScript types are
 * inferred from them so that the two can never disagree. Bump `PROTOCOL_VERSION` on any change
 * that an older peer could not read; adding optional fields does not need it.
 */
export const PROTOCOL_VERSION = 2;
/**
 * The oldest client protocol the server still serves; an older one is answered 426
 * `upgrade_required` with `details.minimumProtocol` (docs/sync-protocol.md, "Versions").
 */
export const MINIMUM_PROTOCOL_VERSION = 1;
/** Header carrying the protocol version on requests and responses. */
export const PROTOCOL_HEADER = 'x-wampums-protocol';

/**
 * The protocol version that introduced each entity type: a client of an older version is never
 * sent a type it cannot store (docs/sync-protocol.md, "Versions"). A new type is added here with
 * the version that brings it.
 */
export const ENTITY_TYPE_SINCE: Readonly<Record<EntityType, number>> = Object.fromEntries(
  ENTITY_TYPES.map((type) => [type, 1]),
) as Record<EntityType, number>;

/** True when a client speaking `protocol` knows `type`. */
export function protocolKnows(protocol: number, type: string): boolean {
  const since = (ENTITY_TYPE_SINCE as Record<string, number | undefined>)[type];
  return since !== undefined && since <= protocol;
}

/**
 * The protocol a request speaks, from its `x-wampums-protocol` header: absent (a tool, a host
 * app's own client) means the current one; anything but a positive integer is `null` (a 400).
 */
export function requestProtocol(header: string | string[] | undefined): number | null {
  if (header === undefined) return PROTOCOL_VERSION;
  const text = Array.isArray(header) ? header[0] : header;
  if (text === undefined || !/^[0-9]{1,4}$/.test(text.trim())) return null;
  const version = Number(text.trim());
  return version >= 0 ? version : null;
}

/**
 * Why a pull answers `fullRefresh: true` (`fullRefreshReason`, an addition of protocol 2):
 * `expired` (older than 14 days or than the kept log), `role_changed` (issued to another role),
 * `unverified` (its signature does not verify: a rotated secret), `other_server` (issued by a
 * server with another epoch: another database), `unknown_position` (a position this database
 * never reached: restored from a backup).
 */
export const FULL_REFRESH_REASONS = [
  'expired',
  'role_changed',
  'unverified',
  'other_server',
  'unknown_position',
] as const;
export type FullRefreshReason = (typeof FULL_REFRESH_REASONS)[number];

/**
 * Rows the server derives from another in the same transaction: a pull page that carries the
 * parent carries them too, a snapshot included, so a device never holds an honor without its
 * points (docs/sync-protocol.md, "Pull").
 */
export const DERIVED_ROWS: Partial<Record<EntityType, readonly { type: EntityType; foreignKey: string }[]>> =
  {
    honors: [{ type: 'points', foreignKey: 'honor_id' }],
  };

export const API_BASE = '/api/v1';

/** Default limits of a push (both configurable on the server). */
export const PUSH_LIMITS = { maxChanges: 500, maxBytes: 1024 * 1024 } as const;
/** Pull page size: default and maximum. */
export const PULL_LIMITS = { defaultLimit: 500, maxLimit: 1000 } as const;
/** REST list page size: default and maximum. */
export const LIST_LIMITS = { defaultLimit: 100, maxLimit: 1000 } as const;
/** A cursor older than this gets `fullRefresh: true`. */
export const FULL_REFRESH_AFTER_MS = 14 * 24 * 60 * 60 * 1000;

export const entityTypeSchema = z.enum(ENTITY_TYPES as [EntityType, ...EntityType[]]);
export const operationSchema = z.enum(['create', 'update', 'delete']);
export type Operation = z.infer<typeof operationSchema>;

export const dependencySchema = z.strictObject({ entityType: entityTypeSchema, tempId: tempIdSchema });
export type Dependency = z.infer<typeof dependencySchema>;

const uuid = z.string().uuid();
/** A correlation id: a UUID, or any opaque token of 8-100 safe characters (an `Idempotency-Key`). */
export const correlationIdSchema = z.union([uuid, z.string().regex(/^[A-Za-z0-9_.:-]{8,100}$/)]);

/** One change in a push. The per-entity payload is validated by the server after the envelope. */
export const pushChangeSchema = z
  .strictObject({
    correlationId: correlationIdSchema,
    entityType: entityTypeSchema,
    operation: operationSchema,
    entityId: idRef,
    tempId: tempIdSchema.nullable().optional(),
    timestamp: z.number().int().nonnegative(),
    /**
     * An addition: the device time each field of `payload` was set, when edits made at
     * different times were merged into one change (`mergedFieldTimes`); a field not named here
     * was set at `timestamp`. Corrected like `timestamp` (docs/sync-protocol.md, "Edit times").
     */
    fieldTimestamps: z.record(z.string().max(100), z.number().int().nonnegative()).optional(),
    baseUpdatedAt: isoInstant.nullable().optional(),
    payload: z.record(z.string(), z.unknown()).nullable(),
    dependencies: z.array(dependencySchema).max(50).optional(),
  })
  .superRefine((change, ctx) => {
    if (change.operation === 'create' && change.payload === null) {
      ctx.addIssue({ code: 'custom', message: 'a create carries the full entity', path: ['payload'] });
    }
    if (change.operation === 'update' && change.payload === null) {
      ctx.addIssue({ code: 'custom', message: 'an update carries a patch', path: ['payload'] });
    }
  });
export type PushChange = z.infer<typeof pushChangeSchema>;

/** The push envelope. The count limit is checked by the server (it is configurable → 413). */
export const pushRequestSchema = z.strictObject({
  clientId: z.string().min(1).max(100),
  changes: z.array(z.unknown()),
  /**
   * The device's clock (Unix ms) when it sent the request (an addition): the server measures the
   * device's clock offset from it, and corrects each change's `timestamp` by it into the edit
   * time it keeps (docs/sync-protocol.md, "Edit times"). Without it, no correction.
   */
  sentAt: z.number().int().nonnegative().optional(),
});
export type PushRequest = { clientId: string; changes: PushChange[]; sentAt?: number };

export const wireErrorSchema = z.object({
  code: z.string(),
  message: z.string(),
  details: z.unknown().optional(),
});
export type WireError = z.infer<typeof wireErrorSchema>;

const rowSchema = z.record(z.string(), z.unknown());

export const pushResultSchema = z.discriminatedUnion('status', [
  z.object({
    status: z.literal('applied'),
    correlationId: z.string(),
    serverId,
    entity: rowSchema.nullable(),
  }),
  z.object({
    status: z.literal('duplicate'),
    correlationId: z.string(),
    serverId,
    entity: rowSchema.nullable(),
    /**
     * The record as it is now (`null`: deleted since the first answer). The first answer's
     * `entity` may be stale, and a device whose answer was lost could not recognise the
     * record's later changes in its pulls (it still knew it by its temp id).
     */
    current: rowSchema.nullable().optional(),
  }),
  z.object({
    status: z.literal('conflict'),
    correlationId: z.string(),
    code: z.enum(['conflict', 'gone']),
    serverEntity: rowSchema.nullable(),
  }),
  z.object({ status: z.literal('rejected'), correlationId: z.string(), error: wireErrorSchema }),
  z.object({ status: z.literal('skipped'), correlationId: z.string(), error: wireErrorSchema }),
]);
export type PushResult = z.infer<typeof pushResultSchema>;
export type PushStatus = PushResult['status'];

export const pushResponseSchema = z.object({
  data: z.object({ results: z.array(pushResultSchema), serverTime: isoInstant }),
});
export type PushResponse = z.infer<typeof pushResponseSchema>;

export const pullQuerySchema = z.strictObject({
  cursor: z.string().min(1).max(200).optional(),
  limit: z.coerce.number().int().min(1).max(PULL_LIMITS.maxLimit).default(PULL_LIMITS.defaultLimit),
  /**
   * The device's push `clientId` (an addition): a pull from a cursor then leaves out the row
   * versions this device already holds from its own push answers (ignored during a snapshot).
   */
  clientId: z.string().min(1).max(100).optional(),
});
export type PullQuery = z.infer<typeof pullQuerySchema>;

export const pulledChangeSchema = z.discriminatedUnion('op', [
  z.object({ entityType: entityTypeSchema, op: z.literal('upsert'), id: serverId, entity: rowSchema }),
  z.object({
    entityType: entityTypeSchema,
    op: z.literal('delete'),
    id: serverId,
    entity: rowSchema.nullable().optional(),
  }),
]);
export type PulledChange = z.infer<typeof pulledChangeSchema>;

export const pullResponseSchema = z.object({
  data: z.object({
    changes: z.array(pulledChangeSchema),
    cursor: z.string(),
    hasMore: z.boolean(),
    fullRefresh: z.boolean(),
    /** Protocol 2: why `fullRefresh` is true. Any string: a later reason must not break a client. */
    fullRefreshReason: z.string().optional(),
    serverTime: isoInstant.optional(),
  }),
});
export type PullResponse = z.infer<typeof pullResponseSchema>;

export const loginRequestSchema = z.strictObject({
  email: z.string().trim().toLowerCase().email().max(254),
  password: z.string().min(1).max(200),
});
export type LoginRequest = z.infer<typeof loginRequestSchema>;

export const sessionUserSchema = z.object({
  id: serverId,
  name: z.string(),
  email: z.string(),
  role: roleSchema,
  organizationId: serverId,
});
export type SessionUser = z.infer<typeof sessionUserSchema>;

export const loginResponseSchema = z.object({
  data: z.object({
    token: z.string(),
    expiresAt: isoInstant,
    user: sessionUserSchema,
    /** The session's absolute end: no refresh reaches past it (docs/sync-protocol.md, "Sessions"). */
    sessionExpiresAt: isoInstant.optional(),
    /** From when `POST /auth/refresh` accepts this token (its last quarter). */
    refreshAfter: isoInstant.optional(),
    /**
     * The organization's unit key (base64url of 32 bytes): a phone wraps the key of its sealed
     * records with it (docs/privacy.md, "At rest on the phone").
     */
    unitKey: z.string().min(43).max(100).optional(),
  }),
});

/** Why a session ended: `details.reason` of a 401 `session_revoked`. */
export const SESSION_END_REASONS = [
  'signed_out',
  'password_changed',
  'role_changed',
  'organization_changed',
  'user_deleted',
  'expired',
] as const;
export type SessionEndReason = (typeof SESSION_END_REASONS)[number];

/** `POST /sync/events/ticket`: a single-use ticket that opens one live stream (`?ticket=`). */
export const liveTicketResponseSchema = z.object({
  data: z.object({ ticket: z.string().min(16), expiresAt: isoInstant }),
});
export type LiveTicketResponse = z.infer<typeof liveTicketResponseSchema>;
export type LoginResponse = z.infer<typeof loginResponseSchema>;

export const errorResponseSchema = z.object({ error: wireErrorSchema });

/** The live channel's event name and payload. */
export const CHANGES_EVENT = 'changes';
export const changesEventSchema = z.object({ cursor: z.string() });
