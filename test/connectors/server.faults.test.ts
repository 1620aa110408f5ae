// Server connector under injected faults and token trouble. Every test ends by checking the simulator's state
// and request log: each effect happened exactly once.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Connector } from '../../src/core/connector.js';
import { UpstreamError } from '../../src/core/errors.js';
import { startSimulators, type RunningSimulators } from '../../src/simulators/index.js';
import { aUser, recordingContext } from './connector.contract.js';
import { serverConnector, serverRequests } from './server-harness.js';

let sims: RunningSimulators;
const open: Connector[] = [];

beforeAll(async () => {
  sims = await startSimulators({ aacPort: 0, serverPort: 0 });
});
afterAll(async () => {
  await sims.close();
});
beforeEach(() => {
  sims.server.control.reset();
});
afterEach(async () => {
  await Promise.all(open.splice(0).map((connector) => connector.close()));
});

function connect(
  overrides: Parameters<typeof serverConnector>[1] = {},
  clock?: { now(): number },
): Connector {
  const connector = serverConnector(sims, overrides, clock);
  open.push(connector);
  return connector;
}

const control = () => sims.server.control;
const usersWithEmail = (email: string) =>
  control()
    .state()
    .users.filter((u) => u.email.toLowerCase() === email.toLowerCase());
const tokenCalls = () => serverRequests(sims, 'POST', /\/oauth2\/token$/);
const createCalls = () => serverRequests(sims, 'POST', /\/v3\/users$/);

describe('Server connector: transient upstream failures', () => {
  it('retries a create after 429 with Retry-After and creates one user', async () => {
    const connector = connect();
    control().addFault({
      kind: 'status',
      status: 429,
      retryAfterSeconds: 0,
      method: 'POST',
      path: '/webapi/v3/users',
    });
    const user = aUser();
    const ctx = recordingContext();
    expect((await connector.ensureUser(user, ctx)).outcome).toBe('created');
    expect(createCalls().map((r) => r.status)).toEqual([429, 200]);
    expect(usersWithEmail(user.email)).toHaveLength(1);
  });

  it('after a 503 on create, looks up before creating again: exactly one user', async () => {
    const connector = connect();
    control().addFault({ kind: 'status', status: 503, method: 'POST', path: '/webapi/v3/users' });
    const user = aUser();
    const result = await connector.ensureUser(user, recordingContext());
    expect(usersWithEmail(user.email).map((u) => u.id)).toEqual([result.upstreamId]);
    expect(createCalls().map((r) => r.status)).toEqual([503, 200]);
    // the look-up in between proved the first create did not happen
    const lookups = serverRequests(sims, 'GET', /\/v3\/users$/);
    expect(lookups.length).toBeGreaterThanOrEqual(2);
  });

  it('retries a look-up after a dropped connection and a hanging PUT after its timeout', async () => {
    const connector = connect();
    const user = aUser();
    control().addFault({ kind: 'drop', method: 'GET', path: '/webapi/v3/users' });
    const { upstreamId } = await connector.ensureUser(user, recordingContext());
    control().addFault({
      kind: 'hang',
      ms: 1_000,
      then: 'destroy',
      method: 'PUT',
      path: '/webapi/v3/users/*',
    });
    const ctx = recordingContext();
    const result = await connector.updateUser(
      upstreamId,
      { ...user, givenName: 'Grace', familyName: 'Hopper' },
      ctx,
    );
    expect(result.outcome).toBe('updated');
    expect(ctx.calls.filter((c) => c.method === 'PUT').map((c) => c.status)).toEqual([null, 200]);
    const stored = control()
      .state()
      .users.find((u) => u.id === upstreamId);
    expect([stored?.firstName, stored?.lastName]).toEqual(['Grace', 'Hopper']);
  });

  it('gives up with a transient error when the upstream keeps failing', async () => {
    const connector = connect();
    control().addFault({
      kind: 'status',
      status: 500,
      method: 'GET',
      path: '/webapi/v3/usergroups',
      count: 10,
    });
    const error = await connector.ensureGroup('Ops', recordingContext()).catch((e: unknown) => e);
    expect((error as UpstreamError).kind).toBe('transient');
    expect(serverRequests(sims, 'POST', /\/v3\/usergroups$/)).toHaveLength(0);
  });
});

