// The auditor commands `mappings list|show` and `audit list`, run in-process through commander on a database
// provisioned by the runner (fake upstreams).
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerAuditCommands } from '../../src/cli/commands/audit.js';
import { registerMappingsCommands } from '../../src/cli/commands/mappings.js';
import { registerTokenCommands } from '../../src/cli/commands/tokens.js';
import type { CliDeps } from '../../src/cli/common.js';
import { openCliDatabase } from '../../src/cli/database.js';
import { DatabaseStartError } from '../../src/store/database-errors.js';
import { csvField, toCsv } from '../../src/cli/output.js';
import { openDatabase } from '../../src/store/database.js';
import { createTestDatabase, type TestDatabase } from './test-db.js';
import { ScimFixture } from './scim-fixture.js';
import { fakeTargets, startProvisioning } from './harness.js';

let db: TestDatabase;
let userId: string;
let createRequest: string;

beforeAll(async () => {
  db = await createTestDatabase();
  const { aac, server } = fakeTargets();
  server.fail('updateUser', { kind: 'rejected', times: 1, status: 400, message: 'bad "name", really' });
  const scim = new ScimFixture(db.handle, ['aac', 'server']);
  const p = startProvisioning(db.handle, [aac, server]);
  await p.start();
  const created = await scim.createUser({
    userName: 'Audit.Me@example.com',
    email: 'Audit.Me@example.com',
    givenName: 'Au',
  });
  userId = created.id;
  createRequest = created.requestId;
  await p.awaitRequest(created.requestId);
  await p.awaitRequest(await scim.updateUser(userId, { givenName: '=cmd' }));
  const group = await scim.createGroup('Auditors', [userId]);
  await p.awaitRequest(group.requestId);
  await p.awaitRequest(await scim.deleteUser(userId));
  await p.stop();
});
afterAll(async () => {
  await db.dispose();
});

async function run(...args: string[]): Promise<{ out: string; err: string }> {
  let out = '';
  let err = '';
  const io = { out: (t: string) => void (out += t), err: (t: string) => void (err += t) };
  const program = new Command().exitOverride();
  // The commands name no database here: the test's own comes through DATABASE_URL in `env`.
  const deps: CliDeps = {
    open: (url) => Promise.resolve(openDatabase(url)),
    io,
    env: { DATABASE_URL: db.url },
  };
  registerTokenCommands(program, deps);
  registerMappingsCommands(program, deps);
  registerAuditCommands(program, deps);
  await program.parseAsync(args, { from: 'user' });
  return { out, err };
}

describe('csv', () => {
  it('escapes per RFC 4180 and defuses spreadsheet formulas', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('=1+2')).toBe("'=1+2");
    expect(csvField(null)).toBe('');
    expect(csvField(new Date('2026-01-02T03:04:05Z'))).toBe('2026-01-02T03:04:05.000Z');
    expect(toCsv([{ a: 1, b: 'x,y' }], ['a', 'b'])).toBe('a,b\r\n1,"x,y"\r\n');
  });
});

describe('mappings', () => {
  it('lists a deleted user as removed on both targets, by email in any case', async () => {
    const { out } = await run('mappings', 'list', '--email', 'AUDIT.me@example.com', '--format', 'json');
    const rows = JSON.parse(out) as Array<{ target: string; state: string; scimId: string }>;
    expect(rows.map((r) => [r.target, r.state])).toEqual([
      ['aac', 'removed'],
      ['server', 'removed'],
    ]);
    expect(rows.every((r) => r.scimId === userId)).toBe(true);
  });

  it('filters by target and state and prints CSV with a header', async () => {
    const { out } = await run('mappings', 'list', '--target', 'server', '--type', 'Group', '--format', 'csv');
    const lines = out.trimEnd().split('\r\n');
    expect(lines[0]).toBe('resourceType,scimId,target,state,upstreamId,email,displayName,reason,updatedAt');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(/^Group,.*,server,synced,.*Auditors/);
  });

  it('shows one resource with its jobs, by SCIM id', async () => {
    const { out } = await run('mappings', 'show', userId, '--format', 'json');
    const detail = JSON.parse(out) as {
      mappings: unknown[];
      jobs: Array<{ state: string; lastError: string | null }>;
    };
    expect(detail.mappings).toHaveLength(2);
    expect(detail.jobs.some((j) => j.state === 'failed' && j.lastError === 'bad "name", really')).toBe(true);
    const table = await run('mappings', 'show', 'audit.me@example.com');
    expect(table.out).toMatch(/recent jobs/);
  });

  it('says so when nothing matches', async () => {
    const { err } = await run('mappings', 'show', 'nobody@example.com');
    expect(err).toMatch(/no mapping/);
    process.exitCode = 0;
  });
});

