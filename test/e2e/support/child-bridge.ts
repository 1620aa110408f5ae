// The bridge as its own process, started the way `npm start` starts it but from the TypeScript sources
// (`node --import tsx src/main.ts`, no build needed; about 2-3 s to answer /healthz here). Used by the crash test
// (SIGKILL mid-burst, restart on the same database) and by bench/provision.ts.
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';

export const PROJECT_ROOT = path.resolve(import.meta.dirname, '..', '..', '..');

export interface ChildBridge {
  /** http://127.0.0.1:PORT */
  baseUrl: string;
  pid: number;
  /** the last lines it wrote (stdout + stderr), for failure messages */
  logTail(): string;
  /** SIGKILL: no shutdown hook runs (a crash) */
  kill(): Promise<void>;
  /** SIGTERM, SIGKILL after 5 s */
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

const exited = (child: ChildProcess) =>
  child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise<void>((resolve) => child.once('exit', () => resolve()));

/** Starts the bridge with `env` on top of a clean environment (no inherited AAC_/SERVER_ variables). */
export async function startChildBridge(
  env: Record<string, string>,
  options: { timeoutMs?: number; nodeArgs?: string[] } = {},
): Promise<ChildBridge> {
  const { timeoutMs = 30_000, nodeArgs = [] } = options;
  const port = await freePort();
  const base: NodeJS.ProcessEnv = {};
  for (const key of ['PATH', 'HOME', 'TMPDIR', 'NODE_OPTIONS'])
    if (process.env[key]) base[key] = process.env[key];
  const child = spawn(
    process.execPath,
    [...nodeArgs, '--import', 'tsx', path.join(PROJECT_ROOT, 'src', 'main.ts')],
    {
      cwd: PROJECT_ROOT,
      env: { ...base, HOST: '127.0.0.1', PORT: String(port), LOG_LEVEL: 'warn', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const lines: string[] = [];
  const keep = (chunk: Buffer) => {
    lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    if (lines.length > 200) lines.splice(0, lines.length - 200);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const logTail = () => lines.slice(-30).join('\n');
  const baseUrl = `http://127.0.0.1:${port}`;
  const kill = async () => {
    const done = exited(child);
    child.kill('SIGKILL');
    await done;
  };
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`bridge exited during start-up\n${logTail()}`);
    try {
      const res = await fetch(`${baseUrl}/healthz`, { signal: AbortSignal.timeout(1_000) });
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > until) {
      await kill();
      throw new Error(`bridge did not answer /healthz within ${timeoutMs} ms\n${logTail()}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    baseUrl,
    pid: child.pid ?? -1,
    logTail,
    kill,
    stop: async () => {
      const done = exited(child);
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await done;
      clearTimeout(timer);
    },
  };
}
