import type { Sql } from './sql';

export interface OrgFixture {
  organizationId: number;
  /** Accounts of the organization (password `offline-first`), by role. */
  emails: { admin: string; leaders: string[]; viewer: string };
  pointsPerHonor: number;
}

/**
 * A fresh organization for one simulation run, so that runs never see each other's records:
 * an admin, leaders, a viewer (their password hash is the demo accounts', so the demo data must
 * be seeded) and two badge templates, which clients cannot create.
 */
export async function createOrganization(
  sql: Sql,
  tag: string,
  options: { leaders: number; pointsPerHonor: number },
): Promise<OrgFixture> {
  const [hash] = await sql<{ password_hash: string }>(
    `SELECT password_hash FROM users WHERE email = 'leader@pack-a.test'`,
  );
  if (!hash) throw new Error('the demo accounts are missing: start the server with SEED_DEMO=true');
  const [org] = await sql<{ id: number }>(
    `INSERT INTO organizations (name, locale, settings) VALUES ($1, 'fr', $2::jsonb) RETURNING id`,
    [`Simulation ${tag}`, JSON.stringify({ pointsPerHonor: options.pointsPerHonor })],
  );
  const organizationId = (org as { id: number }).id;
  const slug = tag.toLowerCase().replace(/[^a-z0-9]/g, '');
  const emails = {
    admin: `admin-${slug}@sim.test`,
    leaders: Array.from({ length: options.leaders }, (_, i) => `leader${i}-${slug}@sim.test`),
    viewer: `viewer-${slug}@sim.test`,
  };
  const accounts: [string, string][] = [
    [emails.admin, 'admin'],
    ...emails.leaders.map((e): [string, string] => [e, 'leader']),
    [emails.viewer, 'viewer'],
  ];
  for (const [email, role] of accounts) {
    await sql(
      `INSERT INTO users (organization_id, email, name, role, password_hash) VALUES ($1, $2, $3, $4, $5)`,
      [organizationId, email, email.split('@')[0], role, hash.password_hash],
    );
  }
  for (const [key, name] of [
    ['castor', 'Castor'],
    ['louveteau', 'Louveteau'],
  ]) {
    await sql(
      `INSERT INTO badge_templates (organization_id, template_key, name, section, level_count, levels)
       VALUES ($1, $2, $3, 'cubs', 2, $4::jsonb)`,
      [
        organizationId,
        key,
        name,
        JSON.stringify([
          { level: 1, name: 'Un' },
          { level: 2, name: 'Deux' },
        ]),
      ],
    );
  }
  return { organizationId, emails, pointsPerHonor: options.pointsPerHonor };
}