describe('Server connector: duplicates and deletes', () => {
  it('two replicas racing on one email end with one user (duplicate email 400 → look up and link)', async () => {
    const a = connect();
    const b = connect();
    const user = aUser();
    const results = await Promise.all([
      a.ensureUser(user, recordingContext()),
      b.ensureUser(user, recordingContext()),
    ]);
    expect(usersWithEmail(user.email)).toHaveLength(1);
    expect(results[0]?.upstreamId).toBe(results[1]?.upstreamId);
  });

  it('creates users with names derived from displayName or the email when SCIM has no name parts', async () => {
    const connector = connect();
    const fromDisplay = await connector.ensureUser(
      aUser({ givenName: undefined, familyName: undefined, displayName: 'Grace Brewster Hopper' }),
      recordingContext(),
    );
    const fromEmail = await connector.ensureUser(
      aUser({
        email: 'alan.turing@example.com',
        givenName: undefined,
        familyName: undefined,
        displayName: undefined,
      }),
      recordingContext(),
    );
    const byId = (id: string) =>
      control()
        .state()
        .users.find((u) => u.id === id);
    expect([byId(fromDisplay.upstreamId)?.firstName, byId(fromDisplay.upstreamId)?.lastName]).toEqual([
      'Grace',
      'Brewster Hopper',
    ]);
    expect([byId(fromEmail.upstreamId)?.firstName, byId(fromEmail.upstreamId)?.lastName]).toEqual([
      'alan',
      'turing',
    ]);
  });

  it('creates an inactive SCIM user inactive, with SERVER_DEFAULT_ROLE', async () => {
    const connector = connect({ defaultRole: 'Viewer' });
    const { upstreamId } = await connector.ensureUser(aUser({ active: false }), recordingContext());
    const stored = control()
      .state()
      .users.find((u) => u.id === upstreamId);
    expect([stored?.isActive, stored?.role]).toEqual([false, 'Viewer']);
  });

  it('delete mode empties the groups first, returns them, and deletes the user', async () => {
    const connector = connect({ deleteMode: 'delete' });
    const ctx = recordingContext();
    const { upstreamId } = await connector.ensureUser(aUser(), ctx);
    const { upstreamId: groupId } = await connector.ensureGroup('Designers', ctx);
    await connector.addMembers(groupId, [upstreamId], ctx);
    const removed = await connector.removeUser(upstreamId, ctx);
    expect(removed.removedGroupIds).toEqual([groupId]);
    expect(
      control()
        .state()
        .users.some((u) => u.id === upstreamId),
    ).toBe(false);
  });

  it('a refused hard delete (user owns assets) surfaces as rejected and leaves the user deactivated', async () => {
    const connector = connect({ deleteMode: 'delete' });
    const { upstreamId } = await connector.ensureUser(aUser(), recordingContext());
    control().addAssets(upstreamId, { workflows: 1 });
    const error = await connector.removeUser(upstreamId, recordingContext()).catch((e: unknown) => e);
    expect((error as UpstreamError).kind).toBe('rejected');
    expect(
      control()
        .state()
        .users.find((u) => u.id === upstreamId)?.isActive,
    ).toBe(false);
  });
});

describe('Server connector: tokens', () => {
  it('caches the token and renews it once after it is expired mid-run', async () => {
    const connector = connect();
    await connector.ensureUser(aUser(), recordingContext());
    await connector.ensureUser(aUser(), recordingContext());
    expect(tokenCalls()).toHaveLength(1);
    control().expireTokens();
    const ctx = recordingContext();
    await connector.ensureUser(aUser(), ctx);
    expect(tokenCalls().map((r) => r.status)).toEqual([200, 200]);
    expect(ctx.calls[0]?.status).toBe(401);
  });

  it('fetches a new token shortly before expiry, without waiting for a 401', async () => {
    control().updateSettings({ token_ttl_s: 120 });
    let offset = 0;
    const connector = connect({}, { now: () => Date.now() + offset });
    await connector.checkReady(recordingContext());
    offset += 90_000; // 30 s left < skew (min(60 s, half of 120 s))
    control().advanceClock(90_000);
    const ctx = recordingContext();
    await connector.checkReady(ctx);
    expect(tokenCalls()).toHaveLength(2);
    expect(ctx.calls.some((c) => c.status === 401)).toBe(false);
  });

  it('falls back to form credentials when the server refuses the Basic header', async () => {
    control().updateSettings({ token_auth_style: 'form' });
    const connector = connect({ tokenAuthStyle: 'basic' });
    await connector.checkReady(recordingContext());
    await connector.checkReady(recordingContext());
    // one refused Basic attempt, one accepted form attempt, then the cached token: the style is remembered
    const statuses = tokenCalls().map((r) => r.status);
    expect(statuses).toHaveLength(2);
    expect([400, 401]).toContain(statuses[0]);
    expect(statuses[1]).toBe(200);
  });

  it('reports a wrong secret as an auth error without echoing it', async () => {
    const connector = connect({ clientSecret: 'definitely-wrong-secret' });
    const error = await connector.checkReady(recordingContext()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UpstreamError);
    expect((error as UpstreamError).kind).toBe('auth');
    expect((error as UpstreamError).message).not.toContain('definitely-wrong-secret');
  });

  it('a non-Curator key is an auth error (Part D #31: 403 or 401)', async () => {
    const viewerId = control().seedUsers([
      { firstName: 'Val', lastName: 'Viewer', email: 'viewer@example.com', role: 'Viewer' },
    ])[0];
    const key = control().addApiKey(viewerId ?? '');
    for (const status of [403, 401] as const) {
      control().updateSettings({ non_curator_status: status });
      const connector = connect({ clientId: key.clientId, clientSecret: key.clientSecret });
      const error = await connector.ensureGroup('Nope', recordingContext()).catch((e: unknown) => e);
      expect((error as UpstreamError).kind).toBe('auth');
    }
  });
});
