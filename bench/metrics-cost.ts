// The cost of the HTTP metrics middleware on GET /scim/v2/Users/{id} throughput (issue 11: goal < 5 %).
//   npx tsx bench/metrics-cost.ts          (builds first; BENCH_SKIP_BUILD=1 reuses dist/)
// One SQLite database seeded once; then rounds that each run the bridge with metrics on (BRIDGE_METRICS=on, the
// default) and off (BRIDGE_METRICS=off: no middleware, no /metrics), alternating which goes first, with a warm-up and
// a timed autocannon run each. Same machine, same data, same run: the ratio of the medians is the figure. Prints the
// load average; writes bench/results/metrics-cost-latest.json. A measurement: it always exits 0.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RequestParams } from 'autocannon';
import { runLoad, type LoadSummary } from './lib/load.js';
import { startBridge } from './lib/processes.js';
import { seedUsers } from './lib/seed.js';

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const num = (name: string, fallback: number) => {
  const value = Number(process.env[name]);
  return Number.isFinite(value) && value > 0 ? value : fallback;
};
const config = {
  users: num('BENCH_USERS', 2_000),
  rounds: num('BENCH_ROUNDS', 3),
  durationS: num('BENCH_DURATION', 5),
  connections: num('BENCH_CONNECTIONS', 10),
};
const log = (line: string) => console.log(`[metrics-cost ${new Date().toISOString().slice(11, 19)}] ${line}`);
const loadavg = () => os.loadavg().map((l) => Math.round(l * 100) / 100);
const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

async function measure(databaseFile: string, metrics: 'on' | 'off', ids: string[]): Promise<LoadSummary> {
  const bridge = await startBridge(projectRoot, 'warn', '0', {
    env: { BRIDGE_METRICS: metrics },
    databaseFile,
  });
  try {
    const byId = {
      method: 'GET' as const,
      setupRequest: (req: RequestParams) => ({
        ...req,
        method: 'GET',
        path: `/scim/v2/Users/${ids[Math.floor(Math.random() * ids.length)]}`,
      }),
    };
    const common = {
      url: `${bridge.baseUrl}/scim/v2`,
      headers: { authorization: `Bearer ${bridge.token}` },
      connections: config.connections,
      requests: [byId],
    };
    await runLoad({ ...common, duration: 1 }); // warm-up (JIT, caches)
    const result = await runLoad({ ...common, duration: config.durationS });
    const probe = await fetch(`${bridge.baseUrl}/metrics`);
    if ((probe.status === 200) !== (metrics === 'on'))
      throw new Error(`/metrics answered ${probe.status} with metrics ${metrics}`);
    return result;
  } finally {
    await bridge.stop();
  }
}

async function main(): Promise<void> {
  if (process.env.BENCH_SKIP_BUILD !== '1') {
    log('npm run build');
    execFileSync('npm', ['run', 'build'], { cwd: projectRoot, stdio: ['ignore', 'ignore', 'inherit'] });
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scim-metrics-cost-'));
  const databaseFile = path.join(dir, 'bench.db');
  const startLoad = loadavg();
  const runs: Array<{ round: number; metrics: 'on' | 'off'; summary: LoadSummary; loadavg: number[] }> = [];
  try {
    const seeder = await startBridge(projectRoot, 'warn', '0', { databaseFile });
    const seeded = await seedUsers({
      scimBase: `${seeder.baseUrl}/scim/v2`,
      token: seeder.token,
      count: config.users,
      prefix: 'cost-',
      concurrency: 16,
      budgetMs: 120_000,
    });
    await seeder.stop();
    log(`seeded ${seeded.ids.length} users (${seeded.perSecond}/s); load average ${startLoad.join(' / ')}`);
    for (let round = 1; round <= config.rounds; round++) {
      const order: Array<'on' | 'off'> = round % 2 ? ['on', 'off'] : ['off', 'on'];
      for (const metrics of order) {
        const summary = await measure(databaseFile, metrics, seeded.ids);
        runs.push({ round, metrics, summary, loadavg: loadavg() });
        log(
          `round ${round} metrics ${metrics}: ${summary.reqPerSec} req/s, p99 ${summary.p99Ms} ms, ${summary.non2xx} non-2xx`,
        );
      }
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const on = median(runs.filter((r) => r.metrics === 'on').map((r) => r.summary.reqPerSec));
  const off = median(runs.filter((r) => r.metrics === 'off').map((r) => r.summary.reqPerSec));
  const cost = off > 0 ? (1 - on / off) * 100 : NaN;
  const endLoad = loadavg();
  console.log(
    `\nGET /Users/{id}, ${config.connections} connections, ${config.durationS} s × ${config.rounds} rounds each:` +
      `\n  metrics off: median ${off} req/s\n  metrics on:  median ${on} req/s` +
      `\n  cost of the metrics middleware: ${cost.toFixed(1)} % (goal < 5 %)` +
      `\n  load average (1/5/15 min) at start ${startLoad.join(' / ')}, at end ${endLoad.join(' / ')} on ${os.cpus().length} CPUs`,
  );
  const out = path.join(projectRoot, 'bench', 'results', 'metrics-cost-latest.json');
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(
    out,
    JSON.stringify(
      {
        startedAt: new Date().toISOString(),
        config,
        startLoad,
        endLoad,
        medians: { on, off },
        costPercent: cost,
        runs,
      },
      null,
      2,
    ) + '\n',
  );
}

main()
  .catch((err: unknown) => console.error(err))
  .finally(() => process.exit(0));
