import http from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';

/**
 * The peer's server: the push and pull endpoints RxDB's HTTP replication expects, over one
 * PostgreSQL table of JSON documents. Minimal by intent (no auth, no per-entity rules) but
 * correct: conflicts are detected against the assumed master state, writes are transactional,
 * and pull reads by a sequence checkpoint. Paths: `/rxdb/{namespace}/{collection}/push|pull`.
 */
export interface PeerEndpoint {
  origin: string;
  /** The replication base URL of a namespace (one namespace per run keeps runs apart). */
  url(namespace: string): string;
  /** Documents stored in a namespace. */
  count(namespace: string): Promise<number>;
  /** Stores `docs` as already-replicated documents of `collection` (B3's data). */
  seed(namespace: string, collection: string, docs: Record<string, unknown>[]): Promise<void>;
  close(): Promise<void>;
}

const DDL = `
CREATE TABLE IF NOT EXISTS peer_docs (
  namespace text NOT NULL,
  collection text NOT NULL,
  id text NOT NULL,
  seq bigserial NOT NULL,
  deleted boolean NOT NULL DEFAULT false,
  doc jsonb NOT NULL,
  PRIMARY KEY (namespace, collection, id)
);
CREATE INDEX IF NOT EXISTS peer_docs_checkpoint ON peer_docs (namespace, collection, seq);
`;

interface PushRow {
  assumedMasterState?: Record<string, unknown> | null;
  newDocumentState: Record<string, unknown> & { id: string; _deleted?: boolean };
}

const stripMeta = (doc: Record<string, unknown>) => {
  const { _deleted, _meta, _rev, _attachments, ...rest } = doc;
  return rest;
};

async function readBody(req: http.IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export async function startPeerEndpoint(databaseUrl: string): Promise<PeerEndpoint> {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 10 });
  await pool.query(DDL);

  async function push(namespace: string, collection: string, rows: PushRow[]) {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      const ids = rows.map((r) => r.newDocumentState.id);
      const current = await client.query<{ id: string; doc: Record<string, unknown>; deleted: boolean }>(
        'SELECT id, doc, deleted FROM peer_docs WHERE namespace = $1 AND collection = $2 AND id = ANY($3) FOR UPDATE',
        [namespace, collection, ids],
      );
      const master = new Map(current.rows.map((r) => [r.id, r]));
      const conflicts: Record<string, unknown>[] = [];
      const write: PushRow['newDocumentState'][] = [];
      for (const row of rows) {
        const existing = master.get(row.newDocumentState.id);
        const assumed = row.assumedMasterState;
        // The write is based on the master's current version, or it is a conflict.
        if (existing && (!assumed || assumed.updatedAt !== existing.doc.updatedAt)) {
          conflicts.push({ ...existing.doc, _deleted: existing.deleted });
        } else {
          write.push(row.newDocumentState);
        }
      }
      if (write.length) {
        await client.query(
          `INSERT INTO peer_docs (namespace, collection, id, deleted, doc)
           SELECT $1, $2, u.id, u.deleted, u.doc FROM unnest($3::text[], $4::boolean[], $5::jsonb[]) AS u(id, deleted, doc)
           ON CONFLICT (namespace, collection, id) DO UPDATE
             SET doc = EXCLUDED.doc, deleted = EXCLUDED.deleted, seq = nextval(pg_get_serial_sequence('peer_docs', 'seq'))`,
          [
            namespace,
            collection,
            write.map((d) => d.id),
            write.map((d) => d._deleted === true),
            write.map((d) => JSON.stringify(stripMeta(d))),
          ],
        );
      }
      await client.query('COMMIT');
      return conflicts;
    } catch (error) {
      await client.query('ROLLBACK');
      throw error;
    } finally {
      client.release();
    }
  }

  async function pull(namespace: string, collection: string, seq: number, limit: number) {
    const result = await pool.query<{ seq: string; deleted: boolean; doc: Record<string, unknown> }>(
      `SELECT seq, deleted, doc FROM peer_docs WHERE namespace = $1 AND collection = $2 AND seq > $3
       ORDER BY seq LIMIT $4`,
      [namespace, collection, seq, limit],
    );
    const last = result.rows.at(-1);
    return {
      documents: result.rows.map((r) => ({ ...r.doc, _deleted: r.deleted })),
      checkpoint: last ? { seq: Number(last.seq) } : { seq },
    };
  }

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const match = /^\/rxdb\/([\w-]+)\/([a-z_]+)\/(push|pull)$/.exec(url.pathname);
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (!match) return send(404, { error: { code: 'not_found', message: 'no such route' } });
    const [, namespace = '', collection = '', action] = match;
    const work =
      action === 'push' && req.method === 'POST'
        ? readBody(req).then((body) => push(namespace, collection, JSON.parse(body) as PushRow[]))
        : pull(
            namespace,
            collection,
            Number(url.searchParams.get('seq') ?? 0),
            Number(url.searchParams.get('limit') ?? 100),
          );
    work.then(
      (body) => send(200, body),
      (error: unknown) => send(500, { error: { code: 'internal_error', message: String(error) } }),
    );
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    origin,
    url: (namespace) => `${origin}/rxdb/${namespace}`,
    async count(namespace) {
      const result = await pool.query<{ n: string }>(
        'SELECT count(*) AS n FROM peer_docs WHERE namespace = $1',
        [namespace],
      );
      return Number(result.rows[0]?.n ?? 0);
    },
    async seed(namespace, collection, docs) {
      for (let i = 0; i < docs.length; i += 5000) {
        const chunk = docs.slice(i, i + 5000);
        await pool.query(
          `INSERT INTO peer_docs (namespace, collection, id, doc)
           SELECT $1, $2, u.id, u.doc FROM unnest($3::text[], $4::jsonb[]) AS u(id, doc)`,
          [namespace, collection, chunk.map((d) => String(d.id)), chunk.map((d) => JSON.stringify(d))],
        );
      }
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await pool.end();
    },
  };
}
