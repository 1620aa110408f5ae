// The /__sim/ controls of both simulators and their typed in-process twins: faults, latency, reset, request log,
// state, and the simulator-specific hooks.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSimulators, type RunningSimulators } from '../../src/simulators/index.js';
import { arr, http, obj } from './http.js';

let sims: RunningSimulators;
let aacToken: string;
let serverToken: string;
const aac = (method: string, path: string, options: Parameters<typeof http>[2] = {}) =>
  http(method, sims.aac.baseUrl + path, { token: aacToken, ...options });
const server = (method: string, path: string, options: Parameters<typeof http>[2] = {}) =>
  http(method, sims.server.baseUrl + path, { token: serverToken, ...options });

beforeAll(async () => {
  sims = await startSimulators();
});
beforeEach(() => {
  sims.aac.control.reset();
  sims.server.control.reset();
  aacToken = sims.aac.control.issueAccessToken();
  serverToken = sims.server.control.issueAccessToken();
});
afterAll(async () => {
  await sims.close();
});

describe('faults', () => {
  it('429 on AAC carries x-retry-after and an AAC exception body; only the next N matching calls fail', async () => {
    const res = await http('POST', `${sims.aac.baseUrl}/__sim/faults`, {
      json: {
        kind: 'status',
        status: 429,
        retryAfterSeconds: 7,
        method: 'GET',
        path: '/v4/people',
        count: 2,
      },
    });
    expect(res.status).toBe(201);
    const first = await aac('GET', '/v4/people');
    expect(first.status).toBe(429);
    expect(first.headers.get('x-retry-after')).toBe('7');
    expect(first.headers.get('retry-after')).toBeNull();
    expect(obj(obj(first.body).exception).name).toBe('TooManyRequestsException');
    expect((await aac('GET', '/v4/workspaces/current')).status).toBe(200);
    expect((await aac('GET', '/v4/people')).status).toBe(429);
    expect((await aac('GET', '/v4/people')).status).toBe(200);
  });

  it('429 on Server carries Retry-After', async () => {
    sims.server.control.addFault({
      kind: 'status',
      status: 429,
      retryAfterSeconds: 3,
      path: '/webapi/v3/**',
    });
    const res = await server('GET', '/v3/users');
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('3');
    expect(res.headers.get('x-retry-after')).toBeNull();
  });

  it('500 and 503 with the simulator body shapes; patterns with * match one segment', async () => {
    sims.aac.control.addFault({
      kind: 'status',
      status: 503,
      method: 'POST',
      path: '/v4/workspaces/*/people/batch',
    });
    const aacRes = await aac('POST', `/v4/workspaces/${sims.aac.workspaceId}/people/batch`, {
      json: { emails: ['x@example.com'] },
    });
    expect(aacRes.status).toBe(503);
    expect(obj(aacRes.body).exception).toBeDefined();
    sims.server.control.addFault({ kind: 'status', status: 500, method: 'POST', path: '/webapi/v3/users' });
    const serverRes = await server('POST', '/v3/users', {
      json: { firstName: 'a', lastName: 'b', email: 'a@b.co' },
    });
    expect(serverRes.status).toBe(500);
    expect(obj(serverRes.body).message).toEqual(expect.any(String));
    expect(arr(sims.server.control.state().users)).toHaveLength(1);
  });

  it('faults can hit the token endpoints too', async () => {
    sims.aac.control.addFault({ kind: 'status', status: 503, path: '/as/token' });
    const res = await http('POST', sims.aac.tokenUrl, {
      form: {
        grant_type: 'refresh_token',
        refresh_token: sims.aac.refreshToken,
        client_id: sims.aac.clientId,
      },
    });
    expect(res.status).toBe(503);
  });

  it('drop destroys the connection', async () => {
    sims.aac.control.addFault({ kind: 'drop', path: '/v4/workspaces/current' });
    await expect(aac('GET', '/v4/workspaces/current')).rejects.toThrow();
    expect((await aac('GET', '/v4/workspaces/current')).status).toBe(200);
  });

  it('hang holds the socket N ms, then destroys it or answers', async () => {
    sims.server.control.addFault({ kind: 'hang', ms: 150, then: 'destroy', path: '/webapi/v3/users' });
    const started = Date.now();
    await expect(server('GET', '/v3/users')).rejects.toThrow();
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    sims.server.control.addFault({ kind: 'hang', ms: 150, then: 'answer', path: '/webapi/v3/users' });
    const again = Date.now();
    expect((await server('GET', '/v3/users')).status).toBe(200);
    expect(Date.now() - again).toBeGreaterThanOrEqual(140);
  });

  it('GET/DELETE /__sim/faults list and clear rules; bad specs → 400', async () => {
    sims.aac.control.addFault({ kind: 'status', status: 500, path: '/v4/**', count: 5 });
    const list = await http('GET', `${sims.aac.baseUrl}/__sim/faults`);
    expect(arr(list.body)).toEqual([expect.objectContaining({ remaining: 5 })]);
    expect((await http('DELETE', `${sims.aac.baseUrl}/__sim/faults`)).status).toBe(204);
    expect((await aac('GET', '/v4/people')).status).toBe(200);
    const bad = await http('POST', `${sims.aac.baseUrl}/__sim/faults`, {
      json: { kind: 'status', status: 418, path: '/v4/**' },
    });
    expect(bad.status).toBe(400);
  });
});

