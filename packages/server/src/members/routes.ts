import type { FastifyInstance } from 'fastify';
import { authenticate } from '../auth/guard';
import type { AppContext } from '../context';

/** One person of the organization, as the app shows them (a carpool's driver...). */
export interface Member {
  id: number;
  name: string;
  role: 'admin' | 'leader' | 'viewer';
}

/**
 * `GET /members`: the users of the token's organization (id, name, role), by name. Emails are
 * left out for everyone: the app only needs names, and a viewer's device need not hold a list
 * of addresses.
 */
export function memberRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get('/members', async (request) => {
    const actor = await authenticate(request, ctx);
    const rows = await ctx.db.query<Member>(
      'SELECT id, name, role FROM users WHERE organization_id = $1 ORDER BY name, id',
      [actor.organizationId],
    );
    return { data: rows.map(({ id, name, role }) => ({ id, name, role })) };
  });
}
