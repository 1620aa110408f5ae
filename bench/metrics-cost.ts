// The cost of the HTTP metrics middleware on GET /scim/v2/Users/{id} (issue 11: goal < 5 %), on its own:
//   npx tsx bench/metrics-cost.ts          (builds first; BENCH_SKIP_BUILD=1 reuses dist/)
// Seeds one SQLite database, then alternates the bridge with metrics on and off (bench/lib/metrics-cost.ts). Prints
// throughput and CPU per request for both, the load average, and writes bench/results/metrics-cost-latest.json.
// bench/scim.ts runs the same comparison as its phase (g). A measurement: it always exits 0.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeCost, measureMetricsCost } from './lib/metrics-cost.js';
import { startBridge } from './lib/processes.js';
import { seedUsers } from './lib/seed.js';

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const num = (name: string, fallback: number) => {
  const value = Number(process.env[name]);
  return Number.isFinite(value) && value > 0 ? value : fallback;
};
const config = {
  users: num('BENCH_USERS', 2_000),
  pairs: num('BENCH_PAIRS', 8),
  durationS: num('BENCH_DURATION', 3),
  connections: num('BENCH_CONNECTIONS', 10),
};
const log = (line: string) => console.log(`[metrics-cost ${new Date().toISOString().slice(11, 19)}] ${line}`);
const loadavg = () => os.loadavg().map((l) => Math.round(l * 100) / 100);

async function main(): Promise<void> {
  if (process.env.BENCH_SKIP_BUILD !== '1') {
    log('npm run build');
    execFileSync('npm', ['run', 'build'], { cwd: projectRoot, stdio: ['ignore', 'ignore', 'inherit'] });
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scim-metrics-cost-'));
  const databaseFile = path.join(dir, 'bench.db');
  const startLoad = loadavg();
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
    log(`seeded ${seeded.ids.length} users; load average ${startLoad.join(' / ')}`);
    const cost = await measureMetricsCost({ projectRoot, databaseFile, ids: seeded.ids, ...config, log });
    const endLoad = loadavg();
    console.log(
      `\nGET /Users/{id}, ${config.connections} connections, ${config.durationS} s per run, ${config.pairs} pairs:\n` +
        describeCost(cost) +
        `\n  load average (1/5/15 min) at start ${startLoad.join(' / ')}, at end ${endLoad.join(' / ')} on ${os.cpus().length} CPUs`,
    );
    const out = path.join(projectRoot, 'bench', 'results', 'metrics-cost-latest.json');
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(
      out,
      JSON.stringify({ startedAt: new Date().toISOString(), config, startLoad, endLoad, ...cost }, null, 2) +
        '\n',
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main()
  .catch((err: unknown) => console.error(err))
  .finally(() => process.exit(0));
