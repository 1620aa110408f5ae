// Provisioning benchmark: how fast does a burst of SCIM creates reach both upstreams?
//
//   npx tsx bench/provision.ts [--users 1000,10000] [--workers 64] [--connections 48] [--latency 20] [--max-concurrency 64]
//                              [--timeout 300] [--cpu-prof DIR] [--db sqlite|postgresql]
//
// The AAC and Server simulators run in this process with a fixed latency on every upstream call (20 ms by default);
// the bridge runs as a child process (`node --import tsx src/main.ts`, test/e2e/support/child-bridge.ts) on a fresh
// SQLite file, pointed at the simulators, with no proactive rate limit. For each user count (and each value of
// --workers = BRIDGE_WORKERS_PER_TARGET) it POSTs that many users over a bounded number of keep-alive connections
// to 127.0.0.1, then waits until every user's mapping is `synced` on both targets. Reported: wall time to the last
// `synced`, SCIM response p50/p99, and upstream calls per user per target, as the simulators counted them
// (GET /__sim/requests/counts; token calls apart). Goals: AAC invite calls per
// user ≤ 0.1 during the burst; 10 000 users synced in under 60 s. Each run is aborted after --timeout seconds (300).
// Results: bench/results/provision-latest.json.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import http from 'node:http';
import { openDatabase } from '../src/store/database.js';
import { startSimulators } from '../src/simulators/index.js';
import { createTestDatabase } from '../test/support/databases.js';
import { PROJECT_ROOT, startChildBridge } from '../test/e2e/support/child-bridge.js';
import { simulatorEnv, TEST_TOKEN } from '../test/e2e/support/provisioned-app.js';

const { values } = parseArgs({
  options: {
    users: { type: 'string', default: '1000,10000' },
    workers: { type: 'string', default: '64' },
    connections: { type: 'string', default: '48' },
    latency: { type: 'string', default: '20' },
    'max-concurrency': { type: 'string', default: '64' },
    timeout: { type: 'string', default: '300' },
    /** sqlite (a temp file) or postgresql (a fresh database on TEST_POSTGRES_URL) */
    db: { type: 'string', default: 'sqlite' },
    /** write a V8 CPU profile of the bridge process into this folder (open in Chrome DevTools) */
    'cpu-prof': { type: 'string' },
  },
});
const list = (s: string) =>
  s
    .split(',')
    .map((v) => Number(v.trim()))
    .filter((n) => Number.isInteger(n) && n >= 0);
const userCounts = list(values.users);
const workerCounts = list(values.workers);
const connections = Number(values.connections);
const latencyMs = Number(values.latency);
const maxConcurrency = values['max-concurrency'];
const timeoutMs = Number(values.timeout) * 1000;

interface RunResult {
  users: number;
  workersPerTarget: number;
  connections: number;
  upstreamLatencyMs: number;
  database: string;
  status: 'ok' | 'aborted';
  created: number;
  non201: number;
  /** first POST sent → last POST answered */
  burstMs: number;
  /** first POST sent → every mapping synced on both targets */
  allSyncedMs: number;
  syncedUsersPerSec: number;
  scimP50Ms: number;
  scimP99Ms: number;
  scimMaxMs: number;
  aac: {
    callsPerUser: number;
    invitesPerUser: number;
    invitesPerUserDuringBurst: number;
    tokenCalls: number;
  };
  server: { callsPerUser: number; createsPerUser: number; tokenCalls: number };
  goals: { aacInvitesPerUserDuringBurst: boolean; tenThousandUnder60s: boolean | null };
}

const percentile = (sorted: number[], p: number) =>
  sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

/** One POST on a keep-alive connection of `agent` (at most --connections sockets); resolves to the status. */
function post(agent: http.Agent, url: URL, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      {
        method: 'POST',
        agent,
        timeout: 60_000,
        headers: {
          authorization: `Bearer ${TEST_TOKEN}`,
          'content-type': 'application/scim+json',
          'content-length': Buffer.byteLength(body),
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end(body);
  });
}

