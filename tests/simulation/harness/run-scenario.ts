import { login, pullSnapshot } from '../../support/api';
import { type FaultKind, FaultProxy, type ProxyFault } from '../../support/fault-proxy';
import { createOrganization } from '../../support/org-fixture';
import type { SimBackend } from './backend';
import { executeStep, type StepContext } from './execute-step';
import {
  checkApprovedBadges,
  checkConvergence,
  checkCreates,
  checkEdits,
  checkLatestEditWins,
  checkMedication,
  checkNoDuplicates,
  checkNoTempIds,
  checkPoints,
  indexByMarker,
} from './invariants';
import { type LocalState, readLocalState } from './local-state';
import { markerOf } from './markers';
import { Oracle } from './oracle';
import { seededRandom } from './sim-config';
import { SimDevice } from './sim-device';
import type { Scenario } from './steps';

/** What one run did and found. */
export interface RunResult {
  steps: number;
  operations: Map<string, number>;
  faults: Map<string, number>;
  other: Map<string, number>;
  violations: string[];
}

export interface SimEnvironment {
  backend: SimBackend;
  proxy: FaultProxy;
  fetchTimeoutMs: number;
}

/** Ways to break a run on purpose: the self-test proves that the invariants then fail. */
export interface RunOptions {
  /** End with a tour of the fault kinds the run has not met (default true). */
  tour?: boolean;
  /** Runs after the final sync, just before the last checks read the server and the devices. */
  beforeFinalChecks?: (devices: SimDevice[]) => Promise<void>;
}

/** Starts the proxy in front of a backend; `server-kill` faults kill the backend's process. */
export async function startProxy(backend: SimBackend): Promise<FaultProxy> {
  const proxy = new FaultProxy({
    target: () => backend.url,
    killServer: () => backend.kill(),
    ...(process.env.SIM_TRACE === '1' ? { trace: printExchange } : {}),
  });
  await proxy.start();
  return proxy;
}

/** Faults that every run meets at least once (the tour at the end adds the ones it missed). */
function tourFaults(env: SimEnvironment): { kind: FaultKind; fault: ProxyFault }[] {
  const tour: { kind: FaultKind; fault: ProxyFault }[] = [
    { kind: 'drop-request', fault: { kind: 'drop-request' } },
    { kind: 'drop-response', fault: { kind: 'drop-response' } },
    { kind: 'duplicate-concurrent', fault: { kind: 'duplicate', concurrent: true } },
    { kind: 'duplicate-sequential', fault: { kind: 'duplicate', concurrent: false } },
    { kind: 'http-500', fault: { kind: 'status', status: 500, afterCommit: false } },
    { kind: 'http-502', fault: { kind: 'status', status: 502, afterCommit: false } },
    { kind: 'http-503', fault: { kind: 'status', status: 503, afterCommit: false } },
    { kind: 'http-429', fault: { kind: 'status', status: 429, afterCommit: false } },
    { kind: 'http-502-after-commit', fault: { kind: 'status', status: 502, afterCommit: true } },
    { kind: 'slow', fault: { kind: 'slow', ms: 150 } },
    { kind: 'timeout', fault: { kind: 'timeout', ms: env.fetchTimeoutMs + 300 } },
  ];
  if (env.backend.killable) tour.push({ kind: 'server-kill', fault: { kind: 'server-kill', afterMs: 5 } });
  return tour;
}

/** SIM_TRACE=1: one line per request the server answered (what was sent, what came back). */
function printExchange(x: Parameters<NonNullable<ConstructorParameters<typeof FaultProxy>[0]['trace']>>[0]) {
  const parse = (b: Buffer): Record<string, unknown> => {
    try {
      return JSON.parse(b.toString()) as Record<string, unknown>;
    } catch {
      return {};
    }
  };
  const sent = parse(x.body) as {
    changes?: { entityType: string; operation: string; entityId: unknown; correlationId: string }[];
  };
  const got = parse(x.answer.body) as {
    data?: {
      results?: { status: string; serverId?: number }[];
      changes?: { entityType: string; op: string; id: number }[];
      cursor?: string;
    };
  };
  const what = x.path.startsWith('/api/v1/sync/push')
    ? (sent.changes ?? [])
        .map((c, i) => {
          const r = got.data?.results?.[i];
          return `${c.operation} ${c.entityType} ${String(c.entityId)} [${c.correlationId.slice(0, 8)}] -> ${r?.status ?? '?'} ${r?.serverId ?? ''}`;
        })
        .join('; ')
    : `${(got.data?.changes ?? []).map((c) => `${c.op} ${c.entityType} ${c.id}`).join(', ')} cursor=${got.data?.cursor ?? ''}`;
  console.log(`  [${x.device}] ${x.method} ${x.path} fault=${x.fault.kind} -> ${x.answer.status}: ${what}`);
}

