// AAC connector under injected faults, token trouble and load. Every test ends by checking the simulator's
// state and request log: each effect happened exactly once.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Connector } from '../../src/core/connector.js';
import { UpstreamError } from '../../src/core/errors.js';
import { InMemoryCredentialStore } from '../../src/connectors/in-memory-credential-store.js';
import { startSimulators, type RunningSimulators } from '../../src/simulators/index.js';
import { aacConnector, aacRequests } from './aac-harness.js';
import { aUser, recordingContext } from './connector.contract.js';

let sims: RunningSimulators;
const open: Connector[] = [];

beforeAll(async () => {
  sims = await startSimulators({ aacPort: 0, serverPort: 0 });
});
afterAll(async () => {
  await sims.close();
});
beforeEach(() => {
  sims.aac.control.reset();
});
afterEach(async () => {
  await Promise.all(open.splice(0).map((connector) => connector.close()));
});

function connect(
  ...args: Parameters<typeof aacConnector> extends [unknown, ...infer Rest] ? Rest : never
): Connector {
  const connector = aacConnector(sims, ...args);
  open.push(connector);
  return connector;
}

const control = () => sims.aac.control;
const peopleWithEmail = (email: string) =>
  control()
    .state()
    .people.filter((p) => p.email.toLowerCase() === email.toLowerCase() && p.memberships.length > 0);
const membershipStatus = (personId: string) =>
  control()
    .state()
    .people.find((p) => String(p.id) === personId)
    ?.memberships.find((m) => m.workspaceId === sims.aac.workspaceId)?.status;
const tokenCalls = () => aacRequests(sims, 'POST', /\/as\/token$/);
const inviteCalls = () => aacRequests(sims, 'POST', /\/people\/batch$/);

describe('AAC connector: transient upstream failures', () => {
  it('waits out a 429 with x-retry-after and invites once', async () => {
    const connector = connect();
    await connector.checkReady(recordingContext());
    control().addFault({
      kind: 'status',
      status: 429,
      retryAfterSeconds: 1,
      method: 'POST',
      path: '/v4/workspaces/*/people/batch',
    });
    const ctx = recordingContext();
    const user = aUser();
    const started = Date.now();
    const result = await connector.ensureUser(user, ctx);
    expect(result.outcome).toBe('invited');
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(inviteCalls().map((r) => r.status)).toEqual([429, 201]);
    expect(
      ctx.calls.filter((c) => c.path.endsWith('/people/batch')).map((c) => [c.attempt, c.status]),
    ).toEqual([
      [1, 429],
      [2, 201],
    ]);
    expect(peopleWithEmail(user.email)).toHaveLength(1);
  });

  it('retries look-ups after 500 and 503, and an invite after a dropped connection', async () => {
    const connector = connect();
    control().addFault({
      kind: 'status',
      status: 500,
      method: 'GET',
      path: '/v4/workspaces/*/people',
      count: 1,
    });
    control().addFault({
      kind: 'status',
      status: 503,
      method: 'GET',
      path: '/v4/workspaces/*/people',
      count: 1,
    });
    control().addFault({ kind: 'drop', method: 'POST', path: '/v4/workspaces/*/people/batch' });
    const user = aUser();
    const result = await connector.ensureUser(user, recordingContext());
    expect(result.outcome).toBe('invited');
    expect(inviteCalls().map((r) => r.status)).toEqual([null, 201]);
    expect(peopleWithEmail(user.email).map((p) => String(p.id))).toEqual([result.upstreamId]);
  });

  it('times out a hanging suspend and repeats it (suspend is idempotent)', async () => {
    const connector = connect();
    const { upstreamId } = await connector.ensureUser(aUser(), recordingContext());
    control().addFault({
      kind: 'hang',
      ms: 1_000,
      then: 'destroy',
      method: 'POST',
      path: '/v4/workspaces/*/people/suspend',
    });
    const ctx = recordingContext();
    await connector.deactivateUser(upstreamId, ctx);
    expect(membershipStatus(upstreamId)).toBe('suspended');
    expect(ctx.calls.filter((c) => c.path.endsWith('/suspend')).map((c) => c.status)).toEqual([null, 200]);
  });

  it('does not blindly repeat a group create after a dropped connection, but creates exactly one group', async () => {
    const connector = connect();
    control().addFault({ kind: 'drop', method: 'POST', path: '/v4/workspaces/*/groups' });
    const { upstreamId } = await connector.ensureGroup('Finance', recordingContext());
    const groups = control()
      .state()
      .groups.filter((g) => g.name === 'Finance');
    expect(groups.map((g) => g.id)).toEqual([upstreamId]);
    // first POST dropped, then a look-up proved it absent, then one more POST
    expect(aacRequests(sims, 'POST', /\/groups$/).map((r) => r.status)).toEqual([null, 201]);
  });

  it('turns an exhausted retry budget into a transient UpstreamError', async () => {
    const connector = connect();
    control().addFault({
      kind: 'status',
      status: 503,
      method: 'GET',
      path: '/v4/workspaces/*/people',
      count: 10,
    });
    const error = await connector.ensureUser(aUser(), recordingContext()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UpstreamError);
    expect((error as UpstreamError).kind).toBe('transient');
    expect(inviteCalls()).toHaveLength(0);
  });
});

