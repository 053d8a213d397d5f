/** @wampums/server: HTTP API and sync endpoints over PostgreSQL or embedded PGlite. */
export { API_BASE } from '@wampums/schema';