describe('latency', () => {
  it('fixed latency delays every simulated route; controls are exempt', async () => {
    const res = await http('PUT', `${sims.server.origin}/__sim/latency`, { json: { fixedMs: 120 } });
    expect(obj(res.body).latency).toEqual({ fixedMs: 120 });
    const started = Date.now();
    await server('GET', '/v3/users');
    expect(Date.now() - started).toBeGreaterThanOrEqual(110);
    const control = Date.now();
    await http('GET', `${sims.server.origin}/__sim/state`);
    expect(Date.now() - control).toBeLessThan(100);
  });

  it('a random range stays inside its bounds; null switches latency off', async () => {
    sims.aac.control.setLatency({ minMs: 60, maxMs: 90 });
    const started = Date.now();
    await aac('GET', '/v4/workspaces/current');
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(55);
    expect(elapsed).toBeLessThan(400);
    sims.aac.control.setLatency(null);
    expect(sims.aac.control.latency()).toBeNull();
    expect(() => sims.aac.control.setLatency({ minMs: 10, maxMs: 5 })).toThrow();
  });

  it('startSimulators({latencyMs}) applies latency from the start', async () => {
    const slow = await startSimulators({ latencyMs: 80 });
    try {
      const started = Date.now();
      await http('GET', `${slow.server.baseUrl}/v3/users`);
      expect(Date.now() - started).toBeGreaterThanOrEqual(75);
    } finally {
      await slow.close();
    }
  });
});