describe('AAC connector: tokens', () => {
  it('renews an access token that expires mid-run with one refresh', async () => {
    const connector = connect();
    await connector.ensureUser(aUser(), recordingContext());
    expect(control().expireAccessTokens()).toBeGreaterThan(0);
    const ctx = recordingContext();
    await connector.ensureUser(aUser(), ctx);
    expect(tokenCalls().map((r) => r.status)).toEqual([200, 200]);
    expect(ctx.calls[0]?.status).toBe(401);
  });

  it('continues from the stored rotated token after a restart (the configured one is spent)', async () => {
    const store = new InMemoryCredentialStore();
    const first = connect(store);
    await first.ensureUser(aUser(), recordingContext());
    await first.close();
    control().expireAccessTokens();
    // Same configuration (AAC_REFRESH_TOKEN is the original, now spent), same store: a restart.
    const restarted = connect(store);
    await restarted.ensureUser(aUser(), recordingContext());
    expect(tokenCalls().map((r) => r.status)).toEqual([200, 200]);
    expect(
      control()
        .state()
        .tokens.refreshTokens.filter((t) => t.status === 'active'),
    ).toHaveLength(1);
  });

  it('reports a truly spent refresh token as an auth error', async () => {
    expect(control().revokeRefreshToken(sims.aac.refreshToken)).toBe(true);
    const connector = connect();
    const error = await connector.checkReady(recordingContext()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UpstreamError);
    expect((error as UpstreamError).kind).toBe('auth');
    expect((error as UpstreamError).message).not.toContain(sims.aac.refreshToken);
  });

  it('accepts a new AAC_REFRESH_TOKEN when the stored one has died', async () => {
    const store = new InMemoryCredentialStore();
    await connect(store).checkReady(recordingContext());
    for (const token of control().state().tokens.refreshTokens) control().revokeRefreshToken(token.handle);
    control().expireAccessTokens();
    const fresh = control().issueRefreshToken();
    const connector = connect(store, { initialRefreshToken: fresh });
    await expect(connector.ensureUser(aUser(), recordingContext())).resolves.toMatchObject({
      outcome: 'invited',
    });
  });

  it('two replicas sharing the store never spend the same refresh token', async () => {
    const store = new InMemoryCredentialStore();
    const a = connect(store);
    const b = connect(store);
    await Promise.all([a.checkReady(recordingContext()), b.checkReady(recordingContext())]);
    expect(tokenCalls().map((r) => r.status)).toEqual([200]);

    control().expireAccessTokens();
    await Promise.all([a.ensureUser(aUser(), recordingContext()), b.ensureUser(aUser(), recordingContext())]);
    expect(tokenCalls().map((r) => r.status)).toEqual([200, 200]);
  });

  it('refreshes proactively shortly before the access token expires (no 401 needed)', async () => {
    control().updateSettings({ access_token_ttl_s: 60 });
    let offset = 0;
    const connector = connect(new InMemoryCredentialStore(), {}, { now: () => Date.now() + offset });
    await connector.checkReady(recordingContext());
    offset += 45_000; // 15 s left < skew (min(30 s, half of 60 s))
    control().advanceClock(45_000);
    const ctx = recordingContext();
    await connector.checkReady(ctx);
    expect(tokenCalls().map((r) => r.status)).toEqual([200, 200]);
    expect(ctx.calls.some((c) => c.status === 401)).toBe(false);
  });

  it('repeats a throttled token request, but not one that failed ambiguously (the token may be rotated)', async () => {
    control().addFault({
      kind: 'status',
      status: 429,
      retryAfterSeconds: 0,
      method: 'POST',
      path: '/as/token',
    });
    await connect().checkReady(recordingContext());
    expect(tokenCalls().map((r) => r.status)).toEqual([429, 200]);

    control().reset();
    control().addFault({ kind: 'status', status: 503, method: 'POST', path: '/as/token' });
    const connector = connect();
    const error = await connector.checkReady(recordingContext()).catch((e: unknown) => e);
    expect((error as UpstreamError).kind).toBe('transient');
    // the failed attempt released its refresh lease: the next call refreshes at once instead of waiting for it
    const started = Date.now();
    await connector.checkReady(recordingContext());
    expect(Date.now() - started).toBeLessThan(1_500);
    expect(tokenCalls().map((r) => r.status)).toEqual([503, 200]);
  });

  it('derives the token URL from the token issuer when AAC_TOKEN_URL is not set', async () => {
    const jwtRefreshToken = control().issueRefreshToken();
    const connector = connect(new InMemoryCredentialStore(), {
      tokenUrl: undefined,
      initialRefreshToken: jwtRefreshToken,
    });
    await connector.checkReady(recordingContext());
    expect(tokenCalls().map((r) => r.status)).toEqual([200]);
  });
});

