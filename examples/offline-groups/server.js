// The host app: a Fastify server with its own sign-in and sessions, over its own PostgreSQL
// database. It mounts the sync contract with one `register` (docs/adopting.md, step 4) and
// serves a page that uses the offline client straight from node_modules (no build step).
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import { WampumsError } from '@wampums/schema';
import { migrate, openPgDatabase, wampumsSync } from '@wampums/server';
import Fastify from 'fastify';

const here = dirname(fileURLToPath(import.meta.url));
const { DATABASE_URL, PORT = '3100', HOST = '127.0.0.1' } = process.env;
const CURSOR_SECRET = process.env.CURSOR_SECRET ?? randomBytes(32).toString('hex');
if (!DATABASE_URL) throw new Error('Set DATABASE_URL to a PostgreSQL database');

const database = await openPgDatabase(DATABASE_URL);
// The tables sync needs (organizations, users, entity tables, receipts, change log, triggers).
await migrate(database);

// The app's own accounts. A real app has these already; this one makes one unit and one leader.
const [existing] = await database.query("SELECT id FROM organizations WHERE name = 'Example unit'");
const organizationId =
  existing?.id ??
  (await database.query("INSERT INTO organizations (name) VALUES ('Example unit') RETURNING id"))[0].id;
await database.query(
  `INSERT INTO users (organization_id, email, name, role, password_hash)
   VALUES ($1, 'leader@example.test', 'Example leader', 'leader', '!') ON CONFLICT (email) DO NOTHING`,
  [organizationId],
);

/** The app's sessions: an opaque id → who signed in. Organization and role come only from here. */
const sessions = new Map();
/** Single-use live-stream tickets → { session, expires } (a URL must never carry the token). */
const tickets = new Map();

const app = Fastify({ logger: { level: process.env.LOG_LEVEL ?? 'warn' } });

app.post('/app/sign-in', async (request, reply) => {
  const email = String(request.body?.email ?? '');
  const [user] = await database.query('SELECT id, organization_id, role FROM users WHERE email = $1', [
    email,
  ]);
  if (!user) return reply.status(401).send({ message: 'Unknown account' });
  const token = randomBytes(24).toString('base64url');
  sessions.set(token, { userId: user.id, organizationId: user.organization_id, role: user.role });
  return { token, user: { id: user.id, organizationId: user.organization_id } };
});

// The sync contract under /api/v1/sync: push, pull and the live events stream.
await app.register(wampumsSync, {
  database,
  cursorSecret: CURSOR_SECRET,
  auth: {
    // The client sends the app's session token as a bearer token. The live stream (EventSource
    // sends no headers) opens with a single-use ticket the client asked for just before.
    async authenticate(request, { live }) {
      const header = /^Bearer (\S+)$/.exec(request.headers.authorization ?? '')?.[1];
      if (!header && live && typeof request.query?.ticket === 'string') {
        const ticket = tickets.get(request.query.ticket);
        tickets.delete(request.query.ticket);
        const session = ticket && ticket.expires > Date.now() && ticket.session;
        if (!session) throw new WampumsError('invalid_ticket', 'Ask for a new ticket');
        return session;
      }
      const session = header && sessions.get(header);
      if (!session) throw new WampumsError('unauthorized', 'Sign in first');
      return session;
    },
    async issueTicket(actor) {
      const ticket = randomBytes(24).toString('base64url');
      tickets.set(ticket, { session: actor, expires: Date.now() + 60_000 });
      return { ticket, expiresAt: new Date(Date.now() + 60_000).toISOString() };
    },
  },
});

// The page, its service worker, and the four ES modules the page imports (see index.html).
await app.register(fastifyStatic, { root: join(here, 'public') });
const modules = {
  '@wampums/client': 'dist',
  '@wampums/schema': 'dist',
  dexie: 'dist',
  zod: '',
};
for (const [name, folder] of Object.entries(modules)) {
  await app.register(fastifyStatic, {
    root: join(here, 'node_modules', name, folder),
    prefix: `/modules/${name}/`,
    decorateReply: false,
  });
}

app.addHook('onClose', async () => database.close());
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => app.close().then(() => process.exit(0)));

const address = await app.listen({ port: Number(PORT), host: HOST });
console.log(`Example app listening on ${address}`);
