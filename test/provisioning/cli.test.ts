// The auditor commands `mappings list|show` and `audit list`, run in-process through commander on a database
// provisioned by the runner (fake upstreams).
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerAuditCommands } from '../../src/cli/commands/audit.js';
import { csvField, registerMappingsCommands, toCsv } from '../../src/cli/commands/mappings.js';
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
  const open = () => Promise.resolve(openDatabase(db.url));
  registerMappingsCommands(program, open, io);
  registerAuditCommands(program, open, io);
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
