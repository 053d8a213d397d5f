import { randomUUID } from 'node:crypto';
import { ENTITY_TYPES, type EntityType, generateTempId } from '@wampums/schema';
import { selected } from '../config';
import { offlineWork } from '../datasets/offline-work';
import { quantile, type Spread, spread } from '../lib/stats';
import { type BenchContext, check, NOT_RUN } from './context';

/** B5: many devices of many organizations pushing and pulling at once, against one device doing it all. */
export interface LoadFigures {
  clients: number;
  organizations: number;
  changes: number;
  concurrentChangesPerSec: Spread;
  concurrentPushP95Ms: Spread;
  singleChangesPerSec: Spread;
  singlePushP95Ms: Spread;
  errors: number;
  rowsLost: number;
}

export interface Device {
  apiUrl: string;
  token: string;
  clientId: string;
  batches: Record<string, unknown>[][];
}

export interface DeviceOutcome {
  pushMs: number[];
  errors: string[];
  /** Answers 429 or 503 (each waited out as `Retry-After` says, then sent again). */
  refused: number;
}

/** The device's offline work as push changes: temp ids for new records, dependencies declared. */
export function pushChanges(count: number, salt: number, templates: number[]): Record<string, unknown>[] {
  const ops = offlineWork(count, salt, templates);
  const temp = new Map<string, { entityType: EntityType; tempId: string }>();
  return ops.map((op) => {
    const tempId = generateTempId();
    temp.set(op.key, { entityType: op.type, tempId });
    const dependencies: { entityType: EntityType; tempId: string }[] = [];
    const payload: Record<string, unknown> = {};
    for (const [field, value] of Object.entries(op.fields)) {
      const ref =
        typeof value === 'object' && value !== null && 'local' in value
          ? temp.get(String(value.local))
          : null;
      if (ref) dependencies.push(ref);
      payload[field] = ref ? ref.tempId : value;
    }
    return {
      correlationId: randomUUID(),
      entityType: op.type,
      operation: 'create',
      entityId: tempId,
      tempId,
      timestamp: Date.now(),
      baseUpdatedAt: null,
      payload,
      dependencies,
    };
  });
}