/** SIM_VERBOSE=1 on failure: a device's outbox, id map and sync meta, to follow each change. */
async function printDevice(i: number, device: SimDevice): Promise<void> {
  const db = device.store.db;
  console.log(`device ${i} (${device.key}) sync meta: ${JSON.stringify(await db._syncMeta.toArray())}`);
  for (const e of await db._outbox.toArray()) {
    console.log(
      `  outbox #${e.localId} ${e.operation} ${e.entityType} ${String(e.entityId)} temp=${e.tempId ?? ''} [${e.correlationId.slice(0, 8)}] ${e.status} error=${JSON.stringify(e.lastError ?? null)} answer=${e.serverResponse?.status ?? ''}`,
    );
  }
  for (const m of await db._idMap.toArray())
    console.log(`  idmap ${m.entityType} ${m.tempId} -> ${m.serverId}`);
}

let runCounter = 0;

/** Runs one generated scenario end to end and checks every invariant. */
export async function runScenario(
  env: SimEnvironment,
  scenario: Scenario,
  options: RunOptions = {},
): Promise<RunResult> {
  const run = ++runCounter;
  const tag = `R${run}${Math.random().toString(36).slice(2, 6)}`;
  const { backend, proxy } = env;
  const faultsBefore = new Map(proxy.injected);
  const oracle = new Oracle();
  const counters = new Map<string, number>();
  const violations: string[] = [];
  await backend.ensureRunning();
  const fixture = await createOrganization(backend.sql, tag, {
    leaders: Math.max(1, scenario.devices.length - 1),
    pointsPerHonor: 7,
  });
  const emails = [fixture.emails.admin, ...fixture.emails.leaders];
  const admin = await login(backend.url, fixture.emails.admin);
  const random = seededRandom(scenario.jitterSeed);
  const devices: SimDevice[] = [];
  for (const [i, spec] of scenario.devices.entries()) {
    const session = await login(backend.url, emails[i % emails.length] as string);
    const key = `${tag}-d${i}`;
    devices.push(
      new SimDevice({
        key,
        baseUrl: proxy.url(key),
        token: session.token,
        user: { id: session.user.id, organizationId: session.user.organizationId },
        skewMs: spec.skewMinutes * 60_000,
        fetchTimeoutMs: env.fetchTimeoutMs,
        random,
      }),
    );
  }
  const approvedSeen = new Set<string>();
  const sampleApproved = async () => {
    const rows = await backend.sql<{ objective: string | null }>(
      `SELECT objective FROM badge_progress WHERE organization_id = $1 AND status = 'approved'`,
      [fixture.organizationId],
    );
    for (const r of rows) if (r.objective?.startsWith(`${tag}:`)) approvedSeen.add(r.objective);
  };
  const ctx: StepContext = {
    devices,
    oracle,
    proxy,
    tag,
    counters,
    restartServer: () => backend.ensureRunning(),
    afterSync: sampleApproved,
  };
  const syncAll = async () => {
    for (const device of devices) await device.sync({ ignoreBackoff: true }, null);
  };
  try {
    for (const device of devices) await device.open();
    await syncAll(); // everyone starts with the organization's reference data
    for (const [index, step] of scenario.steps.entries()) {
      try {
        if (process.env.SIM_VERBOSE === '1') console.log(`run ${run} step ${index}: ${JSON.stringify(step)}`);
        await executeStep(ctx, step, index);
      } catch (error) {
        violations.push(
          `step ${index} (${JSON.stringify(step)}) threw: ${(error as Error).stack ?? String(error)}`,
        );
        break;
      }
    }
    // The tour: every fault kind this run has not met yet, on a fresh change of device 0.
    const met = (kind: string) =>
      (proxy.injected.get(kind as FaultKind) ?? 0) > (faultsBefore.get(kind as FaultKind) ?? 0);
    const first = devices[0] as SimDevice;
    first.connectivity.set(true);
    for (const { kind, fault } of tourFaults(env)) {
      if (options.tour === false || met(kind) || violations.length > 0) continue;
      await executeStep(
        ctx,
        { t: 'create', d: 0, entity: 'groups', pick: 0, pick2: 0, variant: 1 },
        10_000 + oracle.edits.length + oracle.records.size,
      );
      await executeStep(
        ctx,
        { t: 'sync', d: 0, faults: [fault], crashAtWrite: null, ignoreBackoff: true },
        20_000,
      );
      counters.set('tour-faults', (counters.get('tour-faults') ?? 0) + 1);
    }
    if (options.tour !== false && !counters.get('fault:client-crash') && violations.length === 0) {
      await executeStep(ctx, { t: 'family', d: 0, variant: 2 }, 30_000);
      await executeStep(ctx, { t: 'sync', d: 0, faults: [], crashAtWrite: 2, ignoreBackoff: true }, 30_001);
    }

    // Faults off, everyone online: sync until nothing moves.
    proxy.clear();
    await backend.ensureRunning();
    for (const device of devices) device.connectivity.set(true);
    for (let round = 0; round < 3; round++) await syncAll();
    await sampleApproved();

    let snapshot = await pullSnapshot(backend.url, admin.token);
    let locals: LocalState[] = await Promise.all(devices.map(readLocalState));
    let byMarker = indexByMarker(snapshot, tag);
    violations.push(
      ...checkNoDuplicates(byMarker),
      ...checkCreates(oracle, byMarker, locals),
      ...(await checkEdits(oracle, byMarker, locals, backend.sql, fixture.organizationId, proxy.pushed)),
      ...checkLatestEditWins(oracle, byMarker, locals),
      ...checkMedication(oracle, byMarker, locals, false),
      ...checkApprovedBadges(oracle, approvedSeen, byMarker),
    );

    // The users settle what waits for them: take the server's version, drop what was refused.
    // Syncing after that can raise new conflicts (another device's settled change lands on a
    // record this one still edits), which the users settle in turn, as they would.
    for (let settling = 0; settling < 4; settling++) {
      let settled = 0;
      for (const device of devices) {
        for (const conflict of await device.store.conflicts.list()) {
          await device.store.conflicts.resolve(conflict.id as number, 'server');
          counters.set('settled:conflict', (counters.get('settled:conflict') ?? 0) + 1);
          settled += 1;
        }
        for (const entry of await device.store.outbox.list({ status: ['failed'] })) {
          const still = await device.store.outbox.list({ status: ['failed'] });
          if (!still.some((e) => e.localId === entry.localId)) continue; // dropped with its parent
          const key = `settled:failed:${entry.lastError?.code ?? 'unknown'}`;
          counters.set(key, (counters.get(key) ?? 0) + 1);
          await device.store.outbox.discard(entry.localId as number);
          settled += 1;
        }
      }
      if (settling > 0 && settled === 0) break;
      for (let round = 0; round < 3; round++) await syncAll();
    }
    for (const [i, device] of devices.entries()) {
      const left = await device.store.outbox.list();
      if (left.length > 0) {
        violations.push(
          `device ${i} still has ${left.length} unsynced changes after settling: ${left
            .slice(0, 3)
            .map(
              (e) =>
                `${e.entityType} ${e.operation} ${e.status} ${JSON.stringify(e.lastError ?? e.serverResponse)}`,
            )
            .join(' | ')}`,
        );
      }
    }
    await options.beforeFinalChecks?.(devices);
    snapshot = await pullSnapshot(backend.url, admin.token);
    locals = await Promise.all(devices.map(readLocalState));
    // A pull shows only transactions older than every one still running on the PostgreSQL
    // server, other databases' included (docs/server.md, "Pull ordering"): under load the last
    // commits can take a moment to reach a device. Converging later is fine; never is not.
    for (
      const deadline = Date.now() + 15_000;
      checkConvergence(snapshot, locals).length > 0 && Date.now() < deadline;
    ) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      await syncAll();
      snapshot = await pullSnapshot(backend.url, admin.token);
      locals = await Promise.all(devices.map(readLocalState));
    }
    byMarker = indexByMarker(snapshot, tag);
    violations.push(
      ...checkNoDuplicates(byMarker),
      ...checkConvergence(snapshot, locals),
      ...checkNoTempIds(snapshot, locals),
      ...checkPoints(snapshot, fixture.pointsPerHonor),
      ...checkMedication(oracle, byMarker, locals, true),
      ...checkApprovedBadges(oracle, approvedSeen, byMarker),
    );
    if (violations.length > 0 && process.env.SIM_VERBOSE === '1') {
      for (const [i, device] of devices.entries()) await printDevice(i, device);
    }
  } finally {
    proxy.clear();
    for (const device of devices) await device.close().catch(() => undefined);
  }
  const faults = new Map<string, number>();
  for (const [kind, n] of proxy.injected) {
    const delta = n - (faultsBefore.get(kind) ?? 0);
    if (delta > 0) faults.set(kind, delta);
  }
  const other = new Map<string, number>();
  for (const [k, v] of counters) {
    if (k.startsWith('fault:')) faults.set(k.slice(6), v);
    else other.set(k, v);
  }
  const skews = scenario.devices.filter((d) => d.skewMinutes !== 0).length;
  if (skews > 0) faults.set('clock-skew-device', skews);
  return { steps: scenario.steps.length, operations: oracle.operations, faults, other, violations };
}

export { markerOf };
