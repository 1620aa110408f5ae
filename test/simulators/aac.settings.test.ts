// Each docs/reference/upstream-contracts.md Part D setting of the AAC simulator (#1–#20) flips the behaviour it names.
import { describe, expect, it } from 'vitest';
import { invite, useAacSimulator } from './aac-fixture.js';
import { arr, decodeJwtPayload, http, obj } from './http.js';

const f = useAacSimulator();
const set = (patch: Record<string, unknown>) => f.sims.aac.control.updateSettings(patch);
const refresh = (refreshToken: string) =>
  f.tokenRequest({
    grant_type: 'refresh_token',
    refresh_token: refreshToken,
    client_id: f.sims.aac.clientId,
  });

describe('AAC Part D settings', () => {
  it('D#1 access_token_ttl_s=3600 → expires_in 3600 and the token outlives 300 s', async () => {
    set({ access_token_ttl_s: 3600 });
    const res = await refresh(f.sims.aac.refreshToken);
    expect(obj(res.body).expires_in).toBe(3600);
    f.sims.aac.control.advanceClock(301_000);
    expect(
      (await f.call('GET', '/v4/workspaces/current', { token: String(obj(res.body).access_token) })).status,
    ).toBe(200);
  });

  it('D#2 refresh_token_rotation=false → the same refresh token keeps working', async () => {
    set({ refresh_token_rotation: false });
    expect((await refresh(f.sims.aac.refreshToken)).status).toBe(200);
    const second = await refresh(f.sims.aac.refreshToken);
    expect(second.status).toBe(200);
    expect(obj(second.body).refresh_token).toBe(f.sims.aac.refreshToken);
  });

  it('D#3 refresh_token_expiry_mode: absolute keeps the first expiry, sliding renews it', async () => {
    for (const mode of ['absolute_from_first_issue', 'sliding'] as const) {
      f.sims.aac.control.reset();
      set({ refresh_token_ttl_s: 100, refresh_token_expiry_mode: mode });
      const first = f.sims.aac.control.issueRefreshToken();
      f.sims.aac.control.advanceClock(60_000);
      const rotated = String(obj((await refresh(first)).body).refresh_token);
      f.sims.aac.control.advanceClock(60_000); // 120 s after the first issue, 60 s after the rotation
      const res = await refresh(rotated);
      if (mode === 'sliding') expect(res.status).toBe(200);
      else
        expect(res.body).toMatchObject({
          error: 'invalid_grant',
          error_description: expect.stringMatching(/expired/),
        });
    }
  });

  it('D#4 token_endpoint_path moves the endpoint and the JWT iss', async () => {
    set({ token_endpoint_path: '/oauth/v2/token' });
    const old = await refresh(f.sims.aac.refreshToken);
    expect(old.status).toBe(404);
    const moved = await http('POST', `${f.sims.aac.baseUrl}/oauth/v2/token`, {
      form: {
        grant_type: 'refresh_token',
        refresh_token: f.sims.aac.refreshToken,
        client_id: f.sims.aac.clientId,
      },
    });
    expect(moved.status).toBe(200);
    expect(decodeJwtPayload(String(obj(moved.body).access_token)).iss).toBe(`${f.sims.aac.baseUrl}/oauth/v2`);
    expect(() => set({ token_endpoint_path: '/no-token-suffix' })).toThrow();
  });

  it('D#5 require_api_project_id → /iam/v1 without x-api-project-id gets the Apigee fault; /v4 is unaffected', async () => {
    set({ require_api_project_id: true });
    const denied = await f.call('GET', '/iam/v1/workspaces/current');
    expect(denied.status).toBe(401);
    expect(denied.body).toEqual({
      fault: { faultstring: 'Invalid ApiKey', detail: { errorcode: 'oauth.v2.InvalidApiKey' } },
    });
    const allowed = await f.call('GET', '/iam/v1/workspaces/current', {
      headers: { 'x-api-project-id': 'sim-aac-project' },
    });
    expect(allowed.status).toBe(200);
    expect((await f.call('GET', '/v4/workspaces/current')).status).toBe(200);
  });

  it('D#6 surfaces=[v4] → /iam/v1 answers RouteNotFoundException', async () => {
    set({ surfaces: ['v4'] });
    const res = await f.call('GET', '/iam/v1/workspaces/current');
    expect(res.status).toBe(404);
    expect(obj(obj(res.body).exception).name).toBe('RouteNotFoundException');
    set({ surfaces: ['iam/v1'] });
    expect((await f.call('GET', '/v4/workspaces/current')).status).toBe(404);
    expect((await f.call('GET', '/iam/v1/workspaces/current')).status).toBe(200);
  });

  it('D#7 default_limit and max_limit', async () => {
    f.sims.aac.control.seedPeople(Array.from({ length: 12 }, (_, i) => `l${i}@example.com`));
    set({ default_limit: 5, max_limit: 10 });
    expect(arr(obj((await f.call('GET', '/v4/people')).body).data)).toHaveLength(5);
    expect(arr(obj((await f.call('GET', '/v4/people', { query: { limit: 100 } })).body).data)).toHaveLength(
      10,
    );
  });

  it('D#8 include_count_default=true → count without includeCount (people, workspaces, admins, roles)', async () => {
    expect(obj((await f.call('GET', '/v4/people')).body).count).toBeUndefined();
    expect(obj((await f.call('GET', '/v4/workspaces')).body).count).toBeUndefined();
    set({ include_count_default: true });
    expect(obj((await f.call('GET', '/v4/people')).body).count).toBe(1);
    expect(obj((await f.call('GET', '/v4/workspaces')).body).count).toBe(1);
    expect(obj((await f.call('GET', `/iam/v1/workspaces/${f.ws}/admins`)).body).count).toBe(1);
    expect(obj((await f.call('GET', '/v4/authorization/roles')).body).count).toBe(3);
    expect(
      obj((await f.call('GET', '/v4/people', { query: { includeCount: false } })).body).count,
    ).toBeUndefined();
  });

  it('D#9 invite_response_shape=ids → {data:[N],count}', async () => {
    set({ invite_response_shape: 'ids' });
    const res = await f.call('POST', `/v4/workspaces/${f.ws}/people/batch`, {
      json: { emails: ['i@example.com'] },
    });
    expect(res.body).toEqual({ data: [expect.any(Number)], count: 1 });
  });

  it('D#10 invite_status_code=200', async () => {
    set({ invite_status_code: 200 });
    const res = await f.call('POST', `/v4/workspaces/${f.ws}/people/batch`, {
      json: { emails: ['s200@example.com'] },
    });
    expect(res.status).toBe(200);
  });

  it('D#11 invite_existing_member=error400 / error409', async () => {
    await invite(f, ['again@example.com']);
    set({ invite_existing_member: 'error400' });
    const r400 = await f.call('POST', `/v4/workspaces/${f.ws}/people/batch`, {
      json: { emails: ['again@example.com'] },
    });
    expect(r400.status).toBe(400);
    expect(obj(obj(r400.body).exception).name).toBe('ValidationFailed');
    set({ invite_existing_member: 'error409' });
    const r409 = await f.call('POST', `/v4/workspaces/${f.ws}/people/batch`, {
      json: { emails: ['again@example.com'] },
    });
    expect(r409.status).toBe(409);
  });

  it('D#12 invite_roles_format=policyId rejects [int] and accepts [{policyId}]', async () => {
    const policyId = f.sims.aac.control.state().roles.find((r) => r.workspaceId === f.ws)?.policyId ?? 0;
    set({ invite_roles_format: 'policyId' });
    const ints = await f.call('POST', `/v4/workspaces/${f.ws}/people/batch`, {
      json: { emails: ['r@example.com'], roles: [policyId] },
    });
    expect(ints.status).toBe(400);
    const objects = await f.call('POST', `/v4/workspaces/${f.ws}/people/batch`, {
      json: { emails: ['r@example.com'], roles: [{ policyId }] },
    });
    expect(objects.status).toBe(201);
  });

  it('D#13 list_includes_pending=false hides status new unless asked for', async () => {
    await invite(f, ['hidden@example.com']);
    set({ list_includes_pending: false });
    expect(
      arr(obj((await f.call('GET', '/v4/people', { query: { email: 'hidden@example.com' } })).body).data),
    ).toHaveLength(0);
    const asked = await f.call('GET', `/v4/workspaces/${f.ws}/people`, { query: { status: 'new' } });
    expect(arr(obj(asked.body).data)).toHaveLength(1);
  });

  it('D#14 membership_status_values=ui → invited/enabled/disabled', async () => {
    const [id] = await invite(f, ['ui@example.com']);
    set({ membership_status_values: 'ui' });
    expect(obj((await f.call('GET', `/v4/people/${id}`)).body).peopleworkspaces).toEqual([
      { workspaceId: f.ws, status: 'invited' },
    ]);
    f.sims.aac.control.acceptInvite({ personId: Number(id) });
    expect(obj((await f.call('GET', `/v4/people/${id}`)).body).peopleworkspaces).toEqual([
      { workspaceId: f.ws, status: 'enabled' },
    ]);
    await f.call('POST', `/v4/workspaces/${f.ws}/people/suspend`, { json: { personIds: [id] } });
    const disabled = await f.call('GET', `/v4/workspaces/${f.ws}/people`, { query: { status: 'disabled' } });
    expect(arr(obj(disabled.body).data).map((p) => obj(p).peopleworkspaces)).toEqual([
      [{ workspaceId: f.ws, status: 'disabled' }],
    ]);
  });

  it('D#15 email_match=case_sensitive → a different case does not match', async () => {
    await invite(f, ['Case@example.com']);
    set({ email_match: 'case_sensitive' });
    expect(
      arr(obj((await f.call('GET', '/v4/people', { query: { email: 'case@example.com' } })).body).data),
    ).toHaveLength(0);
    expect(
      arr(obj((await f.call('GET', '/v4/people', { query: { email: 'Case@example.com' } })).body).data),
    ).toHaveLength(1);
  });

  it('D#16 delete_member_status=200 → 200 with an array body', async () => {
    const [id] = await invite(f, ['del@example.com']);
    set({ delete_member_status: 200 });
    const res = await f.call('DELETE', `/v4/workspaces/${f.ws}/people/${id}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual([{ id }]);
  });

  it('D#17 reinvite_after_delete_days=14 refuses a re-invite inside the window', async () => {
    set({ reinvite_after_delete_days: 14 });
    const [id] = await invite(f, ['back@example.com']);
    await f.call('DELETE', `/v4/workspaces/${f.ws}/people/${id}`);
    const early = await f.call('POST', `/v4/workspaces/${f.ws}/people/batch`, {
      json: { emails: ['back@example.com'] },
    });
    expect(early.status).toBe(400);
    f.sims.aac.control.advanceClock(14 * 86_400_000 + 1000);
    f.token = f.sims.aac.control.issueAccessToken();
    const late = await f.call('POST', `/v4/workspaces/${f.ws}/people/batch`, {
      json: { emails: ['back@example.com'] },
    });
    expect(late.status).toBe(201);
  });

  it('D#18 rate_limits → x-rate-limit-* headers, then 429 TooManyRequestsException with x-retry-after (and Retry-After when asked)', async () => {
    set({
      rate_limits: [{ method: 'GET', path: '/v4/people', perUserPerMinute: 2, perWorkspacePerMinute: 60 }],
      rate_limit_standard_retry_after: true,
    });
    const first = await f.call('GET', '/v4/people');
    expect(first.headers.get('x-rate-limit-user-limit')).toBe('2');
    expect(first.headers.get('x-rate-limit-user-remaining')).toBe('1');
    expect(first.headers.get('x-rate-limit-workspace-limit')).toBe('60');
    expect(Number(first.headers.get('x-rate-limit-user-reset'))).toBeGreaterThan(Date.now());
    await f.call('GET', '/v4/people');
    const limited = await f.call('GET', '/v4/people');
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('x-retry-after'))).toBeGreaterThan(0);
    expect(limited.headers.get('retry-after')).toBe(limited.headers.get('x-retry-after'));
    // A.5 example body: name, message, and details naming the quota, the wait and the per-user limit.
    expect(limited.body).toEqual({
      exception: {
        name: 'TooManyRequestsException',
        message: 'Too Many Requests',
        details: `API quota reached for "GET /v4/people". Wait ${limited.headers.get('x-retry-after')} seconds before making a new request. (Max. 2 requests allowed per minute per user.)`,
      },
    });
    expect((await f.call('GET', '/v4/workspaces/current')).status).toBe(200);
  });

  it('D#18 a per-workspace quota: workspace headers only, 429 "per workspace", a named quota, and a new window after a minute', async () => {
    set({
      rate_limits: [
        { path: '/v4/workspaces/*/people/batch', perWorkspacePerMinute: 1, name: 'inviteListOfUsers' },
      ],
    });
    const batch = (email: string) =>
      f.call('POST', `/v4/workspaces/${f.ws}/people/batch`, { json: { emails: [email] } });
    const first = await batch('q1@example.com');
    expect(first.status).toBe(201);
    expect(first.headers.get('x-rate-limit-workspace-limit')).toBe('1');
    expect(first.headers.get('x-rate-limit-workspace-remaining')).toBe('0');
    expect(first.headers.get('x-rate-limit-user-limit')).toBeNull();
    const reset = Number(first.headers.get('x-rate-limit-workspace-reset'));
    const limited = await batch('q2@example.com');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBeNull();
    expect(Number(limited.headers.get('x-retry-after'))).toBeLessThanOrEqual(60);
    expect(String(obj(obj(limited.body).exception).details)).toMatch(
      /^API quota reached for "inviteListOfUsers"\. Wait \d+ seconds .*per minute per workspace\.\)$/,
    );
    expect(f.sims.aac.control.state().people.some((p) => p.email === 'q2@example.com')).toBe(false);
    expect(reset).toBeGreaterThan(Date.now());
    expect(reset).toBeLessThanOrEqual(Date.now() + 60_000);
    f.sims.aac.control.advanceClock(60_000);
    expect((await batch('q2@example.com')).status).toBe(201);
  });

  it('D#18 rate_limit_standard_retry_after also applies to injected 429 faults', async () => {
    f.sims.aac.control.addFault({
      kind: 'status',
      status: 429,
      retryAfterSeconds: 9,
      path: '/v4/people',
      count: 2,
    });
    const plain = await f.call('GET', '/v4/people');
    expect(plain.headers.get('x-retry-after')).toBe('9');
    expect(plain.headers.get('retry-after')).toBeNull();
    set({ rate_limit_standard_retry_after: true });
    const both = await f.call('GET', '/v4/people');
    expect(both.headers.get('retry-after')).toBe('9');
    expect(obj(obj(both.body).exception).details).toMatch(
      /^API quota reached for "GET \/v4\/people"\. Wait 9 seconds/,
    );
  });

  it('D#19 error_401_body=empty → 401 with no body', async () => {
    set({ error_401_body: 'empty' });
    const res = await f.call('GET', '/v4/workspaces/current', { token: 'bogus' });
    expect(res.status).toBe(401);
    expect(res.text).toBe('');
  });

  it('D#20 name_update_allowed=true lets an admin change a name', async () => {
    const [id] = await invite(f, ['rename@example.com']);
    set({ name_update_allowed: true });
    const res = await f.call('PATCH', `/v4/workspaces/${f.ws}/people/${id}`, { json: { name: 'Renamed' } });
    expect(res.status).toBe(200);
    expect(obj(res.body).name).toBe('Renamed');
  });

  it('settings are validated: unknown keys and bad values are refused over HTTP (400) and in-process (throws)', async () => {
    const bad = await http('PUT', `${f.sims.aac.baseUrl}/__sim/settings`, {
      json: { invite_status_code: 202 },
    });
    expect(bad.status).toBe(400);
    const unknown = await http('PUT', `${f.sims.aac.baseUrl}/__sim/settings`, {
      json: { no_such_setting: true },
    });
    expect(unknown.status).toBe(400);
    expect(() => set({ default_limit: 0 })).toThrow();
    const ok = await http('PUT', `${f.sims.aac.baseUrl}/__sim/settings`, { json: { default_limit: 7 } });
    expect(obj(ok.body).default_limit).toBe(7);
  });

  it('settings given at start are the defaults a reset returns to', async () => {
    const { startSimulators } = await import('../../src/simulators/index.js');
    const sims = await startSimulators({ aacSettings: { invite_status_code: 200 } });
    try {
      sims.aac.control.updateSettings({ invite_status_code: 201 });
      sims.aac.control.reset();
      expect(sims.aac.control.settings().invite_status_code).toBe(200);
    } finally {
      await sims.close();
    }
  });
});
