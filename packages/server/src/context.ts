import type { Actor, TokenService } from './auth/tokens';
import type { ServerConfig } from './config';
import type { Database } from './db/database';
import type { CursorCodec } from './sync/cursor';
import type { ChangeNotifier } from './sync/notifier';

/** What every route needs, built once per server instance. */
export interface AppContext {
  config: ServerConfig;
  db: Database;
  tokens: TokenService;
  cursors: CursorCodec;
  notifier: ChangeNotifier;
  limits: { maxChanges: number; maxBytes: number };
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The verified caller; set by the auth hook on every protected route. */
    actor: Actor | null;
  }
}
