// Reconcile rules for groups and memberships: create/rename/delete, MemberSync deltas applied in batches,
// members provisioned first when needed, refused members.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Provisioning } from '../../src/container.js';
import { enqueueGroupSync } from '../../src/store/provisioning/index.js';
import { withTransaction } from '../../src/store/transaction.js';
import { prismaRunner } from '../../src/store/sql-runner.js';
import { createTestDatabase, type TestDatabase } from './test-db.js';
import { ScimFixture } from './scim-fixture.js';
import { fakeTargets, mapping, startProvisioning } from './harness.js';
import type { FakeConnector } from './fake-connector.js';

let db: TestDatabase;
let provisioning: Provisioning | undefined;
let aac: FakeConnector;
let server: FakeConnector;
let scim: ScimFixture;

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db.dispose();
});
afterEach(async () => {
  await provisioning?.stop();
  provisioning = undefined;
});

async function start(memberBatchSize = 100): Promise<Provisioning> {
  ({ aac, server } = fakeTargets());
  scim = new ScimFixture(db.handle, ['aac', 'server']);
  provisioning = startProvisioning(db.handle, [aac, server], { memberBatchSize });
  await provisioning.start();
  return provisioning;
}

async function createUsers(p: Provisioning, prefix: string, n: number): Promise<string[]> {
  const created = await Promise.all(
    Array.from({ length: n }, (_, i) => scim.createUser({ userName: `${prefix}${i}@example.com` })),
  );
  for (const c of created) await p.awaitRequest(c.requestId);
  return created.map((c) => c.id);
}