describe('audit', () => {
  it("lists a deleted user's upstream calls and outcomes by email, and filters by request and kind", async () => {
    const { out } = await run('audit', 'list', '--email', 'audit.me@example.com', '--format', 'json');
    const rows = JSON.parse(out) as Array<{ kind: string; requestId: string; detail: string | null }>;
    expect(rows.some((r) => r.kind === 'upstream')).toBe(true);
    const outcomes = rows
      .filter((r) => r.kind === 'provisioning')
      .map((r) => JSON.parse(r.detail ?? '{}').outcome as string);
    expect(outcomes).toEqual(expect.arrayContaining(['created', 'not_propagated', 'failed', 'removed']));

    const byRequest = JSON.parse(
      (await run('audit', 'list', '--request', createRequest, '--kind', 'upstream', '--format', 'json')).out,
    ) as Array<{
      requestId: string;
      kind: string;
    }>;
    expect(byRequest).toHaveLength(2);
    expect(byRequest.every((r) => r.requestId === createRequest && r.kind === 'upstream')).toBe(true);
  });

  it('filters by time window and writes CSV with the formula guard', async () => {
    const future = (await run('audit', 'list', '--since', '2999-01-01', '--format', 'csv')).out;
    expect(future.trimEnd().split('\r\n')).toHaveLength(1);
    const csv = (await run('audit', 'list', '--resource', userId, '--until', '2999-01-01', '--format', 'csv'))
      .out;
    expect(csv.split('\r\n')[0]).toMatch(/^at,requestId,kind,target/);
    expect(csv).toMatch(/""outcome"":""created""/);
  });

  it('rejects a bad date', async () => {
    await expect(run('audit', 'list', '--since', 'yesterday-ish')).rejects.toThrow(/not a date/);
  });
});

describe('tokens', () => {
  it('lists tokens with a header row, never the token itself', async () => {
    const created = await run('tokens', 'create', '--name', 'okta-test', '--format', 'json');
    const [{ token }] = JSON.parse(created.out) as [{ token: string }];
    const csv = (await run('tokens', 'list', '--format', 'csv')).out;
    const lines = csv.trimEnd().split('\r\n');
    expect(lines[0]).toBe('id,name,source,state,createdAt,revokedAt');
    expect(lines.some((l) => l.includes(',okta-test,cli,active,'))).toBe(true);
    expect(csv).not.toContain(token);
  });
});

describe('common options', () => {
  it('writes the result to --output and nothing else into it', async () => {
    const file = path.join(os.tmpdir(), `cli-out-${process.pid}-${Date.now()}.csv`);
    try {
      const { out, err } = await run('mappings', 'list', '--format', 'csv', '--output', file);
      expect(out).toBe('');
      expect(err).toMatch(/wrote \d+ bytes to/);
      expect(fs.readFileSync(file, 'utf8').split('\r\n')[0]).toMatch(/^resourceType,scimId,/);
    } finally {
      fs.rmSync(file, { force: true });
    }
  });

  it('never creates a missing SQLite file, and read-only access never migrates', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-db-'));
    try {
      const missing = `file:${path.join(dir, 'missing.db')}`;
      await expect(openCliDatabase(missing, 'read')).rejects.toThrow(DatabaseStartError);
      await expect(openCliDatabase(missing, 'write')).rejects.toThrow(/no SQLite database at .*missing\.db/);
      expect(fs.existsSync(path.join(dir, 'missing.db'))).toBe(false);

      const empty = path.join(dir, 'empty.db');
      fs.writeFileSync(empty, '');
      const handle = await openCliDatabase(`file:${empty}`, 'read');
      try {
        const tables = await handle.db.$queryRawUnsafe<Array<{ name: string }>>(
          "SELECT name FROM sqlite_master WHERE type = 'table'",
        );
        expect(tables).toEqual([]);
      } finally {
        await handle.close();
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('exits 2 on a usage error and 1 on a failure (the real entry point)', async () => {
    const cli = path.resolve('src/cli/index.ts');
    const tsx = path.resolve('node_modules/.bin/tsx');
    const exec = promisify(execFile);
    const usage = await exec(tsx, [cli, 'mappings', 'list', '--state', 'nonsense']).catch((e: unknown) => e);
    expect(usage).toMatchObject({ code: 2 });
    const failure = await exec(tsx, [
      cli,
      'mappings',
      'list',
      '--database',
      'file:/nonexistent/dir/x.db',
    ]).catch((e: unknown) => e);
    expect(failure).toMatchObject({ code: 1, stderr: expect.stringMatching(/no SQLite database/) });
  });
});
