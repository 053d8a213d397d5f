import type { Actor, TokenService } from './auth/tokens';
import type { ServerConfig } from './config';
import type { Database } from './db/database';
import type { PushAdmission } from './load/push-admission';
import type { CursorCodec } from './sync/cursor';
import type { ChangeNotifier } from './sync/notifier';

/**
 * What the sync contract (push, pull, live events) needs, whatever server mounts it: the
 * standalone one (AppContext) or another app through the plugin (docs/adopting.md).
 */
export interface SyncContext {
  config: { heartbeatMs?: number };
  db: Database;
  cursors: CursorCodec;
  notifier: ChangeNotifier;
  limits: { maxChanges: number; maxBytes: number };
  /** Each organization's and user's share of this instance's pushes (`load/push-admission.ts`). */
  admission: PushAdmission;
}

/** What every route needs, built once per server instance. */
export interface AppContext extends SyncContext {
  config: ServerConfig;
  tokens: TokenService;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The verified caller; set by the auth hook on every protected route. */
    actor: Actor | null;
  }
}