describe('request log, state and reset', () => {
  it('the request log records method, path, query, status and time, masks secret-looking params, skips /__sim/', async () => {
    await aac('GET', '/v4/people', { query: { email: 'a@example.com', access_token: 'leak-me' } });
    await http('POST', sims.aac.tokenUrl, {
      form: {
        grant_type: 'refresh_token',
        refresh_token: sims.aac.refreshToken,
        client_id: sims.aac.clientId,
      },
    });
    const log = await http('GET', `${sims.aac.baseUrl}/__sim/requests`);
    const entries = arr(log.body).map(obj);
    expect(entries).toHaveLength(2);
    expect(entries[0]).toMatchObject({
      method: 'GET',
      path: '/v4/people',
      status: 200,
      query: { email: 'a@example.com', access_token: '***' },
    });
    expect(entries[0]?.time).toEqual(expect.any(String));
    expect(entries[1]).toMatchObject({ method: 'POST', path: '/as/token', status: 200 });
    expect(log.text).not.toContain('leak-me');
    expect(log.text).not.toContain(sims.aac.refreshToken);
  });

  it('GET /__sim/requests/counts counts every request by route pattern, beyond the bounded log, until reset', async () => {
    const ws = sims.aac.workspaceId;
    for (const email of ['c1@example.com', 'c2@example.com']) {
      await aac('POST', `/v4/workspaces/${ws}/people/batch`, { json: { emails: [email] } });
      await aac(
        'GET',
        `/v4/workspaces/${ws}/people?filter=${email}&filterFields=email&filterType=exactIgnoreCase`,
      );
    }
    await aac('GET', '/v4/no-such-route');
    const counts = obj((await http('GET', `${sims.aac.baseUrl}/__sim/requests/counts`)).body);
    const invites = Object.entries(counts).filter(([key]) =>
      /^POST \/v4\/workspaces\/:[^/]+\/people\/batch$/.test(key),
    );
    const lists = Object.entries(counts).filter(([key]) =>
      /^GET \/v4\/workspaces\/:[^/]+\/people$/.test(key),
    );
    expect(invites.map(([, n]) => n)).toEqual([2]);
    expect(lists.map(([, n]) => n)).toEqual([2]);
    expect(counts['GET /v4/no-such-route']).toBe(1);
    sims.aac.control.reset();
    expect(sims.aac.control.requestCounts()).toEqual({});
  });

  it('a dropped connection is logged with status null', async () => {
    sims.server.control.addFault({ kind: 'drop', path: '/webapi/v3/usergroups' });
    await expect(server('GET', '/v3/usergroups')).rejects.toThrow();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(sims.server.control.requests().at(-1)).toMatchObject({
      path: '/webapi/v3/usergroups',
      status: null,
    });
  });

  it('GET /__sim/state shows people, memberships, groups, tokens, users, without secrets', async () => {
    const grant = await http('POST', sims.aac.tokenUrl, {
      form: {
        grant_type: 'refresh_token',
        refresh_token: sims.aac.refreshToken,
        client_id: sims.aac.clientId,
      },
    });
    const aacState = await http('GET', `${sims.aac.baseUrl}/__sim/state`);
    const body = obj(aacState.body);
    expect(arr(body.people).length).toBeGreaterThanOrEqual(2);
    expect(obj(body.tokens).refreshTokens).toEqual(
      expect.arrayContaining([expect.objectContaining({ status: 'used' })]),
    );
    expect(aacState.text).not.toContain(sims.aac.refreshToken);
    expect(aacState.text).not.toContain(String(obj(grant.body).access_token));
    expect(aacState.text).not.toContain(String(obj(grant.body).refresh_token));
    const serverState = await http('GET', `${sims.server.origin}/__sim/state`);
    expect(serverState.text).not.toContain(sims.server.clientSecret);
    expect(serverState.text).not.toContain(serverToken);
    expect(obj(serverState.body).apiKeys).toEqual([
      { clientId: sims.server.clientId, userId: expect.any(String) },
    ]);
  });

  it('POST /__sim/reset restores the seed: the first refresh token works again, people and faults are gone', async () => {
    await aac('POST', `/v4/workspaces/${sims.aac.workspaceId}/people/batch`, {
      json: { emails: ['r@example.com'] },
    });
    await http('POST', sims.aac.tokenUrl, {
      form: {
        grant_type: 'refresh_token',
        refresh_token: sims.aac.refreshToken,
        client_id: sims.aac.clientId,
      },
    });
    sims.aac.control.addFault({ kind: 'status', status: 500, path: '/v4/**' });
    expect((await http('POST', `${sims.aac.baseUrl}/__sim/reset`)).status).toBe(204);
    const again = await http('POST', sims.aac.tokenUrl, {
      form: {
        grant_type: 'refresh_token',
        refresh_token: sims.aac.refreshToken,
        client_id: sims.aac.clientId,
      },
    });
    expect(again.status).toBe(200);
    const token = String(obj(again.body).access_token);
    const people = await http('GET', `${sims.aac.baseUrl}/v4/people`, {
      token,
      query: { includeCount: true },
    });
    expect(obj(people.body).count).toBe(1);
    expect(sims.aac.control.faults()).toEqual([]);
  });

  it('unknown control routes → 404 JSON', async () => {
    expect((await http('GET', `${sims.aac.baseUrl}/__sim/nope`)).status).toBe(404);
  });
});

