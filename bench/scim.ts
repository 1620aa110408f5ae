// SCIM throughput and latency benchmark of the bridge, next to a bare Express 5 baseline.
//   npx tsx bench/scim.ts          (builds first; BENCH_SKIP_BUILD=1 reuses dist/)
// One bounded run on 127.0.0.1 (about 2–3 minutes); prints a table with the goals and writes
// bench/results/scim-latest.json. It is a measurement: it exits 0 whatever the figures are (see bench/README.md).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RequestParams } from 'autocannon';
import { describeCost, measureMetricsCost, type MetricsCost } from './lib/metrics-cost.js';
import { runPaced } from './lib/paced.js';
import { runLoad, type LoadSummary } from './lib/load.js';
import { startBareExpress, startBridge, type BridgeServer, type RunningServer } from './lib/processes.js';
import { ScimClient, idFromBody, userBody } from './lib/scim-client.js';
import { seedUsers, type SeedResult } from './lib/seed.js';

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function envNumber(name: string, fallback: number): number {
  const raw = process.env[name];
  const value = raw === undefined ? NaN : Number(raw);
  return Number.isFinite(value) && value > 0 ? value : fallback;
}

const config = {
  durationS: envNumber('BENCH_DURATION', 5),
  connections: envNumber('BENCH_CONNECTIONS', 10),
  users: envNumber('BENCH_USERS', 10_000),
  groupMembers: envNumber('BENCH_GROUP_MEMBERS', 20_000),
  memberChunk: envNumber('BENCH_MEMBER_CHUNK', 1_000),
  repetitions: envNumber('BENCH_REPETITIONS', 20),
  fixedRate: envNumber('BENCH_FIXED_RATE', 200),
  seedConcurrency: envNumber('BENCH_SEED_CONCURRENCY', 16),
  seedBudgetS: envNumber('BENCH_SEED_BUDGET', 60),
  costPairs: envNumber('BENCH_COST_PAIRS', 6),
};

// The goals the figures are judged against (task brief; docs/reference/notes.md "Throughput measured here").
const GOALS = { readRatio: 0.3, fixedRateP99Ms: 15, memberChangeMs: 20 };

