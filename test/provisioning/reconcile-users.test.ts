// Reconcile rules for users (docs/reference/bridge-interface.md "What a SCIM operation does upstream"), driven end to end through
// the outbox, the runner and the Prisma store on a real database, against fake connectors.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Provisioning } from '../../src/container.js';
import { createTestDatabase, type TestDatabase } from './test-db.js';
import { ScimFixture } from './scim-fixture.js';
import { fakeTargets, mapping, recordingLogger, startProvisioning, waitFor } from './harness.js';
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

async function start(logger = recordingLogger()): Promise<Provisioning> {
  ({ aac, server } = fakeTargets());
  scim = new ScimFixture(db.handle, ['aac', 'server']);
  provisioning = startProvisioning(db.handle, [aac, server], {}, logger);
  await provisioning.start();
  return provisioning;
}

describe('users', () => {
  it('creates an active user on both targets and answers done, with the upstream calls audited', async () => {
    const p = await start();
    const { id, requestId } = await scim.createUser({
      userName: 'ada@example.com',
      email: 'Ada@Example.com',
      givenName: 'Ada',
      familyName: 'Lovelace',
    });

    await expect(p.awaitRequest(requestId)).resolves.toEqual({ state: 'done' });

    expect(aac.userByEmail('ada@example.com')).toMatchObject({ givenName: 'Ada', active: true });
    expect(server.userByEmail('ada@example.com')).toMatchObject({ familyName: 'Lovelace', active: true });
    const m = await mapping(db.handle, 'User', id, 'server');
    expect(m).toMatchObject({
      state: 'synced',
      email: 'ada@example.com',
      displayName: 'Ada Lovelace',
      leaseOwner: null,
    });
    expect(m?.upstreamId).toBe(server.userByEmail('ada@example.com')?.id);

    await p.flushAudit();
    const events = await db.handle.db.auditEvent.findMany({ where: { requestId } });
    expect(
      events
        .filter((e) => e.kind === 'upstream')
        .map((e) => e.target)
        .sort(),
    ).toEqual(['aac', 'server']);
    expect(events.find((e) => e.kind === 'upstream')).toMatchObject({
      resourceType: 'User',
      resourceId: id,
      status: 200,
      attempt: 1,
    });
    expect(
      events.filter((e) => e.kind === 'provisioning').map((e) => JSON.parse(e.detail ?? '{}').outcome),
    ).toEqual(['created', 'created']);
  });

  it('does not invite an inactive user to AAC (not_propagated) but creates it inactive on Server', async () => {
    const p = await start();
    const { id, requestId } = await scim.createUser({ userName: 'ina@example.com', active: false });
    await expect(p.awaitRequest(requestId)).resolves.toEqual({ state: 'done' });

    expect(aac.calls).toHaveLength(0);
    expect(await mapping(db.handle, 'User', id, 'aac')).toMatchObject({
      state: 'not_propagated',
      upstreamId: null,
    });
    expect(server.userByEmail('ina@example.com')).toMatchObject({ active: false });
    expect(server.callsOf('deactivateUser')).toHaveLength(0);

    // Activation invites on AAC and reactivates on Server.
    const activated = await scim.updateUser(id, { active: true });
    await expect(p.awaitRequest(activated)).resolves.toEqual({ state: 'done' });
    expect(aac.userByEmail('ina@example.com')).toMatchObject({ active: true });
    expect(server.userByEmail('ina@example.com')).toMatchObject({ active: true });
    expect(await mapping(db.handle, 'User', id, 'aac')).toMatchObject({ state: 'synced' });
  });

  it('keeps a user whose email is not an e-mail address, reported as not_propagated on both targets', async () => {
    const p = await start();
    const { id, requestId } = await scim.createUser({ userName: 'emailName357', email: 'emailName357' });
    await expect(p.awaitRequest(requestId)).resolves.toEqual({ state: 'done' });
    expect(aac.calls).toHaveLength(0);
    expect(server.calls).toHaveLength(0);
    for (const target of ['aac', 'server'] as const) {
      const m = await mapping(db.handle, 'User', id, target);
      expect(m).toMatchObject({ state: 'not_propagated', upstreamId: null });
      expect(m?.reason).toMatch(/not an e-mail address/);
    }
    // Once the IdP sends a real address, the user is provisioned.
    const fixed = await scim.updateUser(id, { email: 'real@example.com' });
    await expect(p.awaitRequest(fixed)).resolves.toEqual({ state: 'done' });
    expect(server.userByEmail('real@example.com')).toBeTruthy();
    expect(await mapping(db.handle, 'User', id, 'server')).toMatchObject({ state: 'synced' });
  });

  it('records an AAC name change as not propagated (once) while Server is updated', async () => {
    const p = await start();
    const { id, requestId } = await scim.createUser({
      userName: 'bob@example.com',
      email: 'bob@example.com',
      givenName: 'Bob',
    });
    await p.awaitRequest(requestId);

    const renamed = await scim.updateUser(id, { givenName: 'Robert' });
    await expect(p.awaitRequest(renamed)).resolves.toEqual({ state: 'done' });
    expect(server.userByEmail('bob@example.com')?.givenName).toBe('Robert');
    expect(aac.userByEmail('bob@example.com')?.givenName).toBe('Bob');
    const m = await mapping(db.handle, 'User', id, 'aac');
    expect(m).toMatchObject({ state: 'not_propagated' });
    expect(m?.reason).toMatch(/cannot change/);

    await p.flushAudit();
    const notPropagated = await db.handle.db.auditEvent.findMany({
      where: { requestId: renamed, kind: 'provisioning', target: 'aac' },
    });
    expect(JSON.parse(notPropagated[0]?.detail ?? '{}')).toMatchObject({
      action: 'updateUser',
      outcome: 'not_propagated',
      fields: ['givenName', 'displayName'],
    });

    // Another change that does not touch names: AAC is not asked again, the marker stays.
    const deactivated = await scim.updateUser(id, { active: false });
    await p.awaitRequest(deactivated);
    expect(aac.callsOf('updateUser')).toHaveLength(1);
    expect(aac.callsOf('deactivateUser')).toHaveLength(1);
    expect(await mapping(db.handle, 'User', id, 'aac')).toMatchObject({ state: 'not_propagated' });
  });

  it('links users that already exist: Server gets the SCIM names pushed, AAC takes the SCIM state as its baseline', async () => {
    const p = await start();
    // Found by email upstream, e.g. invited or created just before a crash, with names of their own.
    const ctx = { requestId: 'seed' };
    await aac.ensureUser(
      { scimId: 'seed', email: 'carol@example.com', givenName: 'carol@example.com', active: true },
      ctx,
    );
    await server.ensureUser(
      { scimId: 'seed', email: 'carol@example.com', givenName: 'C.', active: true },
      ctx,
    );
    const { id, requestId } = await scim.createUser({
      userName: 'carol@example.com',
      email: 'carol@example.com',
      givenName: 'Carol',
    });
    await expect(p.awaitRequest(requestId)).resolves.toEqual({ state: 'done' });

    expect(server.userByEmail('carol@example.com')?.givenName).toBe('Carol');
    expect(await mapping(db.handle, 'User', id, 'server')).toMatchObject({ state: 'synced' });
    // AAC cannot take names from an admin: linking is not a change to report, as after an invite.
    expect(aac.callsOf('updateUser')).toHaveLength(0);
    expect(await mapping(db.handle, 'User', id, 'aac')).toMatchObject({ state: 'synced' });

    // A later rename is a change AAC cannot take.
    const renamed = await scim.updateUser(id, { givenName: 'Caroline' });
    await p.awaitRequest(renamed);
    expect(await mapping(db.handle, 'User', id, 'aac')).toMatchObject({ state: 'not_propagated' });
  });

  it('remembers the Server groups a deactivation emptied and restores SCIM memberships on reactivation', async () => {
    const p = await start();
    const user = await scim.createUser({ userName: 'cy@example.com' });
    await p.awaitRequest(user.requestId);
    const group = await scim.createGroup('Analysts', [user.id]);
    await expect(p.awaitRequest(group.requestId)).resolves.toEqual({ state: 'done' });
    const upstreamGroup = server.groupByName('Analysts')!;
    const upstreamUser = server.userByEmail('cy@example.com')!;
    expect(upstreamGroup.members.has(upstreamUser.id)).toBe(true);

    await p.awaitRequest(await scim.updateUser(user.id, { active: false }));
    expect(upstreamGroup.members.has(upstreamUser.id)).toBe(false);
    const m = await mapping(db.handle, 'User', user.id, 'server');
    expect(JSON.parse(m?.extra ?? '{}')).toEqual({ removedGroupIds: [upstreamGroup.id] });

    await expect(p.awaitRequest(await scim.updateUser(user.id, { active: true }))).resolves.toEqual({
      state: 'done',
    });
    expect(upstreamUser.active).toBe(true);
    expect(upstreamGroup.members.has(upstreamUser.id)).toBe(true);
    expect((await mapping(db.handle, 'User', user.id, 'server'))?.extra).toBeNull();
  });

  it('removes a deleted user upstream and keeps the mapping as removed', async () => {
    const p = await start();
    const { id, requestId } = await scim.createUser({ userName: 'del@example.com' });
    await p.awaitRequest(requestId);
    await expect(p.awaitRequest(await scim.deleteUser(id))).resolves.toEqual({ state: 'done' });
    expect(aac.userByEmail('del@example.com')).toBeUndefined();
    expect(server.userByEmail('del@example.com')).toBeUndefined();
    expect(await mapping(db.handle, 'User', id, 'aac')).toMatchObject({
      state: 'removed',
      email: 'del@example.com',
    });
  });

  it('retries transient errors with backoff until done, honouring Retry-After, and audits each retry', async () => {
    const p = await start();
    server.fail('ensureUser', { kind: 'transient', times: 2, status: 503, retryAfterMs: 30 });
    const started = Date.now();
    const { id, requestId } = await scim.createUser({ userName: 'flaky@example.com' });
    await expect(p.awaitRequest(requestId)).resolves.toEqual({ state: 'done' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(60);
    expect(server.callsOf('ensureUser')).toHaveLength(3);
    const job = await db.handle.db.provisioningJob.findFirst({ where: { scimId: id, target: 'server' } });
    expect(job).toMatchObject({ state: 'done', attempts: 3, lastStatus: 503 });
    await p.flushAudit();
    const retries = await db.handle.db.auditEvent.findMany({
      where: { requestId, kind: 'provisioning', target: 'server' },
      orderBy: { id: 'asc' },
    });
    expect(retries.map((e) => JSON.parse(e.detail ?? '{}').outcome)).toEqual(['retry', 'retry', 'created']);
  });

  it('answers rejected when a target refuses; compensation (delete) removes the half-done AAC person', async () => {
    const p = await start();
    server.fail('ensureUser', {
      kind: 'rejected',
      times: 1,
      status: 400,
      message: 'email domain not allowed',
    });
    const { id, requestId } = await scim.createUser({ userName: 'no@example.com' });
    const outcome = await p.awaitRequest(requestId);
    expect(outcome).toEqual({
      state: 'rejected',
      target: 'server',
      status: 400,
      message: 'email domain not allowed',
    });
    expect(await mapping(db.handle, 'User', id, 'server')).toMatchObject({
      state: 'failed',
      reason: 'email domain not allowed',
    });

    // The SCIM layer writes the previous state back (no user) with a new request id: AAC is undone.
    await waitFor(
      async () => (await db.handle.db.provisioningJob.count({ where: { requestId, state: 'done' } })) === 1,
    );
    expect(aac.userByEmail('no@example.com')).toBeDefined();
    await expect(p.awaitRequest(await scim.deleteUser(id, `${requestId}:undo`))).resolves.toEqual({
      state: 'done',
    });
    expect(aac.userByEmail('no@example.com')).toBeUndefined();
    expect(await mapping(db.handle, 'User', id, 'server')).toMatchObject({
      state: 'removed',
      upstreamId: null,
    });
  });

  it('re-provisions a user whose rejected DELETE was compensated (same id restored)', async () => {
    const p = await start();
    const { id, requestId } = await scim.createUser({ userName: 'keep@example.com', givenName: 'K' });
    await p.awaitRequest(requestId);
    server.fail('removeUser', { kind: 'rejected', times: 1, status: 409, message: 'user owns assets' });
    const deletion = await scim.deleteUser(id);
    await expect(p.awaitRequest(deletion)).resolves.toMatchObject({
      state: 'rejected',
      target: 'server',
      status: 409,
    });
    await waitFor(async () => (await mapping(db.handle, 'User', id, 'aac'))?.state === 'removed');
    expect(aac.userByEmail('keep@example.com')).toBeUndefined();

    await expect(p.awaitRequest(await scim.restoreUser(id, `${deletion}:undo`))).resolves.toEqual({
      state: 'done',
    });
    expect(aac.userByEmail('keep@example.com')).toBeDefined();
    expect(await mapping(db.handle, 'User', id, 'aac')).toMatchObject({ state: 'synced' });
    expect(await mapping(db.handle, 'User', id, 'server')).toMatchObject({ state: 'synced' });
    expect(server.userByEmail('keep@example.com')).toMatchObject({ active: true });
  });

  it('answers pending at the deadline while a target hangs, and finishes the work afterwards', async () => {
    const p = await start();
    aac.fail('ensureUser', { kind: 'hang', times: 1 });
    const { requestId } = await scim.createUser({ userName: 'slow@example.com' });
    const started = Date.now();
    await expect(p.awaitRequest(requestId, 150)).resolves.toEqual({ state: 'pending', targets: ['aac'] });
    expect(Date.now() - started).toBeLessThan(1_000);
    aac.releaseHanging();
    await expect(p.awaitRequest(requestId, 2_000)).resolves.toEqual({ state: 'done' });
  });

  it('retries authentication failures slowly and logs them loudly', async () => {
    const logger = recordingLogger();
    const p = await start(logger);
    aac.fail('ensureUser', { kind: 'auth', times: 1, status: 401, message: 'refresh token spent' });
    const { requestId } = await scim.createUser({ userName: 'auth@example.com' });
    await expect(p.awaitRequest(requestId)).resolves.toEqual({ state: 'done' });
    const loud = logger.lines.find(
      (l) => l.level === 'error' && /CREDENTIALS REFUSED by aac/.test(l.msg ?? ''),
    );
    expect(loud).toBeDefined();
  });

  it('relinks when the upstream user vanished (not found on update)', async () => {
    const p = await start();
    const { id, requestId } = await scim.createUser({ userName: 'gone@example.com', givenName: 'G' });
    await p.awaitRequest(requestId);
    const before = server.userByEmail('gone@example.com')!;
    server.users.delete(before.id);
    await expect(p.awaitRequest(await scim.updateUser(id, { givenName: 'H' }))).resolves.toEqual({
      state: 'done',
    });
    const after = server.userByEmail('gone@example.com')!;
    expect(after.id).not.toBe(before.id);
    expect(after.givenName).toBe('H');
    expect((await mapping(db.handle, 'User', id, 'server'))?.upstreamId).toBe(after.id);
  });
});