describe('simulator-specific controls over HTTP', () => {
  it('AAC: accept an invite, expire access tokens, revoke and issue refresh tokens, seed people, add assets', async () => {
    const ws = sims.aac.workspaceId;
    await aac('POST', `/v4/workspaces/${ws}/people/batch`, { json: { emails: ['acc@example.com'] } });
    const accepted = await http('POST', `${sims.aac.baseUrl}/__sim/invites/accept`, {
      json: { email: 'acc@example.com' },
    });
    expect(accepted.body).toMatchObject({ workspaceId: ws, status: 'active' });
    expect(
      (
        await http('POST', `${sims.aac.baseUrl}/__sim/invites/accept`, {
          json: { email: 'nobody@example.com' },
        })
      ).status,
    ).toBe(404);

    const expired = await http('POST', `${sims.aac.baseUrl}/__sim/tokens/expire`);
    expect(obj(expired.body).expired).toBeGreaterThanOrEqual(1);
    expect((await aac('GET', '/v4/workspaces/current')).status).toBe(401);

    const issued = await http('POST', `${sims.aac.baseUrl}/__sim/tokens/refresh-token`, { json: {} });
    const refreshToken = String(obj(issued.body).refreshToken);
    const revoke = await http('POST', `${sims.aac.baseUrl}/__sim/tokens/revoke`, { json: { refreshToken } });
    expect(obj(revoke.body).revoked).toBe(true);
    const refused = await http('POST', sims.aac.tokenUrl, {
      form: { grant_type: 'refresh_token', refresh_token: refreshToken, client_id: sims.aac.clientId },
    });
    expect(refused.status).toBe(400);

    const seeded = await http('POST', `${sims.aac.baseUrl}/__sim/people/seed`, {
      json: { count: 50, status: 'active' },
    });
    expect(arr(obj(seeded.body).ids)).toHaveLength(50);
    const withAssets = await http('POST', `${sims.aac.baseUrl}/__sim/people/1/assets`, {
      json: { count: 2 },
    });
    expect(withAssets.body).toEqual({ personId: 1, workspaceId: ws, assetCount: 2 });
    expect(
      (await http('POST', `${sims.aac.baseUrl}/__sim/people/999999/assets`, { json: { count: 1 } })).status,
    ).toBe(404);
    const clock = await http('POST', `${sims.aac.baseUrl}/__sim/clock/advance`, { json: { ms: 1000 } });
    expect(clock.status).toBe(204);
  });

  it('Server: add assets to a user, expire tokens, add an API key, seed users', async () => {
    const user = await server('POST', '/v3/users', {
      json: { firstName: 'A', lastName: 'B', email: 'ab@example.com' },
    });
    const id = String(obj(user.body).id);
    const assets = await http('POST', `${sims.server.origin}/__sim/users/${id}/assets`, {
      json: { workflows: 2 },
    });
    expect(arr(obj(assets.body).workflows)).toHaveLength(2);
    expect((await server('DELETE', `/v3/users/${id}`)).status).toBe(400);
    const key = await http('POST', `${sims.server.origin}/__sim/api-keys`, {
      json: { userId: id, clientId: 'k2', clientSecret: 's2' },
    });
    expect(key.status).toBe(201);
    const token = await http('POST', `${sims.server.baseUrl}/oauth2/token`, {
      form: { grant_type: 'client_credentials', client_id: 'k2', client_secret: 's2' },
    });
    expect(token.status).toBe(200);
    await http('POST', `${sims.server.origin}/__sim/tokens/expire`);
    expect((await server('GET', '/v3/users')).status).toBe(401);
    const seeded = await http('POST', `${sims.server.origin}/__sim/users/seed`, { json: { count: 10 } });
    expect(arr(obj(seeded.body).ids)).toHaveLength(10);
  });
});
