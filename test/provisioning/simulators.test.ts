// The runner against the real connectors and the AAC and Server HTTP simulators on 127.0.0.1: SCIM rows written
// with the outbox, then the simulators' state asserted. Also exercises the Prisma CredentialStore (AAC rotates its
// refresh token on every use) and checks that no secret reaches the audit trail.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAacConnector } from '../../src/connectors/aac/index.js';
import { createServerConnector } from '../../src/connectors/server/index.js';
import type { Connector } from '../../src/core/connector.js';
import { startSimulators, type RunningSimulators } from '../../src/simulators/index.js';
import type { Provisioning } from '../../src/container.js';
import { createPrismaCredentialStore } from '../../src/store/provisioning/index.js';
import { createTestDatabase, type TestDatabase } from './test-db.js';
import { ScimFixture } from './scim-fixture.js';
import { mapping, startProvisioning } from './harness.js';

let db: TestDatabase;
let sims: RunningSimulators;
let connectors: Connector[];
let provisioning: Provisioning;
let scim: ScimFixture;

const FAST_HTTP = {
  timeoutMs: 2_000,
  retry: { maxAttempts: 3, baseDelayMs: 5, maxDelayMs: 40, maxRetryAfterMs: 2_000 },
  rateLimit: { requestsPerSecond: 0, maxConcurrent: 16 },
};

beforeAll(async () => {
  db = await createTestDatabase();
  sims = await startSimulators();
  connectors = [
    createAacConnector(
      {
        apiUrl: sims.aac.baseUrl,
        tokenUrl: sims.aac.tokenUrl,
        clientId: sims.aac.clientId,
        initialRefreshToken: sims.aac.refreshToken,
        workspaceId: sims.aac.workspaceId,
        ...FAST_HTTP,
      },
      { credentialStore: createPrismaCredentialStore(db.handle) },
    ),
    createServerConnector(
      {
        apiUrl: sims.server.baseUrl,
        clientId: sims.server.clientId,
        clientSecret: sims.server.clientSecret,
        ...FAST_HTTP,
      },
      {},
    ),
  ];
  provisioning = startProvisioning(db.handle, connectors);
  await provisioning.start();
  scim = new ScimFixture(db.handle, ['aac', 'server']);
});

afterAll(async () => {
  await provisioning?.stop();
  for (const c of connectors ?? []) await c.close();
  await sims?.close();
  await db?.dispose();
});

const aacPerson = (email: string) =>
  sims.aac.control.state().people.find((p) => p.email.toLowerCase() === email);
const aacStatus = (email: string) =>
  aacPerson(email)?.memberships.find((m) => m.workspaceId === sims.aac.workspaceId)?.status;
const serverUser = (email: string) =>
  sims.server.control.state().users.find((u) => u.email.toLowerCase() === email);
const aacGroup = (name: string) => sims.aac.control.state().groups.find((g) => g.name === name);
const serverGroup = (name: string) => sims.server.control.state().groups.find((g) => g.name === name);

