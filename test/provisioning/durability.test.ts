// Durability and concurrency of the job store: claim exclusivity across two runners ("processes") on one database,
// coalescing of queued duplicates, per-resource exclusivity, crash recovery through lease expiry.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ProvisioningGateway } from '../../src/app/provisioning-gateway.js';
import { PrismaProvisioningStore } from '../../src/store/provisioning/prisma-provisioning-store.js';
import { withTransaction } from '../../src/store/transaction.js';
import { prismaRunner } from '../../src/store/sql-runner.js';
import { createTestDatabase, type TestDatabase } from './test-db.js';
import { ScimFixture } from './scim-fixture.js';
import { FakeConnector } from './fake-connector.js';
import { mapping, startProvisioning, waitFor } from './harness.js';

let db: TestDatabase;

// A fresh database per test: leftovers of one test must not feed the runner of the next.
beforeEach(async () => {
  db = await createTestDatabase();
});
afterEach(async () => {
  await db.dispose();
});

describe('job store', () => {
  it('runs each job once when two runners compete (two database clients on PostgreSQL)', async () => {
    const upstream = new FakeConnector('server');
    upstream.delayMs = 5;
    const scim = new ScimFixture(db.handle, ['server']);
    const created = [];
    for (let i = 0; i < 30; i++) created.push(await scim.createUser({ userName: `twin${i}@example.com` }));

    // better-sqlite3 waits for a lock synchronously: two SQLite clients in ONE process would block each other's
    // event loop, so on SQLite the two runners share the client (the bridge runs one writer process on SQLite).
    // They share nothing else: exclusivity comes from the conditional updates in the database.
    const other = db.handle.provider === 'sqlite' ? db.handle : db.openAnother();
    const a = startProvisioning(db.handle, [upstream], { workersPerTarget: 4 });
    const b = startProvisioning(other, [upstream], { workersPerTarget: 4 });
    await Promise.all([a.start(), b.start()]);
    try {
      for (const c of created) await expect(a.awaitRequest(c.requestId)).resolves.toEqual({ state: 'done' });
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
    expect(upstream.callsOf('ensureUser')).toHaveLength(30);
    expect(upstream.users.size).toBe(30);
  });

  it('coalesces queued duplicates of one resource into one execution, never two at once', async () => {
    const upstream = new FakeConnector('server');
    const scim = new ScimFixture(db.handle, ['server']);
    const { id, requestId } = await scim.createUser({ userName: 'many@example.com', givenName: 'v0' });
    const requests = [requestId];
    for (let i = 1; i <= 8; i++) requests.push(await scim.updateUser(id, { givenName: `v${i}` }));
    upstream.delayMs = 20;
    const p = startProvisioning(db.handle, [upstream], { workersPerTarget: 8 });
    await p.start();
    try {
      for (const r of requests) await expect(p.awaitRequest(r)).resolves.toEqual({ state: 'done' });
    } finally {
      await p.stop();
    }
    // All nine jobs were queued before the runner started: one execution creates the user with the latest name.
    expect(upstream.calls.map((c) => c.method)).toEqual(['ensureUser']);
    expect(upstream.userByEmail('many@example.com')?.givenName).toBe('v8');
    expect(upstream.maxConcurrent).toBe(1);
    const jobs = await db.handle.db.provisioningJob.findMany({ where: { scimId: id } });
    expect(new Set(jobs.map((j) => j.claimId)).size).toBe(1);
    expect(jobs.every((j) => j.state === 'done')).toBe(true);
  });

  it('claims a change queued during an execution as soon as that execution ends, without waiting for a poll', async () => {
    const upstream = new FakeConnector('server');
    // A poll far away: only the in-process signals can start the second execution in time.
    const p = startProvisioning(db.handle, [upstream], { workersPerTarget: 2, pollIntervalMs: 60_000 });
    const scim = new ScimFixture(db.handle, ['server'], p.signals);
    await p.start();
    try {
      upstream.fail('ensureUser', { kind: 'hang', times: 1 });
      const { id, requestId } = await scim.createUser({ userName: 'signal@example.com', givenName: 'A' });
      await waitFor(() => upstream.callsOf('ensureUser').length === 1);
      const change = await scim.updateUser(id, { givenName: 'B' });
      // Waiting starts now: its wake-up finds only the resource in flight, so nothing can be claimed yet.
      const changed = p.awaitRequest(change, 2_000);
      await new Promise((r) => setTimeout(r, 50));
      upstream.releaseHanging();
      await expect(p.awaitRequest(requestId)).resolves.toEqual({ state: 'done' });
      await expect(changed).resolves.toEqual({ state: 'done' });
      expect(upstream.userByEmail('signal@example.com')?.givenName).toBe('B');
    } finally {
      await p.stop();
    }
  });

  it('keeps a changed resource serial: a change queued during an execution runs after it', async () => {
    const upstream = new FakeConnector('server');
    const scim = new ScimFixture(db.handle, ['server']);
    const p = startProvisioning(db.handle, [upstream], { workersPerTarget: 8 });
    await p.start();
    try {
      upstream.fail('ensureUser', { kind: 'hang', times: 1 });
      const { id, requestId } = await scim.createUser({ userName: 'serial@example.com', givenName: 'A' });
      await waitFor(() => upstream.callsOf('ensureUser').length === 1);
      const change = await scim.updateUser(id, { givenName: 'B' });
      await new Promise((r) => setTimeout(r, 100));
      expect(upstream.calls).toHaveLength(1); // the second job waits for the lease
      upstream.releaseHanging();
      await expect(p.awaitRequest(requestId)).resolves.toEqual({ state: 'done' });
      await expect(p.awaitRequest(change)).resolves.toEqual({ state: 'done' });
      expect(upstream.calls.map((c) => c.method)).toEqual(['ensureUser', 'updateUser']);
      expect(upstream.userByEmail('serial@example.com')?.givenName).toBe('B');
    } finally {
      await p.stop();
    }
  });

  it('recovers jobs a crashed process left running once their lease expires', async () => {
    const upstream = new FakeConnector('aac');
    const scim = new ScimFixture(db.handle, ['aac']);
    const { id, requestId } = await scim.createUser({ userName: 'crash@example.com' });
    // "Process 1" claims the job and dies without finishing.
    const store = new PrismaProvisioningStore(db.handle.provider === 'sqlite' ? db.handle : db.openAnother());
    const now = new Date();
    const claimed = await store.claimDue(
      'aac',
      now,
      new Date(now.getTime() + 300),
      1,
      [],
      () => 'dead-process',
    );
    expect(claimed).toHaveLength(1);
    expect(claimed[0]?.key.scimId).toBe(id);
    expect(claimed[0]?.jobs).toHaveLength(1);

    const p = startProvisioning(db.handle, [upstream]);
    await p.start();
    try {
      const early = await p.awaitRequest(requestId, 100);
      expect(early).toEqual({ state: 'pending', targets: ['aac'] });
      await expect(p.awaitRequest(requestId, 3_000)).resolves.toEqual({ state: 'done' });
    } finally {
      await p.stop();
    }
    expect(upstream.callsOf('ensureUser')).toHaveLength(1);
    const job = await db.handle.db.provisioningJob.findFirst({ where: { requestId } });
    expect(job).toMatchObject({ state: 'done', attempts: 2 });
    expect(await mapping(db.handle, 'User', id, 'aac')).toMatchObject({ state: 'synced', leaseOwner: null });
  });

  it('resumes jobs queued while no runner was running (restart)', async () => {
    const upstream = new FakeConnector('aac');
    const scim = new ScimFixture(db.handle, ['aac']);
    const { requestId } = await scim.createUser({ userName: 'restart@example.com' });
    const p = startProvisioning(db.handle, [upstream]);
    await p.start();
    try {
      await expect(p.awaitRequest(requestId)).resolves.toEqual({ state: 'done' });
    } finally {
      await p.stop();
    }
  });

  it('is the ProvisioningGateway the SCIM services use: enqueue for its targets inside their transaction', async () => {
    const upstream = new FakeConnector('server');
    const gateway: ProvisioningGateway = startProvisioning(db.handle, [upstream]);
    expect(gateway.targets).toEqual(['server']);
    await withTransaction(db.handle, async (tx) => {
      await tx.scimUser.create({
        data: { id: 'gw-user', userName: 'gw', userNameLower: 'gw', active: true, data: '{}' },
      });
      await gateway.enqueueUser(prismaRunner(tx), { requestId: 'gw-req', userId: 'gw-user' });
    });
    const jobs = await db.handle.db.provisioningJob.findMany({ where: { requestId: 'gw-req' } });
    expect(jobs.map((j) => [j.target, j.state])).toEqual([['server', 'queued']]);
  });

  it('answers done at once for a request that queued nothing', async () => {
    const p = startProvisioning(db.handle, [new FakeConnector('aac')]);
    await expect(p.awaitRequest('req-without-jobs', 1_000)).resolves.toEqual({ state: 'done' });
  });
});
