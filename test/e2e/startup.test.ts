// A start that cannot serve says why and exits; a start that can serve but is not set up right says so at once.
// The bridge runs as its own process (`node --import tsx src/main.ts`), as an operator starts it.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulators, type RunningSimulators } from '../../src/simulators/index.js';
import { parseMetrics, valueOf } from '../support/prometheus.js';
import { PROJECT_ROOT, startChildBridge, type ChildBridge } from './support/child-bridge.js';
import { simulatorEnv } from './support/provisioned-app.js';

interface Exit {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the bridge until it exits by itself (or 30 s pass); a clean environment plus `env`. */
function runUntilExit(env: Record<string, string>): Promise<Exit> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(PROJECT_ROOT, 'src', 'main.ts')], {
    cwd: PROJECT_ROOT,
    env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  return new Promise((resolve) =>
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    }),
  );
}

async function occupiedPort(): Promise<{ port: number; close(): Promise<void> }> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : 0,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** The JSON log lines a child wrote so far that match `pattern`. */
async function logLine(
  bridge: ChildBridge,
  pattern: RegExp,
  timeoutMs = 15_000,
): Promise<Record<string, unknown>> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const line = bridge
      .logTail()
      .split('\n')
      .find((l) => pattern.test(l));
    if (line) return JSON.parse(line) as Record<string, unknown>;
    if (Date.now() > until) throw new Error(`no log line matching ${pattern}\n${bridge.logTail()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('a start that cannot serve exits non-zero with one clear line', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scim-bridge-startup-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('port in use, database unreachable or unwritable, no upstream outside demo mode, simulator port in use', async () => {
    const taken = await occupiedPort();
    try {
      const sqlite = (name: string) => `file:${path.join(dir, name)}`;
      const [portInUse, portInUseStoreOnly, pgDown, sqliteUnwritable, noUpstream, simPortInUse] =
        await Promise.all([
          runUntilExit({
            PORT: String(taken.port),
            DATABASE_URL: sqlite('a.db'),
            SIM_AAC_PORT: '0',
            SIM_SERVER_PORT: '0',
          }),
          runUntilExit({
            PORT: String(taken.port),
            DATABASE_URL: sqlite('b.db'),
            BRIDGE_PROVISIONING: 'off',
          }),
          runUntilExit({ PORT: '0', DATABASE_URL: 'postgresql://scim:secret-pw@127.0.0.1:1/bridge' }),
          runUntilExit({
            PORT: '0',
            DATABASE_URL: 'file:/dev/null/scim-bridge/bridge.db',
            BRIDGE_PROVISIONING: 'off',
          }),
          runUntilExit({ PORT: '0', DATABASE_URL: sqlite('c.db'), BRIDGE_DEMO: '0' }),
          runUntilExit({
            PORT: '0',
            DATABASE_URL: sqlite('d.db'),
            SIM_AAC_PORT: String(taken.port),
            SIM_SERVER_PORT: '0',
          }),
        ]);
      expect(portInUse.code).toBe(1);
      expect(portInUse.stderr).toBe(
        `scim-bridge: cannot listen on 127.0.0.1:${taken.port}: the port is already in use (another bridge or program?); set PORT to a free port\n`,
      );
      expect(portInUseStoreOnly.code).toBe(1);
      expect(portInUseStoreOnly.stderr).toContain('the port is already in use');

      expect(pgDown.code).toBe(1);
      expect(pgDown.stderr).toBe(
        'scim-bridge: cannot use the PostgreSQL database "bridge" on 127.0.0.1:1 as user "scim": ' +
          'unreachable: connection refused (is the server running and listening on that port?)\n',
      );
      expect(pgDown.stderr + pgDown.stdout).not.toContain('secret-pw');
      expect(sqliteUnwritable.code).toBe(1);
      expect(sqliteUnwritable.stderr).toMatch(
        /^scim-bridge: cannot use the SQLite database \/dev\/null\/scim-bridge\/bridge\.db: cannot open or create the file/,
      );

      expect(noUpstream.code).toBe(2);
      expect(noUpstream.stderr).toContain(
        'no upstream configured (BRIDGE_DEMO=0 turns the embedded simulators off)',
      );
      expect(noUpstream.stderr).toContain('AAC_API_URL');

      expect(simPortInUse.code).toBe(1);
      expect(simPortInUse.stderr).toContain(
        `demo mode: cannot start the embedded simulator on 127.0.0.1:${taken.port}: the port is already in use; set SIM_AAC_PORT`,
      );
      const pgUrl = process.env.TEST_POSTGRES_URL;
      if (pgUrl) {
        const wrongUser = new URL(pgUrl);
        wrongUser.username = 'no_such_role';
        wrongUser.password = 'secret-pw';
        const pgAuth = await runUntilExit({
          PORT: '0',
          DATABASE_URL: wrongUser.toString(),
          BRIDGE_PROVISIONING: 'off',
        });
        expect(pgAuth.code).toBe(1);
        expect(pgAuth.stderr).toMatch(/as user "no_such_role": authentication failed/);
        expect(pgAuth.stderr).not.toContain('secret-pw');
      }
      for (const run of [portInUse, pgDown, sqliteUnwritable, noUpstream, simPortInUse])
        expect(run.stderr, 'no stack trace').not.toMatch(/\n\s+at /);
    } finally {
      await taken.close();
    }
  }, 90_000);
});

describe('a start that serves but is not set up right says so at once', () => {
  let sims: RunningSimulators;
  let dir: string;
  const bridges: ChildBridge[] = [];
  beforeAll(async () => {
    sims = await startSimulators();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scim-bridge-startup-'));
  });
  afterAll(async () => {
    await Promise.all(bridges.map((b) => b.stop()));
    await sims.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('no SCIM token: a warning with the command; a wrong AAC refresh token: an error at once and a /readyz reason', async () => {
    const bridge = await startChildBridge({
      ...simulatorEnv(sims),
      DATABASE_URL: `file:${path.join(dir, 'wrong-token.db')}`,
      AAC_REFRESH_TOKEN: 'not-a-refresh-token-anyone-issued',
    });
    bridges.push(bridge);
    const warning = await logLine(bridge, /no SCIM token is active/);
    expect(warning.level).toBe(40);
    expect(String(warning.msg)).toContain('node dist/cli/index.js tokens create --name okta');

    const error = await logLine(bridge, /not ready: upstream:aac/);
    expect(error.level).toBe(50);
    expect(error).toMatchObject({ check: 'upstream:aac', reason: 'credentials_refused' });
    expect(String(error.msg)).toContain('AAC refused the refresh token');

    const ready = await fetch(`${bridge.baseUrl}/readyz`);
    expect(ready.status).toBe(503);
    const body = (await ready.json()) as { checks: unknown[] };
    expect(body.checks).toContainEqual({ name: 'upstream:aac', ok: false, error: 'credentials_refused' });
    expect(body.checks).toContainEqual({ name: 'scim_token', ok: false, error: 'no_active_token' });
    expect(body.checks).toContainEqual({ name: 'upstream:server', ok: true });
    expect(JSON.stringify(body)).not.toMatch(/127\.0\.0\.1|invalid_grant|refresh token/);
    // still serving: the IdP's writes are stored and queued (here refused for want of a token)
    expect((await fetch(`${bridge.baseUrl}/healthz`)).status).toBe(200);
    const storeOnly = await fetch(`${bridge.baseUrl}/readyz?only=database`);
    expect(storeOnly.status).toBe(200);
  });

  it('an AAC refresh token expiring within 14 days: a warning, still ready, and its expiry in /metrics', async () => {
    sims.aac.control.updateSettings({ refresh_token_ttl_s: 5 * 86_400 });
    const refreshToken = sims.aac.control.issueRefreshToken();
    const bridge = await startChildBridge({
      ...simulatorEnv(sims),
      DATABASE_URL: `file:${path.join(dir, 'expiring.db')}`,
      SCIM_TOKEN: 'startup-test-token-0123456789',
      AAC_REFRESH_TOKEN: refreshToken,
    });
    bridges.push(bridge);
    const warning = await logLine(bridge, /readiness warning: aac_refresh_token/);
    expect(warning).toMatchObject({ level: 40, reason: 'expires_soon' });
    const ready = await fetch(`${bridge.baseUrl}/readyz`);
    expect(ready.status).toBe(200);
    expect(((await ready.json()) as { checks: unknown[] }).checks).toContainEqual({
      name: 'aac_refresh_token',
      ok: true,
      warning: 'expires_soon',
    });
    const metrics = parseMetrics(await (await fetch(`${bridge.baseUrl}/metrics`)).text());
    const expiry = valueOf(metrics, 'scim_bridge_aac_refresh_token_expiry_timestamp_seconds') * 1000;
    expect(expiry).toBeGreaterThan(Date.now() + 4 * 86_400_000);
    expect(expiry).toBeLessThan(Date.now() + 6 * 86_400_000);
    // the Node process metrics are there too
    expect(valueOf(metrics, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
  });
});