describe('AAC connector: stale mappings', () => {
  it('suspending someone no longer in the workspace is not-found, not a bad request', async () => {
    const connector = connect();
    const { upstreamId } = await connector.ensureUser(aUser(), recordingContext());
    await connector.removeUser(upstreamId, recordingContext());
    const error = await connector.deactivateUser(upstreamId, recordingContext()).catch((e: unknown) => e);
    expect((error as UpstreamError).kind).toBe('not-found');
  });

  it('updateUser of a removed person is not-found', async () => {
    const connector = connect();
    const user = aUser();
    const { upstreamId } = await connector.ensureUser(user, recordingContext());
    await connector.removeUser(upstreamId, recordingContext());
    const error = await connector.updateUser(upstreamId, user, recordingContext()).catch((e: unknown) => e);
    expect((error as UpstreamError).kind).toBe('not-found');
  });
});

describe('AAC connector: micro-batching', () => {
  it('sends 50 concurrent invites as at most 2 batch calls and routes each person id back', async () => {
    // The first invite of a burst waits the short window; the rest of the burst shares the busy window's call.
    const connector = connect(undefined, { batchWindowMs: 10, busyBatchWindowMs: 2_000 });
    await connector.checkReady(recordingContext());
    const users = Array.from({ length: 50 }, () => aUser());
    const results = await Promise.all(users.map((user) => connector.ensureUser(user, recordingContext())));
    expect(inviteCalls().length).toBeLessThanOrEqual(2);
    expect(new Set(results.map((r) => r.upstreamId)).size).toBe(50);
    users.forEach((user, i) => {
      expect(peopleWithEmail(user.email).map((p) => String(p.id))).toEqual([results[i]?.upstreamId]);
    });
  });

  it('a lone invite does not wait for company: its first upstream call starts within the 10 ms window', async () => {
    const connector = connect();
    await connector.checkReady(recordingContext());
    const started = performance.now();
    const firstCallStarts: number[] = [];
    const ctx = {
      requestId: 'lone',
      onUpstreamCall: (call: { durationMs: number }) =>
        firstCallStarts.push(performance.now() - call.durationMs - started),
    };
    const result = await connector.ensureUser(aUser(), ctx);
    expect(result.outcome).toBe('invited');
    // 10 ms window + scheduling; generous for a loaded CI machine, far below any "wait for a full batch" design.
    expect(firstCallStarts[0]).toBeLessThan(100);
  });

  it('a refused batch is split so only the bad address fails', async () => {
    const connector = connect();
    await connector.checkReady(recordingContext());
    const good = [aUser(), aUser(), aUser()];
    const bad = aUser({ email: 'not-an-email' });
    const settled = await Promise.allSettled(
      [...good, bad].map((user) => connector.ensureUser(user, recordingContext())),
    );
    expect(settled.slice(0, 3).map((s) => s.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled']);
    const failure = settled[3];
    expect(failure?.status).toBe('rejected');
    expect(((failure as PromiseRejectedResult).reason as UpstreamError).kind).toBe('rejected');
    for (const user of good) expect(peopleWithEmail(user.email)).toHaveLength(1);
  });

  it('batches concurrent suspends into one call', async () => {
    const connector = connect();
    const ids = (
      await Promise.all(Array.from({ length: 20 }, () => connector.ensureUser(aUser(), recordingContext())))
    ).map((r) => r.upstreamId);
    await Promise.all(ids.map((id) => connector.deactivateUser(id, recordingContext())));
    expect(aacRequests(sims, 'POST', /\/people\/suspend$/).length).toBeLessThanOrEqual(2);
    for (const id of ids) expect(membershipStatus(id)).toBe('suspended');
  });
});

describe('AAC connector: people look-ups (Part D #13)', () => {
  const searches = () => aacRequests(sims, 'GET', /\/workspaces\/\d+\/people$/);
  const pendingSearches = () => searches().filter((r) => r.query.status === 'new');

  it('stops asking for status=new before an invite once the workspace has listed a fresh invitee', async () => {
    const connector = connect();
    await connector.ensureUser(aUser(), recordingContext());
    // Not known yet: before the first invite both lists were read.
    expect(pendingSearches()).toHaveLength(1);
    const before = searches().length;
    const second = await connector.ensureUser(aUser(), recordingContext());
    expect(second.outcome).toBe('invited');
    // One look-up before the invite (unfiltered only), one after: the invitee appears in the unfiltered list.
    expect(searches().length - before).toBe(2);
    expect(pendingSearches()).toHaveLength(1);
  });

  it('keeps asking for status=new where pending invitees are hidden, and still links them', async () => {
    control().updateSettings({ list_includes_pending: false });
    const connector = connect();
    const user = aUser();
    const first = await connector.ensureUser(user, recordingContext());
    const again = await connector.ensureUser(aUser({ email: user.email }), recordingContext());
    expect(again).toEqual({ upstreamId: first.upstreamId, outcome: 'linked' });
    expect(inviteCalls()).toHaveLength(1);
  });
});