const random = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)] as T;
const log = (line: string) => console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}`);

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  if (sorted.length === 0) return NaN;
  return sorted.length % 2 ? (sorted[mid] ?? NaN) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

interface TimedSeries {
  medianMs: number;
  maxMs: number;
  samplesMs: number[];
}
function series(samples: number[]): TimedSeries {
  const rounded = samples.map((s) => Math.round(s * 10) / 10);
  return { medianMs: median(rounded), maxMs: Math.max(...rounded), samplesMs: rounded };
}

interface Report {
  startedAt: string;
  machine: { cpus: number; cpuModel: string; node: string; platform: string; loadAverageAtStart: number[] };
  config: typeof config;
  goals: typeof GOALS;
  baseline?: LoadSummary;
  /** the bare Express baseline measured right before each read phase (the ratio uses it) */
  baselineBeside?: { getById?: LoadSummary; filterUserName?: LoadSummary };
  seeding?: Omit<SeedResult, 'ids' | 'userNames'>;
  getById?: LoadSummary;
  filterUserName?: LoadSummary;
  createUser?: LoadSummary;
  fixedRate?: { getById: LoadSummary; filterUserName: LoadSummary };
  group?: {
    members: number;
    buildSeconds: number;
    chunkMs: TimedSeries;
    patchResponseBytes: { add: number; remove: number };
    addOne: TimedSeries;
    removeOne: TimedSeries;
  };
  /** (g) GET /Users/{id} with the metrics middleware on and off, on the seeded database */
  metricsCost?: MetricsCost;
  problems: string[];
}

const report: Report = {
  startedAt: new Date().toISOString(),
  machine: {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
    // Other processes on the machine skew every figure; the 1/5/15-minute load averages say how busy it was.
    loadAverageAtStart: os.loadavg().map((l) => Math.round(l * 100) / 100),
  },
  config,
  goals: GOALS,
  problems: [],
};

/**
 * The bare Express reference, measured at the start and again right before each read phase: its req/s swings by
 * ±25 % between runs on this shared machine (5 200–8 600 seen), so each read is compared with the baseline measured
 * next to it. The server stays up, idle, in between.
 */
async function measureBaseline(bare: RunningServer): Promise<LoadSummary> {
  const url = `${bare.baseUrl}/json`;
  await runLoad({ url, connections: config.connections, duration: 1 }); // warm-up (JIT)
  return runLoad({ url, connections: config.connections, duration: config.durationS });
}

/** (b) GET /Users/{id}, (c) filter userName eq, (d) POST /Users, (e) the reads at a fixed rate. */
async function measureUserEndpoints(
  bridge: BridgeServer,
  bare: RunningServer | undefined,
  ids: string[],
  userNames: string[],
): Promise<string[]> {
  const besideBaseline = async (phase: 'getById' | 'filterUserName') => {
    if (!bare) return;
    report.baselineBeside ??= {};
    report.baselineBeside[phase] = await measureBaseline(bare);
  };
  const scimBase = `${bridge.baseUrl}/scim/v2`;
  const headers = { authorization: `Bearer ${bridge.token}`, 'content-type': 'application/scim+json' };
  const common = { url: scimBase, headers, connections: config.connections };
  // setupRequest must return the whole request (headers included): autocannon sends exactly what it returns.
  const byId = {
    method: 'GET',
    setupRequest: (req: RequestParams) => ({ ...req, method: 'GET', path: `/scim/v2/Users/${random(ids)}` }),
  };
  const byName = {
    method: 'GET',
    setupRequest: (req: RequestParams) => ({
      ...req,
      method: 'GET',
      path: `/scim/v2/Users?filter=${encodeURIComponent(`userName eq "${random(userNames)}"`)}`,
    }),
  };

  await besideBaseline('getById');
  await runLoad({ ...common, duration: 1, requests: [byId] }); // warm-up
  report.getById = await runLoad({ ...common, duration: config.durationS, requests: [byId] });
  log(`GET /Users/{id}: ${report.getById.reqPerSec} req/s, p99 ${report.getById.p99Ms} ms`);

  await besideBaseline('filterUserName');
  await runLoad({ ...common, duration: 1, requests: [byName] }); // warm-up
  report.filterUserName = await runLoad({ ...common, duration: config.durationS, requests: [byName] });
  log(
    `GET /Users?filter=userName eq: ${report.filterUserName.reqPerSec} req/s, p99 ${report.filterUserName.p99Ms} ms`,
  );

  const created: string[] = [];
  let counter = 0;
  const runTag = Date.now().toString(36);
  report.createUser = await runLoad({
    ...common,
    duration: config.durationS,
    requests: [
      {
        method: 'POST',
        setupRequest: (req: RequestParams) => ({
          ...req,
          method: 'POST',
          path: '/scim/v2/Users',
          headers: { ...headers }, // a fresh object per request: autocannon adds Content-Length to it
          body: userBody(`post-${runTag}-${counter++}@bench.example.com`),
        }),
        onResponse: (status, body) => {
          const id = status === 201 ? idFromBody(body) : undefined;
          if (id) created.push(id);
        },
      },
    ],
  });
  log(`POST /Users: ${report.createUser.reqPerSec} req/s, p99 ${report.createUser.p99Ms} ms`);

  // An evenly paced open-loop load (bench/lib/paced.ts): autocannon's overallRate sends each second's requests as
  // one burst. Like every other phase, each fixed-rate phase gets a 1 s warm-up at its own load: right after the
  // POST burst, the bridge is still checkpointing SQLite's WAL and collecting the garbage of 1 000+ writes.
  const paced = (nextPath: () => string, durationS: number) =>
    runPaced({ baseUrl: bridge.baseUrl, rate: config.fixedRate, durationS, headers, nextPath });
  const idPath = () => `/scim/v2/Users/${random(ids)}`;
  const namePath = () => `/scim/v2/Users?filter=${encodeURIComponent(`userName eq "${random(userNames)}"`)}`;
  await paced(idPath, 1);
  const getById = await paced(idPath, config.durationS);
  await paced(namePath, 1);
  report.fixedRate = { getById, filterUserName: await paced(namePath, config.durationS) };
  log(
    `at ${config.fixedRate} req/s: GET by id p99 ${report.fixedRate.getById.p99Ms} ms, ` +
      `filter p99 ${report.fixedRate.filterUserName.p99Ms} ms`,
  );
  return created;
}

/** (f) One group with `groupMembers` members, then add and remove ONE member, timed. */
async function measureLargeGroup(bridge: BridgeServer, knownIds: string[]): Promise<void> {
  const scimBase = `${bridge.baseUrl}/scim/v2`;
  const client = new ScimClient(scimBase, bridge.token);
  const started = performance.now();
  const ids = [...knownIds];
  // One more user than members: the spare one is added and removed in the timed part.
  if (ids.length < config.groupMembers + 1) {
    const more = await seedUsers({
      scimBase,
      token: bridge.token,
      count: config.groupMembers + 1 - ids.length,
      prefix: 'member-',
      concurrency: config.seedConcurrency,
      budgetMs: config.seedBudgetS * 1000,
    });
    log(`created ${more.ids.length} more users for the group (${more.perSecond}/s)`);
    if (more.failures)
      report.problems.push(`group users: ${more.failures} failures, first: ${more.firstFailure}`);
    ids.push(...more.ids);
  }
  const spare = ids.pop();
  if (spare === undefined) throw new Error('no users to build a group from');
  const members = ids.slice(0, config.groupMembers);
  if (members.length < config.groupMembers) {
    report.problems.push(
      `group built with ${members.length} members instead of ${config.groupMembers} (seeding budget)`,
    );
  }

  const groupId = await client.createGroup(`bench-group-${Date.now().toString(36)}`);
  const chunkTimes: number[] = [];
  for (let i = 0; i < members.length; i += config.memberChunk) {
    const t0 = performance.now();
    await client.addMembers(groupId, members.slice(i, i + config.memberChunk));
    chunkTimes.push(performance.now() - t0);
  }
  const buildSeconds = (performance.now() - started) / 1000;
  log(`group with ${members.length} members built in ${buildSeconds.toFixed(1)} s`);

  const addTimes: number[] = [];
  const removeTimes: number[] = [];
  const patchResponseBytes = { add: 0, remove: 0 };
  for (let i = 0; i < config.repetitions; i++) {
    const a0 = performance.now();
    const added = await client.send(
      'PATCH',
      `/Groups/${groupId}`,
      {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
        Operations: [{ op: 'add', path: 'members', value: [{ value: spare }] }],
      },
      [200, 204],
    );
    addTimes.push(performance.now() - a0);
    const r0 = performance.now();
    const removed = await client.send(
      'PATCH',
      `/Groups/${groupId}`,
      {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
        Operations: [{ op: 'remove', path: `members[value eq "${spare}"]` }],
      },
      [200, 204],
    );
    removeTimes.push(performance.now() - r0);
    patchResponseBytes.add = Buffer.byteLength(added);
    patchResponseBytes.remove = Buffer.byteLength(removed);
  }
  report.group = {
    members: members.length,
    buildSeconds: Math.round(buildSeconds * 10) / 10,
    chunkMs: series(chunkTimes),
    patchResponseBytes,
    addOne: series(addTimes),
    removeOne: series(removeTimes),
  };
  log(
    `add one member: median ${report.group.addOne.medianMs} ms; remove: median ${report.group.removeOne.medianMs} ms`,
  );
}

async function measureBridge(bare: RunningServer | undefined): Promise<void> {
  if (process.env.BENCH_SKIP_BUILD !== '1') {
    log('npm run build');
    execFileSync('npm', ['run', 'build'], { cwd: projectRoot, stdio: ['ignore', 'ignore', 'inherit'] });
  }
  // The database outlives this bridge: phase (g) runs new bridges on it.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scim-bench-'));
  const databaseFile = path.join(dir, 'bench.db');
  const bridge = await startBridge(
    projectRoot,
    process.env.BENCH_LOG_LEVEL ?? 'warn',
    process.env.BENCH_UPSTREAM_RPS ?? '0',
    { databaseFile },
  );
  let seededIds: string[] = [];
  try {
    log(`bridge up at ${bridge.baseUrl}; seeding ${config.users} users`);
    const seeded = await seedUsers({
      scimBase: `${bridge.baseUrl}/scim/v2`,
      token: bridge.token,
      count: config.users,
      prefix: 'user-',
      concurrency: config.seedConcurrency,
      budgetMs: config.seedBudgetS * 1000,
    });
    const { ids, userNames, ...seeding } = seeded;
    seededIds = ids;
    report.seeding = seeding;
    log(
      `seeded ${ids.length} users in ${seeded.seconds.toFixed(1)} s (${seeded.perSecond}/s, ${seeded.failures} failures)`,
    );
    if (seeded.timedOut)
      report.problems.push(
        `seeding stopped by its ${config.seedBudgetS} s budget at ${ids.length} users: too slow`,
      );
    if (seeded.firstFailure) report.problems.push(`seeding failure: ${seeded.firstFailure}`);
    if (ids.length === 0)
      throw new Error('no user could be created; the bridge log follows\n' + bridge.logTail());

    const created = await measureUserEndpoints(bridge, bare, ids, userNames);
    await measureLargeGroup(bridge, [...ids, ...created]);
  } catch (err) {
    report.problems.push(err instanceof Error ? err.message : String(err));
    console.error(bridge.logTail());
  } finally {
    await bridge.stop();
  }
  try {
    if (seededIds.length > 0) {
      log('(g) GET /Users/{id} with the metrics middleware on and off');
      report.metricsCost = await measureMetricsCost({
        projectRoot,
        databaseFile,
        ids: seededIds,
        pairs: config.costPairs,
        durationS: config.durationS,
        connections: config.connections,
        log,
      });
    }
  } catch (err) {
    report.problems.push(`metrics cost: ${err instanceof Error ? err.message : String(err)}`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

// ── Output ───────────────────────────────────────────────────────────────────────────────────────────────────────
const mark = (ok: boolean) => (ok ? 'ok  ' : 'MISS');

function printTable(): void {
  const base = report.baseline?.reqPerSec;
  const rows: string[][] = [['measurement', 'req/s', 'p99 ms', 'vs bare', 'goal']];
  const loadRow = (name: string, s: LoadSummary | undefined, goalRatio?: number, beside?: LoadSummary) => {
    if (!s) return void rows.push([name, '—', '—', '—', 'not measured']);
    const reference = beside?.reqPerSec ?? base;
    const ratio = reference ? s.reqPerSec / reference : NaN;
    const goal = goalRatio === undefined ? '' : `${mark(ratio >= goalRatio)} ≥ ${goalRatio}× bare Express`;
    const failed = s.non2xx + s.errors ? `  (${s.non2xx} non-2xx, ${s.errors} errors)` : '';
    rows.push([
      name,
      String(s.reqPerSec),
      String(s.p99Ms),
      reference ? `${ratio.toFixed(2)}×` : '—',
      goal + failed + (beside ? `  (bare Express beside it: ${beside.reqPerSec} req/s)` : ''),
    ]);
  };
  loadRow('bare Express 5 JSON route', report.baseline);
  loadRow('GET /Users/{id}', report.getById, GOALS.readRatio, report.baselineBeside?.getById);
  loadRow(
    'GET /Users?filter=userName eq',
    report.filterUserName,
    GOALS.readRatio,
    report.baselineBeside?.filterUserName,
  );
  loadRow('POST /Users', report.createUser);
  const fixedRow = (name: string, s: LoadSummary | undefined) => {
    if (!s) return void rows.push([name, '—', '—', '', 'not measured']);
    rows.push([
      name,
      String(s.reqPerSec),
      String(s.p99Ms),
      '',
      `${mark(s.p99Ms < GOALS.fixedRateP99Ms)} p99 < ${GOALS.fixedRateP99Ms} ms`,
    ]);
  };
  fixedRow(`GET /Users/{id} at ${config.fixedRate} req/s`, report.fixedRate?.getById);
  fixedRow(`filter userName eq at ${config.fixedRate} req/s`, report.fixedRate?.filterUserName);
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  console.log('');
  for (const row of rows) console.log(row.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  '));

  if (report.seeding) {
    const s = report.seeding;
    console.log(
      `\nseeding: ${config.users} users requested, ${Math.round(s.perSecond * s.seconds)} created in ${s.seconds.toFixed(1)} s (${s.perSecond}/s)`,
    );
  }
  const g = report.group;
  if (g) {
    const judge = (t: TimedSeries) =>
      `median ${t.medianMs} ms ${mark(t.medianMs < GOALS.memberChangeMs)}, max ${t.maxMs} ms ${mark(t.maxMs < GOALS.memberChangeMs)} (goal < ${GOALS.memberChangeMs} ms)`;
    console.log(
      `group of ${g.members} members built in ${g.buildSeconds} s (PATCH of ${config.memberChunk}: median ${g.chunkMs.medianMs} ms, max ${g.chunkMs.maxMs} ms)`,
    );
    console.log(
      `  add ONE member    (${config.repetitions}×): ${judge(g.addOne)}; response ${g.patchResponseBytes.add} bytes`,
    );
    console.log(
      `  remove ONE member (${config.repetitions}×): ${judge(g.removeOne)}; response ${g.patchResponseBytes.remove} bytes`,
    );
  } else {
    console.log('large group: not measured');
  }
  if (report.metricsCost) {
    console.log(`(g) GET /Users/{id}, metrics middleware on vs off (${config.costPairs} alternating pairs):`);
    console.log(describeCost(report.metricsCost));
  }
  const [load1 = 0] = report.machine.loadAverageAtStart;
  if (load1 > report.machine.cpus) {
    console.log(
      `\nnote: the machine was busy (1-minute load ${load1} on ${report.machine.cpus} CPUs): every figure is pessimistic`,
    );
  }
  if (report.problems.length)
    console.log('\nproblems:\n' + report.problems.map((p) => '  - ' + p).join('\n'));
}

async function main(): Promise<void> {
  const t0 = performance.now();
  log(`config ${JSON.stringify(config)}`);
  let bare: RunningServer | undefined;
  try {
    bare = await startBareExpress(projectRoot);
    report.baseline = await measureBaseline(bare);
    log(`bare Express: ${report.baseline.reqPerSec} req/s, p99 ${report.baseline.p99Ms} ms`);
  } catch (err) {
    report.problems.push(`baseline: ${err instanceof Error ? err.message : String(err)}`);
  }
  try {
    await measureBridge(bare);
  } catch (err) {
    report.problems.push(`bridge: ${err instanceof Error ? err.message : String(err)}`);
  } finally {
    await bare?.stop();
  }
  printTable();
  const out = path.join(projectRoot, 'bench', 'results', 'scim-latest.json');
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(
    out,
    JSON.stringify({ ...report, totalSeconds: Math.round((performance.now() - t0) / 100) / 10 }, null, 2) +
      '\n',
  );
  log(
    `wrote ${path.relative(projectRoot, out)} (${((performance.now() - t0) / 1000).toFixed(0)} s in total)`,
  );
}

// A measurement, not a test: always exit 0 (problems are printed and recorded in the JSON summary).
main()
  .catch((err: unknown) => console.error(err))
  .finally(() => process.exit(0));
