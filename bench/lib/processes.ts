// Child processes the benchmark measures: a bare Express 5 JSON route (the baseline) and the bridge itself.
// Both run in their own Node process, so the load generator (autocannon, in this process) competes with each of them
// for CPU in the same way and the ratio between them stays fair.
import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export interface RunningServer {
  /** e.g. http://127.0.0.1:41234 */
  baseUrl: string;
  /** Last lines the process wrote (stdout and stderr), for error reports. */
  logTail(): string;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function waitForHttp(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer yet';
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`process exited before ${url} answered`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (res.ok) return;
      last = `HTTP ${res.status}`;
    } catch (err) {
      last = err instanceof Error ? err.message : String(err);
    }
    await sleep(150);
  }
  throw new Error(`${url} did not answer 2xx within ${timeoutMs} ms (last: ${last})`);
}

function spawnServer(
  args: string[],
  env: NodeJS.ProcessEnv,
  cwd: string,
): { child: ChildProcess; logTail(): string } {
  const child = spawn(process.execPath, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  const keep = (chunk: Buffer) => {
    lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    if (lines.length > 200) lines.splice(0, lines.length - 200);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return { child, logTail: () => lines.slice(-40).join('\n') };
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

// The smallest Express 5 app that answers JSON: the ceiling any Express-based route can reach on this machine.
const BARE_EXPRESS = `
import express from 'express';
const app = express();
app.disable('x-powered-by');
app.get('/json', (_req, res) => { res.json({ id: '2819c223-7f76-453a-919d-413861904646', userName: 'bjensen@example.com', active: true }); });
app.listen(Number(process.env.PORT), '127.0.0.1', () => console.log('bare express listening'));
`;

export async function startBareExpress(projectRoot: string): Promise<RunningServer> {
  const port = await freePort();
  const { child, logTail } = spawnServer(
    ['--input-type=module', '-e', BARE_EXPRESS],
    { ...process.env, PORT: String(port), NODE_ENV: 'production' },
    projectRoot,
  );
  const baseUrl = `http://127.0.0.1:${port}`;
  await waitForHttp(`${baseUrl}/json`, child, 15_000);
  return { baseUrl, logTail, stop: () => stopChild(child) };
}

export interface BridgeServer extends RunningServer {
  token: string;
  databaseFile: string;
  /** the bridge process, e.g. to read its CPU time from /proc */
  pid: number;
}

/**
 * Starts `node dist/main.js` on 127.0.0.1 with a fresh SQLite file in a temporary folder, a random SCIM token and no
 * upstream configured, so the bridge provisions into its embedded simulators (docs/reference/bridge-interface.md "Start").
 */
export async function startBridge(
  projectRoot: string,
  logLevel = 'warn',
  upstreamRps = '0',
  options: {
    /** extra environment, e.g. BRIDGE_METRICS=off */
    env?: Record<string, string>;
    /** reuse this SQLite file (kept at stop) instead of a fresh one in a temporary folder */
    databaseFile?: string;
    /** SCIM_TOKEN (default: random); two bridges on one database need the same one, each start revokes others */
    token?: string;
  } = {},
): Promise<BridgeServer> {
  const port = await freePort();
  const token = options.token ?? crypto.randomBytes(24).toString('hex');
  const ownDir = options.databaseFile === undefined;
  const dir = ownDir
    ? fs.mkdtempSync(path.join(os.tmpdir(), 'scim-bench-'))
    : path.dirname(options.databaseFile!);
  const databaseFile = options.databaseFile ?? path.join(dir, 'bench.db');
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of Object.keys(env)) {
    if (key.startsWith('AAC_') || key.startsWith('SERVER_')) delete env[key];
  }
  Object.assign(env, {
    HOST: '127.0.0.1',
    PORT: String(port),
    DATABASE_URL: `file:${databaseFile}`,
    SCIM_TOKEN: token,
    LOG_LEVEL: logLevel,
    NODE_ENV: 'production',
    // The embedded simulators on free ports, so a bench can run next to a test suite or another bridge.
    SIM_AAC_PORT: '0',
    // This bench measures the SCIM layer and its store (issue 2's goals); provisioning has its own bench
    // (bench/provision.ts). BENCH_PROVISIONING=on measures both together.
    BRIDGE_PROVISIONING: process.env.BENCH_PROVISIONING ?? 'off',
    SIM_SERVER_PORT: '0',
    // The bridge's proactive upstream rate limit (10 req/s per target by default) caps user creation at about two
    // users a second (4-5 upstream calls each): that measures the limiter, not the bridge. The bench lifts it unless
    // BENCH_UPSTREAM_RPS says otherwise (0 = unlimited, as in src/config/env.ts).
    AAC_RATE_LIMIT_RPS: upstreamRps,
    SERVER_RATE_LIMIT_RPS: upstreamRps,
    AAC_MAX_CONCURRENCY: upstreamRps === '0' ? '0' : (env.AAC_MAX_CONCURRENCY ?? '4'),
    SERVER_MAX_CONCURRENCY: upstreamRps === '0' ? '0' : (env.SERVER_MAX_CONCURRENCY ?? '4'),
    ...options.env,
  });
  const { child, logTail } = spawnServer([path.join(projectRoot, 'dist', 'main.js')], env, dir);
  const baseUrl = `http://127.0.0.1:${port}`;
  try {
    await waitForHttp(`${baseUrl}/healthz`, child, 60_000);
  } catch (err) {
    await stopChild(child);
    throw new Error(`${err instanceof Error ? err.message : String(err)}\n--- bridge log ---\n${logTail()}`, {
      cause: err,
    });
  }
  return {
    baseUrl,
    token,
    databaseFile,
    pid: child.pid ?? -1,
    logTail,
    stop: async () => {
      await stopChild(child);
      if (ownDir) fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
