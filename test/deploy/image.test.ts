// The production image's build steps without Docker (no engine runs here): compile to dist/, prune the dev and
// optional dependencies and the unused runtime files (as the Dockerfile does) in a copy of node_modules, then run
// `node dist/main.js` and `node dist/cli/index.js` from that copy with the image's environment. Proves that the
// runtime layer needs neither tsx nor the prisma CLI nor typescript.
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../e2e/support/child-bridge.js';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const IMAGE_ENV = { NODE_ENV: 'production', HOST: '127.0.0.1', BRIDGE_DEMO: '0', LOG_LEVEL: 'warn' };

function run(dir: string, args: string[], env: Record<string, string>) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, args, {
      cwd: dir,
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('the production image, built and pruned as the Dockerfile does', () => {
  let app: string;

  beforeAll(() => {
    // In the project (same filesystem): node_modules is copied as hard links, so the copy costs no space and the
    // prune only unlinks the copy's entries. npm's hidden lockfile is dropped first: npm rewrites it.
    fs.mkdirSync(path.join(ROOT, '.tmp'), { recursive: true });
    app = fs.mkdtempSync(path.join(ROOT, '.tmp', 'image-'));
    for (const file of ['package.json', 'package-lock.json'])
      fs.copyFileSync(path.join(ROOT, file), path.join(app, file));
    fs.cpSync(path.join(ROOT, 'prisma'), path.join(app, 'prisma'), { recursive: true });
    fs.mkdirSync(path.join(app, 'scripts'));
    fs.copyFileSync(path.join(ROOT, 'scripts', 'cli.mjs'), path.join(app, 'scripts', 'cli.mjs'));
    execFileSync('cp', ['-al', path.join(ROOT, 'node_modules'), path.join(app, 'node_modules')]);
    fs.rmSync(path.join(app, 'node_modules', '.package-lock.json'), { force: true });
    // `npm run build`, into the copy
    execFileSync(
      process.execPath,
      [
        path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'),
        '-p',
        'tsconfig.build.json',
        '--outDir',
        path.join(app, 'dist'),
      ],
      {
        cwd: ROOT,
        stdio: ['ignore', 'ignore', 'inherit'],
      },
    );
    execFileSync(
      'npm',
      ['prune', '--omit=dev', '--omit=optional', '--ignore-scripts', '--no-audit', '--no-fund', '--offline'],
      {
        cwd: app,
        stdio: ['ignore', 'ignore', 'inherit'],
      },
    );
    execFileSync(
      process.execPath,
      [path.join(ROOT, 'scripts', 'prune-runtime.mjs'), path.join(app, 'node_modules')],
      {
        stdio: ['ignore', 'ignore', 'inherit'],
      },
    );
  }, 240_000);

  afterAll(() => {
    if (app) fs.rmSync(app, { recursive: true, force: true });
  });

  it('has no prisma CLI, typescript, tsx or test tools in node_modules', () => {
    const modules = path.join(app, 'node_modules');
    for (const gone of [
      'prisma',
      'typescript',
      'tsx',
      'esbuild',
      'vitest',
      '@prisma/engines',
      '@prisma/config',
      'eslint',
    ])
      expect(fs.existsSync(path.join(modules, gone)), gone).toBe(false);
    for (const kept of [
      '@prisma/client',
      '@prisma/adapter-pg',
      '@prisma/adapter-better-sqlite3',
      'better-sqlite3',
      'prom-client',
    ])
      expect(fs.existsSync(path.join(modules, kept)), kept).toBe(true);
    const megabytes = Number(execFileSync('du', ['-sm', modules]).toString().split('\t')[0]);
    expect(megabytes).toBeLessThan(80);
  });

  it('without an upstream, a start says what is missing and exits non-zero', async () => {
    const result = await run(app, ['dist/main.js'], {
      ...IMAGE_ENV,
      PORT: String(await freePort()),
      DATABASE_URL: `file:${path.join(app, 'data', 'none.db')}`,
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('no upstream configured (BRIDGE_DEMO=0');
    expect(result.stderr).toContain('or BRIDGE_DEMO=1 for the simulators');
  });

  it('with BRIDGE_DEMO=1 it serves; the CLI works beside it, directly and through scripts/cli.mjs', async () => {
    const port = await freePort();
    const database = `file:${path.join(app, 'data', 'bridge.db')}`;
    const child = spawn(process.execPath, ['dist/main.js'], {
      cwd: app,
      env: {
        PATH: process.env.PATH ?? '',
        ...IMAGE_ENV,
        BRIDGE_DEMO: '1',
        PORT: String(port),
        DATABASE_URL: database,
        SIM_AAC_PORT: '0',
        SIM_SERVER_PORT: '0',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    try {
      const base = `http://127.0.0.1:${port}`;
      const until = Date.now() + 60_000;
      let ready: Response | undefined;
      while (Date.now() < until && child.exitCode === null) {
        ready = await fetch(`${base}/readyz`).catch(() => undefined);
        if (ready?.status === 200) break;
        await new Promise((r) => setTimeout(r, 200));
      }
      expect(ready?.status, output).toBe(200);
      expect(output).toContain('Demo mode: SCIM bearer token for this run');
      const metrics = await (await fetch(`${base}/metrics`)).text();
      expect(metrics).toContain('scim_bridge_upstream_rate_limit_rps{target="aac"}');

      const created = await run(app, ['dist/cli/index.js', 'tokens', 'create', '--name', 'okta'], {
        ...IMAGE_ENV,
        DATABASE_URL: database,
      });
      expect(created.code, created.stderr).toBe(0);
      expect(created.stdout).toMatch(/^scimb_/);
      const listed = await run(app, ['scripts/cli.mjs', 'tokens', 'list'], {
        ...IMAGE_ENV,
        DATABASE_URL: database,
      });
      expect(listed.code, listed.stderr).toBe(0);
      expect(listed.stdout).toContain('okta');
      const missing = await run(
        app,
        ['dist/cli/index.js', 'tokens', 'list', '--database', 'file:/nonexistent/bridge.db'],
        IMAGE_ENV,
      );
      expect(missing.code).toBe(1);
      expect(missing.stderr).toMatch(/^scim-bridge: no SQLite database at \/nonexistent\/bridge\.db/);
    } finally {
      child.kill('SIGTERM');
      await new Promise((resolve) => (child.exitCode === null ? child.once('exit', resolve) : resolve(null)));
    }
  }, 90_000);
});