describe('groups', () => {
  it('creates, renames and deletes a group on both targets', async () => {
    const p = await start();
    const { id, requestId } = await scim.createGroup('Sales');
    await expect(p.awaitRequest(requestId)).resolves.toEqual({ state: 'done' });
    expect(aac.groupByName('Sales')).toBeDefined();
    expect(server.groupByName('Sales')).toBeDefined();

    await expect(p.awaitRequest(await scim.renameGroup(id, 'Sales EMEA'))).resolves.toEqual({
      state: 'done',
    });
    expect(server.groupByName('Sales EMEA')).toBeDefined();
    expect(aac.callsOf('renameGroup')).toHaveLength(1);

    await expect(p.awaitRequest(await scim.deleteGroup(id))).resolves.toEqual({ state: 'done' });
    expect(server.groupByName('Sales EMEA')).toBeUndefined();
    expect(await mapping(db.handle, 'Group', id, 'aac')).toMatchObject({
      state: 'removed',
      displayName: 'Sales EMEA',
    });
  });

  it('applies member deltas in batches: 25 initial members in 3 calls, then one added member in one call', async () => {
    const p = await start(10);
    const users = await createUsers(p, 'batch', 26);
    const { id, requestId } = await scim.createGroup('Big', users.slice(0, 25));
    await expect(p.awaitRequest(requestId)).resolves.toEqual({ state: 'done' });
    const sizes = server.callsOf('addMembers').map((c) => (c.args[1] as string[]).length);
    expect(sizes.sort((a, b) => b - a)).toEqual([10, 10, 5]);
    expect(server.groupByName('Big')?.members.size).toBe(25);

    const one = await scim.addMembers(id, [users[25]!]);
    await expect(p.awaitRequest(one)).resolves.toEqual({ state: 'done' });
    expect(server.callsOf('addMembers').at(-1)?.args[1]).toEqual([
      server.userByEmail('batch25@example.com')?.id,
    ]);
    expect(await db.handle.db.memberSync.count({ where: { groupId: id, state: 'synced' } })).toBe(2 * 26);

    const removed = await scim.removeMembers(id, [users[0]!, users[1]!]);
    await expect(p.awaitRequest(removed)).resolves.toEqual({ state: 'done' });
    expect(server.callsOf('removeMembers').at(-1)?.args[1]).toHaveLength(2);
    expect(server.groupByName('Big')?.members.size).toBe(24);
  });

  it('provisions a member user that has no upstream id yet before adding it', async () => {
    const p = await start();
    // A user the bridge stored without provisioning (e.g. targets added later).
    const quiet = new ScimFixture(db.handle, []);
    const u = await quiet.createUser({ userName: 'late@example.com' });
    const { requestId } = await scim.createGroup('Late', [u.id]);
    await expect(p.awaitRequest(requestId)).resolves.toEqual({ state: 'done' });
    const upstream = server.userByEmail('late@example.com');
    expect(upstream).toBeDefined();
    expect(server.groupByName('Late')?.members.has(upstream!.id)).toBe(true);
    expect(aac.groupByName('Late')?.members.has(aac.userByEmail('late@example.com')!.id)).toBe(true);
    expect(await mapping(db.handle, 'User', u.id, 'server')).toMatchObject({
      state: 'synced',
      leaseOwner: null,
    });
  });

  it('provisions many unprovisioned members a few at a time, then adds them in one batch', async () => {
    const p = await start();
    const quiet = new ScimFixture(db.handle, []);
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) ids.push((await quiet.createUser({ userName: `par${i}@example.com` })).id);
    server.delayMs = 15;
    const { requestId } = await scim.createGroup('Parallel', ids);
    await expect(p.awaitRequest(requestId)).resolves.toEqual({ state: 'done' });
    expect(server.callsOf('ensureUser')).toHaveLength(12);
    expect(server.maxConcurrent).toBeGreaterThan(2);
    expect(server.groupByName('Parallel')?.members.size).toBe(12);
    expect(server.callsOf('addMembers').map((c) => (c.args[1] as string[]).length)).toEqual([12]);
  });

  it('leaves inactive members not propagated and adds them when activated', async () => {
    const p = await start();
    const u = await scim.createUser({ userName: 'sleepy@example.com', active: false });
    await p.awaitRequest(u.requestId);
    const g = await scim.createGroup('Night', [u.id]);
    await expect(p.awaitRequest(g.requestId)).resolves.toEqual({ state: 'done' });
    expect(aac.groupByName('Night')?.members.size).toBe(0);
    const row = await db.handle.db.memberSync.findUnique({
      where: { groupId_userId_target: { groupId: g.id, userId: u.id, target: 'aac' } },
    });
    expect(row).toMatchObject({ state: 'not_propagated' });

    await expect(p.awaitRequest(await scim.updateUser(u.id, { active: true }))).resolves.toEqual({
      state: 'done',
    });
    expect(aac.groupByName('Night')?.members.has(aac.userByEmail('sleepy@example.com')!.id)).toBe(true);
    expect(server.groupByName('Night')?.members.has(server.userByEmail('sleepy@example.com')!.id)).toBe(true);
    const after = await db.handle.db.memberSync.findUnique({
      where: { groupId_userId_target: { groupId: g.id, userId: u.id, target: 'aac' } },
    });
    expect(after).toMatchObject({ state: 'synced' });
  });

  it('marks members the upstream refuses (failedUserReasons) as failed and rejects the request', async () => {
    const p = await start();
    const [ok, refused] = await createUsers(p, 'refuse', 2);
    server.refuseMembers.set(server.userByEmail('refuse1@example.com')!.id, 'user is a curator');
    const g = await scim.createGroup('Picky', [ok!, refused!]);
    const outcome = await p.awaitRequest(g.requestId);
    expect(outcome).toMatchObject({ state: 'rejected', target: 'server' });
    expect(outcome.state === 'rejected' && outcome.message).toMatch(/user is a curator/);
    const rows = await db.handle.db.memberSync.findMany({
      where: { groupId: g.id, target: 'server' },
      orderBy: { state: 'asc' },
    });
    expect(rows.map((r) => [r.userId, r.state, r.reason])).toEqual(
      expect.arrayContaining([
        [refused, 'failed', 'user is a curator'],
        [ok, 'synced', null],
      ]),
    );
    expect(server.groupByName('Picky')?.members.size).toBe(1);
  });

  it('drops the member deltas of a deleted user and of a deleted group', async () => {
    const p = await start();
    const [a] = await createUsers(p, 'dropper', 1);
    const g = await scim.createGroup('Temp', [a!]);
    await p.awaitRequest(g.requestId);
    await p.awaitRequest(await scim.deleteUser(a!));
    expect(await db.handle.db.memberSync.count({ where: { userId: a! } })).toBe(0);
    const g2 = await scim.createGroup('Temp2');
    await p.awaitRequest(g2.requestId);
    await p.awaitRequest(await scim.deleteGroup(g2.id));
    expect(await db.handle.db.memberSync.count({ where: { groupId: g2.id } })).toBe(0);
  });

  it('recreates a group that vanished upstream and re-adds the SCIM members', async () => {
    const p = await start();
    const [a] = await createUsers(p, 'lost', 1);
    const g = await scim.createGroup('Lost', [a!]);
    await p.awaitRequest(g.requestId);
    const old = server.groupByName('Lost')!;
    server.groups.delete(old.id);
    await expect(p.awaitRequest(await scim.renameGroup(g.id, 'Found'))).resolves.toEqual({ state: 'done' });
    const recreated = server.groupByName('Found')!;
    expect(recreated.id).not.toBe(old.id);
    expect(recreated.members.size).toBe(1);
  });
});

describe('groups restored by compensation', () => {
  it('recreates a group whose rejected DELETE was undone, with its members', async () => {
    const p = await start();
    const [a] = await createUsers(p, 'back', 1);
    const g = await scim.createGroup('Phoenix', [a!]);
    await p.awaitRequest(g.requestId);
    server.fail('deleteGroup', { kind: 'rejected', times: 1, status: 400, message: 'group owns workflows' });
    const deletion = await scim.deleteGroup(g.id);
    await expect(p.awaitRequest(deletion)).resolves.toMatchObject({ state: 'rejected', target: 'server' });
    expect(aac.groupByName('Phoenix')).toBeUndefined();

    // The SCIM layer writes the group back with the same id and members.
    const undo = `${deletion}:undo`;
    await withTransaction(db.handle, async (tx) => {
      await tx.scimGroup.create({ data: { id: g.id, displayName: 'Phoenix', displayNameLower: 'phoenix' } });
      await tx.groupMember.create({ data: { groupId: g.id, userId: a! } });
      await enqueueGroupSync(prismaRunner(tx), {
        requestId: undo,
        groupId: g.id,
        targets: ['aac', 'server'],
        added: [a!],
      });
    });
    await expect(p.awaitRequest(undo)).resolves.toEqual({ state: 'done' });
    expect(aac.groupByName('Phoenix')?.members.size).toBe(1);
    expect(server.groupByName('Phoenix')?.members.size).toBe(1);
  });
});
