// What the HTTP metrics middleware costs per request, read from a CPU profile rather than from throughput: on a
// machine shared with other work, req/s swings by tens of percent between runs (bench/metrics-cost.ts), while the
// CPU time spent inside the middleware's own functions is what it is.
//   npx tsx bench/metrics-profile.ts        (uses dist/: run `npm run build` first)
// Starts the bridge (`node --cpu-prof dist/main.js`, BRIDGE_METRICS=on) on a seeded SQLite file, sends
// BENCH_REQUESTS GET /Users/{id}, stops it, and sums the profile: the process's busy time, and the time inside
// dist/http/metrics.js (the middleware and its `finish` callback, which calls into prom-client). Always exits 0.
import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { freePort, waitForHttp } from './lib/processes.js';
import { seedUsers } from './lib/seed.js';

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const requests = Number(process.env.BENCH_REQUESTS) || 16_000;
const token = crypto.randomBytes(24).toString('hex');

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

async function startBridge(
  databaseFile: string,
  profileDir?: string,
): Promise<{ child: ChildProcess; base: string }> {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [
      ...(profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []),
      path.join(projectRoot, 'dist', 'main.js'),
    ],
    {
      env: {
        PATH: process.env.PATH ?? '',
        HOST: '127.0.0.1',
        PORT: String(port),
        DATABASE_URL: `file:${databaseFile}`,
        SCIM_TOKEN: token,
        BRIDGE_PROVISIONING: 'off',
        LOG_LEVEL: 'warn',
        NODE_ENV: 'production',
      },
      stdio: 'ignore',
    },
  );
  const base = `http://127.0.0.1:${port}`;
  await waitForHttp(`${base}/healthz`, child, 60_000);
  return { child, base };
}

async function stop(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGINT');
  await exited;
}

/**
 * Busy time (all but idle) and the time spent in the functions of `file` and what they call, in microseconds. The
 * middleware calls `next()`, so everything the rest of the app does runs below its frame: a sample counts only when
 * no Express router frame lies between the deepest `file` frame and the sampled function.
 */
function attribute(profile: Profile, file: string): { busy: number; inside: number } {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const isInside = (leaf: number): boolean => {
    for (let x: number | undefined = leaf; x !== undefined; x = parent.get(x)) {
      const url = byId.get(x)?.callFrame.url ?? '';
      if (url.endsWith(file)) return true;
      if (/\/(router|express)\//.test(url)) return false;
    }
    return false;
  };
  let busy = 0;
  let inside = 0;
  profile.samples.forEach((sample, i) => {
    const delta = profile.timeDeltas[i] ?? 0;
    if (byId.get(sample)?.callFrame.functionName === '(idle)') return;
    busy += delta;
    if (isInside(sample)) inside += delta;
  });
  return { busy, inside };
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scim-metrics-profile-'));
  const databaseFile = path.join(dir, 'bench.db');
  const profileDir = path.join(dir, 'profile');
  const loadStart = os.loadavg().map((l) => Math.round(l * 100) / 100);
  try {
    const seeder = await startBridge(databaseFile);
    const seeded = await seedUsers({
      scimBase: `${seeder.base}/scim/v2`,
      token,
      count: 1_000,
      prefix: 'profile-',
      concurrency: 16,
      budgetMs: 120_000,
    });
    await stop(seeder.child);
    const bridge = await startBridge(databaseFile, profileDir);
    const ids = seeded.ids;
    await autocannon({
      url: bridge.base,
      connections: 10,
      amount: requests,
      headers: { authorization: `Bearer ${token}` },
      requests: [
        {
          setupRequest: (req) => ({
            ...req,
            method: 'GET',
            path: `/scim/v2/Users/${ids[Math.floor(Math.random() * ids.length)]}`,
          }),
        },
      ],
    });
    await stop(bridge.child);
    const file = fs.readdirSync(profileDir).find((f) => f.endsWith('.cpuprofile'));
    if (!file) throw new Error('no CPU profile written');
    const profile = JSON.parse(fs.readFileSync(path.join(profileDir, file), 'utf8')) as Profile;
    const { busy, inside } = attribute(profile, '/dist/http/metrics.js');
    const perRequest = busy / requests;
    console.log(
      `${requests} GET /Users/{id}: the bridge was busy ${Math.round(perRequest)} µs per request (seeding excluded: ` +
        `separate process); inside the metrics middleware and its callback: ${Math.round(inside / requests)} µs ` +
        `per request = ${((inside / busy) * 100).toFixed(1)} % (goal < 5 %). Load average at start ${loadStart.join(' / ')}, ` +
        `at end ${os
          .loadavg()
          .map((l) => Math.round(l * 100) / 100)
          .join(' / ')} on ${os.cpus().length} CPUs.`,
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main()
  .catch((err: unknown) => console.error(err))
  .finally(() => process.exit(0));
