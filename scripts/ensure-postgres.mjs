// The server suite runs against a real PostgreSQL; when it cannot be reached the tests must
// fail, not skip. TEST_DATABASE_URL defaults to the machine's local server.
import pg from 'pg';

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export async function assertPostgres() {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    await client.query('select 1');
  } catch (error) {
    console.error(`PostgreSQL is not reachable at ${TEST_DATABASE_URL}: ${error.message}`);
    console.error('Start it (or set TEST_DATABASE_URL); the server tests need a real PostgreSQL.');
    process.exit(1);
  } finally {
    await client.end().catch(() => {});
  }
}