async function runOnce(users: number, workersPerTarget: number): Promise<RunResult> {
  const sims = await startSimulators({ aacPort: 0, serverPort: 0 });
  sims.aac.control.setLatency({ fixedMs: latencyMs });
  sims.server.control.setLatency({ fixedMs: latencyMs });
  const database = await createTestDatabase(values.db === 'postgresql' ? 'postgresql' : 'sqlite');
  const databaseUrl = database.url;
  const bridge = await startChildBridge(
    {
      ...simulatorEnv(sims),
      AAC_MAX_CONCURRENCY: maxConcurrency,
      SERVER_MAX_CONCURRENCY: maxConcurrency,
      BRIDGE_WORKERS_PER_TARGET: String(workersPerTarget),
      DATABASE_URL: databaseUrl,
      SCIM_TOKEN: TEST_TOKEN,
      LOG_LEVEL: 'error',
      NODE_ENV: 'production',
      // BENCH_AAC_BATCH_WINDOW_MS tries a wider AAC micro-batch window (the bridge's AAC_BATCH_WINDOW_MS, default 10).
      ...(process.env.BENCH_AAC_BATCH_WINDOW_MS
        ? { AAC_BATCH_WINDOW_MS: process.env.BENCH_AAC_BATCH_WINDOW_MS }
        : {}),
      ...(process.env.BENCH_AAC_BATCH_BUSY_WINDOW_MS
        ? { AAC_BATCH_BUSY_WINDOW_MS: process.env.BENCH_AAC_BATCH_BUSY_WINDOW_MS }
        : {}),
    },
    values['cpu-prof']
      ? { nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${path.resolve(values['cpu-prof'])}`] }
      : {},
  );
  const handle = openDatabase(databaseUrl);
  /**
   * Upstream calls as the simulators counted them (by method and route pattern, exact since the start of the run;
   * a micro-batched AAC invite is one call whatever the number of users it carries). Token calls are counted apart.
   */
  const tally = (counts: Record<string, number>, match: (key: string) => boolean) =>
    Object.entries(counts).reduce((sum, [key, n]) => sum + (match(key) ? n : 0), 0);
  const isToken = (key: string) => /\/(as|oauth2)\/token$/.test(key);
  const isInvite = (key: string) => key.startsWith('POST ') && key.endsWith('/people/batch');
  const isServerCreate = (key: string) => /^POST \S*\/v3\/users\/?$/.test(key);
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  const target = new URL(`${bridge.baseUrl}/scim/v2/Users`);
  const startedAt = Date.now();
  const abortAt = startedAt + timeoutMs;
  const latencies: number[] = [];
  let next = 0;
  let created = 0;
  let non201 = 0;
  let aborted = false;
  try {
    const connection = async () => {
      while (next < users && Date.now() < abortAt) {
        const i = next++;
        const email = `bench.${String(i).padStart(6, '0')}@example.com`;
        const t0 = performance.now();
        try {
          const status = await post(
            agent,
            target,
            JSON.stringify({
              schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
              userName: email,
              name: { givenName: 'Bench', familyName: `User${i}` },
              emails: [{ primary: true, type: 'work', value: email }],
              active: true,
            }),
          );
          if (status === 201) created++;
          else non201++;
        } catch {
          non201++;
        }
        latencies.push(performance.now() - t0);
      }
    };
    await Promise.all(Array.from({ length: connections }, connection));
    const burstMs = Date.now() - startedAt;
    // the time limit stopped the burst before every user was sent
    if (next < users) aborted = true;
    const invitesAtBurstEnd = tally(sims.aac.control.requestCounts(), isInvite);
    let allSyncedMs = Number.NaN;
    for (;;) {
      const synced = await handle.db.idMapping.count({ where: { resourceType: 'User', state: 'synced' } });
      if (synced >= 2 * created) {
        allSyncedMs = Date.now() - startedAt;
        break;
      }
      if (Date.now() > abortAt) {
        aborted = true;
        break;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    const aacCounts = sims.aac.control.requestCounts();
    const serverCounts = sims.server.control.requestCounts();
    const aacCalls = tally(aacCounts, (key) => !isToken(key));
    const aacInvites = tally(aacCounts, isInvite);
    const aacTokens = tally(aacCounts, isToken);
    const serverCalls = tally(serverCounts, (key) => !isToken(key));
    const serverCreates = tally(serverCounts, isServerCreate);
    const serverTokens = tally(serverCounts, isToken);
    const sorted = [...latencies].sort((a, b) => a - b);
    const per = (n: number) => Math.round((n / Math.max(created, 1)) * 1000) / 1000;
    return {
      users,
      workersPerTarget,
      connections,
      upstreamLatencyMs: latencyMs,
      database: values.db ?? 'sqlite',
      status: aborted ? 'aborted' : 'ok',
      created,
      non201,
      burstMs,
      allSyncedMs,
      syncedUsersPerSec: Math.round((created / Math.max(allSyncedMs, 1)) * 1000),
      scimP50Ms: Math.round(percentile(sorted, 50)),
      scimP99Ms: Math.round(percentile(sorted, 99)),
      scimMaxMs: Math.round(sorted.at(-1) ?? 0),
      aac: {
        callsPerUser: per(aacCalls),
        invitesPerUser: per(aacInvites),
        invitesPerUserDuringBurst: per(invitesAtBurstEnd),
        tokenCalls: aacTokens,
      },
      server: {
        callsPerUser: per(serverCalls),
        createsPerUser: per(serverCreates),
        tokenCalls: serverTokens,
      },
      goals: {
        aacInvitesPerUserDuringBurst: per(invitesAtBurstEnd) <= 0.1,
        tenThousandUnder60s: users >= 10_000 ? !aborted && allSyncedMs < 60_000 : null,
      },
    };
  } finally {
    agent.destroy();
    await handle.close();
    await bridge.stop();
    await sims.close();
    await database.drop();
  }
}

const results: RunResult[] = [];
for (const workers of workerCounts) {
  for (const users of userCounts) {
    process.stdout.write(
      `users=${users} workers/target=${workers} connections=${connections} latency=${latencyMs}ms … `,
    );
    const r = await runOnce(users, workers);
    results.push(r);
    process.stdout.write(`${r.status}, all synced after ${r.allSyncedMs} ms\n`);
  }
}

console.table(
  results.map((r) => ({
    users: r.users,
    'workers/target': r.workersPerTarget,
    status: r.status,
    '201': r.created,
    'burst s': (r.burstMs / 1000).toFixed(1),
    'all synced s': (r.allSyncedMs / 1000).toFixed(1),
    'users/s': r.syncedUsersPerSec,
    'p50 ms': r.scimP50Ms,
    'p99 ms': r.scimP99Ms,
    'AAC calls/user': r.aac.callsPerUser,
    'AAC invites/user (burst)': r.aac.invitesPerUserDuringBurst,
    'AAC invites/user': r.aac.invitesPerUser,
    'Server calls/user': r.server.callsPerUser,
  })),
);
for (const r of results) {
  const g = r.goals;
  console.log(
    `${r.users} users, ${r.workersPerTarget} workers: AAC invites/user during burst ≤ 0.1: ${g.aacInvitesPerUserDuringBurst ? 'met' : 'MISSED'}` +
      (g.tenThousandUnder60s === null
        ? ''
        : `; 10 000 users synced < 60 s: ${g.tenThousandUnder60s ? 'met' : 'MISSED'}`),
  );
}
const out = path.join(PROJECT_ROOT, 'bench', 'results', 'provision-latest.json');
fs.mkdirSync(path.dirname(out), { recursive: true });
fs.writeFileSync(
  out,
  JSON.stringify(
    {
      at: new Date().toISOString(),
      node: process.version,
      cpus: os.cpus().length,
      loadavg: os.loadavg(),
      results,
    },
    null,
    2,
  ) + '\n',
);
console.log(`written ${path.relative(process.cwd(), out)}`);