export async function call(
  device: Pick<Device, 'apiUrl' | 'token'>,
  path: string,
  body?: unknown,
): Promise<{ status: number; json: unknown; retryAfterMs: number }> {
  const response = await fetch(`${device.apiUrl}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: {
      authorization: `Bearer ${device.token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const retryAfter = Number(response.headers.get('retry-after') ?? '1');
  return {
    status: response.status,
    json: await response.json(),
    retryAfterMs: (Number.isFinite(retryAfter) ? retryAfter : 1) * 1000,
  };
}

/**
 * Sends one push until it is answered: a 429 or 503 (a share of the server is taken, docs/server.md
 * "Load and fairness") is waited out as `Retry-After` says and sent again unchanged, as the sync
 * client does. The latency is the user's: from the first send to the answer.
 */
export async function pushUntilAnswered(
  device: Pick<Device, 'apiUrl' | 'token' | 'clientId'>,
  batch: Record<string, unknown>[],
  outcome: DeviceOutcome,
): Promise<unknown | null> {
  const t0 = performance.now();
  for (;;) {
    const { status, json, retryAfterMs } = await call(device, '/sync/push', {
      clientId: device.clientId,
      changes: batch,
    });
    if (status === 429 || status === 503) {
      outcome.refused += 1;
      await new Promise((resolve) => setTimeout(resolve, retryAfterMs));
      continue;
    }
    outcome.pushMs.push(performance.now() - t0);
    if (status !== 200) {
      outcome.errors.push(`push HTTP ${status}`);
      return null;
    }
    return json;
  }
}

interface PullData {
  data: { cursor: string; hasMore: boolean };
}

/** One device: a full pull, then each batch pushed and followed by a pull from its cursor. */
export async function runDevice(device: Device): Promise<DeviceOutcome> {
  const outcome: DeviceOutcome = { pushMs: [], errors: [], refused: 0 };
  let cursor: string | null = null;
  const pullAll = async () => {
    for (;;) {
      const query: string = cursor ? `?limit=500&cursor=${encodeURIComponent(cursor)}` : '?limit=500';
      const { status, json } = await call(device, `/sync/pull${query}`);
      if (status !== 200) {
        outcome.errors.push(`pull HTTP ${status}`);
        return;
      }
      cursor = (json as PullData).data.cursor;
      if (!(json as PullData).data.hasMore) return;
    }
  };
  await pullAll();
  for (const batch of device.batches) {
    const json = await pushUntilAnswered(device, batch, outcome);
    if (json === null) continue;
    for (const result of (json as { data: { results: { status: string }[] } }).data.results) {
      if (result.status !== 'applied') outcome.errors.push(`push result ${result.status}`);
    }
    await pullAll();
  }
  return outcome;
}

/** Organizations with their devices' work; returns the devices and the rows each organization must end with. */
export async function prepare(ctx: BenchContext, phase: string, apiUrl = ctx.server.apiUrl) {
  const { config, db, server } = ctx;
  const batchSize = Math.min(config.pushBatchSize, 50);
  const orgs = [];
  for (let o = 0; o < config.loadOrganizations; o++) {
    const org = await db.createOrganization(`load-${phase}-${o}-${Date.now()}`);
    const base = await db.seedCamp(org.organizationId, org.userId, 60);
    orgs.push({
      ...org,
      token: await server.login(org.email),
      templates: (base.badge_templates ?? []).map((t) => t.id),
    });
  }
  const expected = new Map<number, Record<EntityType, number>>();
  for (const org of orgs) expected.set(org.organizationId, await db.countRows(org.organizationId));
  const devices: Device[] = [];
  for (let c = 0; c < config.loadClients; c++) {
    const org = orgs[c % orgs.length] as (typeof orgs)[number];
    const changes = pushChanges(config.loadChangesPerClient, 100 + c, org.templates);
    const rows = expected.get(org.organizationId) as Record<EntityType, number>;
    for (const change of changes) rows[change.entityType as EntityType] += 1;
    rows.points += changes.filter((change) => change.entityType === 'honors').length;
    const batches = [];
    for (let i = 0; i < changes.length; i += batchSize) batches.push(changes.slice(i, i + batchSize));
    devices.push({ apiUrl, token: org.token, clientId: randomUUID(), batches });
  }
  return { devices, expected };
}

export async function rowsLost(
  ctx: BenchContext,
  expected: Map<number, Record<EntityType, number>>,
): Promise<number> {
  let lost = 0;
  for (const [organizationId, rows] of expected) {
    const actual = await ctx.db.countRows(organizationId);
    for (const type of ENTITY_TYPES) lost += Math.abs(rows[type] - actual[type]);
  }
  return lost;
}

export async function runLoad(ctx: BenchContext): Promise<LoadFigures> {
  const { config } = ctx;
  const changes = config.loadClients * config.loadChangesPerClient;
  if (!selected(config, 'B5')) {
    return {
      clients: config.loadClients,
      organizations: config.loadOrganizations,
      changes,
      concurrentChangesPerSec: NOT_RUN,
      concurrentPushP95Ms: NOT_RUN,
      singleChangesPerSec: NOT_RUN,
      singlePushP95Ms: NOT_RUN,
      errors: 0,
      rowsLost: 0,
    };
  }
  const concurrent: { perSec: number; p95: number }[] = [];
  const single: { perSec: number; p95: number }[] = [];
  let errors = 0;
  let lost = 0;
  for (let run = 0; run < config.runs; run++) {
    ctx.log(`B5 run ${run + 1}/${config.runs}: ${config.loadClients} clients at once`);
    const a = await prepare(ctx, `c${run}`);
    let t0 = performance.now();
    const outcomes = await Promise.all(a.devices.map(runDevice));
    let ms = performance.now() - t0;
    errors += outcomes.reduce((sum, o) => sum + o.errors.length, 0);
    lost += await rowsLost(ctx, a.expected);
    concurrent.push({
      perSec: (changes / ms) * 1000,
      p95: quantile(
        outcomes.flatMap((o) => o.pushMs),
        0.95,
      ),
    });

    ctx.log(`B5 run ${run + 1}/${config.runs}: the same work from one client`);
    const b = await prepare(ctx, `s${run}`);
    const sequential: DeviceOutcome[] = [];
    t0 = performance.now();
    for (const device of b.devices) sequential.push(await runDevice(device));
    ms = performance.now() - t0;
    errors += sequential.reduce((sum, o) => sum + o.errors.length, 0);
    lost += await rowsLost(ctx, b.expected);
    single.push({
      perSec: (changes / ms) * 1000,
      p95: quantile(
        sequential.flatMap((o) => o.pushMs),
        0.95,
      ),
    });
  }
  check(Number.isFinite(errors) && Number.isFinite(lost), 'load counts are numbers');
  return {
    clients: config.loadClients,
    organizations: config.loadOrganizations,
    changes,
    concurrentChangesPerSec: spread(concurrent.map((r) => r.perSec)),
    concurrentPushP95Ms: spread(concurrent.map((r) => r.p95)),
    singleChangesPerSec: spread(single.map((r) => r.perSec)),
    singlePushP95Ms: spread(single.map((r) => r.p95)),
    errors,
    rowsLost: lost,
  };
}