describe('provisioning against the simulators', () => {
  it('provisions users and a group with members on both targets', async () => {
    const ann = await scim.createUser({
      userName: 'ann@example.com',
      email: 'ann@example.com',
      givenName: 'Ann',
      familyName: 'Lee',
    });
    const ben = await scim.createUser({
      userName: 'ben@example.com',
      email: 'ben@example.com',
      givenName: 'Ben',
      familyName: 'Ng',
      active: false,
    });
    await expect(provisioning.awaitRequest(ann.requestId)).resolves.toEqual({ state: 'done' });
    await expect(provisioning.awaitRequest(ben.requestId)).resolves.toEqual({ state: 'done' });

    expect(aacPerson('ann@example.com')).toBeDefined();
    expect(aacPerson('ben@example.com')).toBeUndefined(); // inactive: not invited to AAC
    expect(serverUser('ann@example.com')).toMatchObject({
      firstName: 'Ann',
      lastName: 'Lee',
      isActive: true,
    });
    expect(serverUser('ben@example.com')).toMatchObject({ isActive: false });
    expect(await mapping(db.handle, 'User', ben.id, 'aac')).toMatchObject({ state: 'not_propagated' });

    const group = await scim.createGroup('Data Team', [ann.id, ben.id]);
    await expect(provisioning.awaitRequest(group.requestId)).resolves.toEqual({ state: 'done' });
    const annServer = serverUser('ann@example.com')!;
    expect(serverGroup('Data Team')?.memberIds).toEqual([annServer.id]);
    expect(aacGroup('Data Team')?.users).toEqual([aacPerson('ann@example.com')!.id]);

    // Ben is activated: invited to AAC, reactivated on Server, and his SCIM membership follows on both.
    await expect(provisioning.awaitRequest(await scim.updateUser(ben.id, { active: true }))).resolves.toEqual(
      { state: 'done' },
    );
    expect(serverUser('ben@example.com')).toMatchObject({ isActive: true });
    expect(serverGroup('Data Team')?.memberIds).toHaveLength(2);
    expect(aacPerson('ben@example.com')).toBeDefined();
    expect(aacGroup('Data Team')?.users).toHaveLength(2);

    // Rename, then deactivate Ann (Server empties her groups), reactivate her (restored).
    await expect(provisioning.awaitRequest(await scim.renameGroup(group.id, 'Data & AI'))).resolves.toEqual({
      state: 'done',
    });
    expect(serverGroup('Data & AI')).toBeDefined();
    expect(aacGroup('Data & AI')).toBeDefined();
    await expect(
      provisioning.awaitRequest(await scim.updateUser(ann.id, { active: false })),
    ).resolves.toEqual({ state: 'done' });
    expect(serverUser('ann@example.com')).toMatchObject({ isActive: false });
    expect(aacStatus('ann@example.com')).toMatch(/suspend/i);
    await expect(provisioning.awaitRequest(await scim.updateUser(ann.id, { active: true }))).resolves.toEqual(
      { state: 'done' },
    );
    expect(serverGroup('Data & AI')?.memberIds).toContain(annServer.id);

    // Server takes a name change; AAC cannot, which is recorded, not failed.
    await expect(
      provisioning.awaitRequest(await scim.updateUser(ann.id, { familyName: 'Park' })),
    ).resolves.toEqual({ state: 'done' });
    expect(serverUser('ann@example.com')).toMatchObject({ lastName: 'Park' });
    expect(await mapping(db.handle, 'User', ann.id, 'aac')).toMatchObject({ state: 'not_propagated' });

    // Member removed, user deleted, group deleted.
    await expect(provisioning.awaitRequest(await scim.removeMembers(group.id, [ben.id]))).resolves.toEqual({
      state: 'done',
    });
    expect(serverGroup('Data & AI')?.memberIds).toEqual([annServer.id]);
    await expect(provisioning.awaitRequest(await scim.deleteUser(ben.id))).resolves.toEqual({
      state: 'done',
    });
    expect(aacStatus('ben@example.com')).toBeUndefined();
    expect(serverUser('ben@example.com')).toMatchObject({ isActive: false }); // SERVER_DELETE_MODE=deactivate
    await expect(provisioning.awaitRequest(await scim.deleteGroup(group.id))).resolves.toEqual({
      state: 'done',
    });
    expect(serverGroup('Data & AI')).toBeUndefined();
    expect(aacGroup('Data & AI')).toBeUndefined();
  });

  it('persists the rotated AAC refresh token and keeps secrets out of the audit trail', async () => {
    await provisioning.flushAudit();
    const credentials = await db.handle.db.credential.findMany({ select: { key: true, version: true } });
    expect(credentials.length).toBeGreaterThan(0);
    const events = await db.handle.db.auditEvent.findMany({ where: { kind: 'upstream' } });
    expect(events.length).toBeGreaterThan(10);
    expect(events.some((e) => e.target === 'server' && e.path?.startsWith('/v3/users'))).toBe(true);
    const everything = JSON.stringify(events);
    for (const secret of [sims.server.clientSecret, sims.aac.refreshToken])
      expect(everything).not.toContain(secret);
    const stored = await db.handle.db.credential.findMany();
    for (const c of stored) expect(everything).not.toContain(c.value.slice(0, 40));
  });
});
