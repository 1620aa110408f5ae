// Contract tests of the AAC simulator through real HTTP: each test names the docs/reference/upstream-contracts.md section it checks.
import { describe, expect, it } from 'vitest';
import { invite, useAacSimulator } from './aac-fixture.js';
import { arr, decodeJwtPayload, http, obj } from './http.js';

const f = useAacSimulator();

describe('AAC surfaces and conventions', () => {
  it('A.1 every response carries x-trifacta-request-id', async () => {
    const ok = await f.call('GET', '/v4/workspaces/current');
    const missing = await f.call('GET', '/v4/no-such-route');
    expect(ok.headers.get('x-trifacta-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(missing.headers.get('x-trifacta-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('A.1 the same handlers answer on /v4 and /iam/v1', async () => {
    const v4 = await f.call('GET', '/v4/workspaces/current');
    const iam = await f.call('GET', '/iam/v1/workspaces/current');
    expect(iam.status).toBe(200);
    expect(obj(iam.body).id).toBe(obj(v4.body).id);
    const ids = await invite(f, ['iam@example.com']);
    const person = await f.call('GET', `/iam/v1/people/${ids[0]}`);
    expect(obj(person.body).email).toBe('iam@example.com');
  });

  it('A.1 a body that is not JSON → 415', async () => {
    const res = await f.call('POST', `/v4/workspaces/${f.ws}/people/batch`, {
      raw: 'emails=a@b.c',
      headers: { 'content-type': 'text/plain' },
    });
    expect(res.status).toBe(415);
    expect(obj(obj(res.body).exception).name).toBe('UnsupportedMediaTypeException');
  });

  it('A.1 an Accept header that excludes JSON → 415', async () => {
    const res = await f.call('GET', '/v4/workspaces/current', { headers: { accept: 'text/html' } });
    expect(res.status).toBe(415);
  });

  it('A.4 unknown routes on /v4 → 404 JSON RouteNotFoundException', async () => {
    const res = await f.call('GET', '/v4/does/not/exist');
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/application\/json/);
    expect(obj(obj(res.body).exception)).toMatchObject({ name: 'RouteNotFoundException' });
  });

  it('A.4 validation errors use {"exception":{"name","message","details"}}', async () => {
    const res = await f.call('POST', `/v4/workspaces/${f.ws}/people/batch`, {
      json: { emails: ['not-an-email'] },
    });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      exception: {
        name: 'ValidationFailed',
        message: 'Input validation failed',
        details: expect.any(String),
      },
    });
  });

  it('A.4 malformed JSON → 400 ValidationFailed', async () => {
    const res = await f.call('POST', `/v4/workspaces/${f.ws}/people/batch`, {
      raw: '{"emails":',
      headers: { 'content-type': 'application/json' },
    });
    expect(res.status).toBe(400);
    expect(obj(obj(res.body).exception).name).toBe('ValidationFailed');
  });
});

describe('A.2 authentication', () => {
  it('A.2.2 refresh grant → {access_token, refresh_token, token_type, expires_in:300}', async () => {
    const res = await f.tokenRequest({
      grant_type: 'refresh_token',
      refresh_token: f.sims.aac.refreshToken,
      client_id: f.sims.aac.clientId,
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      access_token: expect.any(String),
      refresh_token: expect.any(String),
      token_type: 'Bearer',
      expires_in: 300,
    });
  });

  it('A.2.2 access token is a JWT with iss = token URL minus /token, client_id, aud, exp and a w:<ws> scope', async () => {
    const res = await f.tokenRequest({
      grant_type: 'refresh_token',
      refresh_token: f.sims.aac.refreshToken,
      client_id: f.sims.aac.clientId,
    });
    const body = obj(res.body);
    const claims = decodeJwtPayload(String(body.access_token));
    expect(claims.iss).toBe(f.sims.aac.tokenUrl.replace(/\/token$/, ''));
    expect(claims.client_id).toBe(f.sims.aac.clientId);
    expect(claims.aud).toBeDefined();
    expect(typeof claims.exp).toBe('number');
    expect(String(claims.scope).split(' ')).toContain(`w:${f.ws}`);
    const refreshClaims = decodeJwtPayload(String(body.refresh_token));
    expect(refreshClaims).toMatchObject({ sid: expect.any(String), sub: expect.any(String) });
    expect(refreshClaims.aud).toBeUndefined();
  });

  it('A.2.2 the issued access token works on the API', async () => {
    const res = await f.tokenRequest({
      grant_type: 'refresh_token',
      refresh_token: f.sims.aac.refreshToken,
      client_id: f.sims.aac.clientId,
    });
    const current = await f.call('GET', '/v4/workspaces/current', {
      token: String(obj(res.body).access_token),
    });
    expect(current.status).toBe(200);
  });

  it('A.2.2 rotation: a spent refresh token → 400 invalid_grant "invalid, revoked, or already used"; the new one works', async () => {
    const first = await f.tokenRequest({
      grant_type: 'refresh_token',
      refresh_token: f.sims.aac.refreshToken,
      client_id: f.sims.aac.clientId,
    });
    const again = await f.tokenRequest({
      grant_type: 'refresh_token',
      refresh_token: f.sims.aac.refreshToken,
      client_id: f.sims.aac.clientId,
    });
    expect(again.status).toBe(400);
    expect(obj(again.body).error).toBe('invalid_grant');
    expect(String(obj(again.body).error_description)).toMatch(/invalid, revoked, or already used/);
    const next = await f.tokenRequest({
      grant_type: 'refresh_token',
      refresh_token: String(obj(first.body).refresh_token),
      client_id: f.sims.aac.clientId,
    });
    expect(next.status).toBe(200);
  });

  it('A.2.2 missing client_id → 400', async () => {
    const res = await f.tokenRequest({ grant_type: 'refresh_token', refresh_token: f.sims.aac.refreshToken });
    expect(res.status).toBe(400);
    expect(obj(res.body).error).toBe('invalid_request');
  });

  it('A.2.2 unknown refresh token → 400 invalid_grant "does not exist"', async () => {
    const res = await f.tokenRequest({
      grant_type: 'refresh_token',
      refresh_token: 'nope',
      client_id: f.sims.aac.clientId,
    });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      error: 'invalid_grant',
      error_description: expect.stringMatching(/does not exist/i),
    });
  });

  it('A.2.2 revoked refresh token (control) → 400 invalid_grant', async () => {
    expect(f.sims.aac.control.revokeRefreshToken(f.sims.aac.refreshToken)).toBe(true);
    const res = await f.tokenRequest({
      grant_type: 'refresh_token',
      refresh_token: f.sims.aac.refreshToken,
      client_id: f.sims.aac.clientId,
    });
    expect(res.status).toBe(400);
    expect(obj(res.body).error).toBe('invalid_grant');
  });

  it('A.2.2 missing, forged and expired access tokens → 401 UnauthorizedException', async () => {
    const none = await f.call('GET', '/v4/workspaces/current', { token: '' });
    const forged = await f.call('GET', '/v4/workspaces/current', { token: `${f.token.slice(0, -3)}abc` });
    f.sims.aac.control.expireAccessTokens();
    const expired = await f.call('GET', '/v4/workspaces/current');
    for (const res of [none, forged, expired]) {
      expect(res.status).toBe(401);
      expect(obj(obj(res.body).exception).name).toBe('UnauthorizedException');
    }
  });

  it('A.2.2 access tokens expire after their lifetime (300 s)', async () => {
    f.sims.aac.control.advanceClock(299_000);
    expect((await f.call('GET', '/v4/workspaces/current')).status).toBe(200);
    f.sims.aac.control.advanceClock(2_000);
    expect((await f.call('GET', '/v4/workspaces/current')).status).toBe(401);
  });

  it('A.2.1 tokens are workspace-scoped: a token for W cannot touch W+1 (403), and sees only its own workspace', async () => {
    const other = f.ws + 1;
    const denied = await f.call('GET', `/v4/workspaces/${other}/people`);
    expect(denied.status).toBe(403);
    const invited = await f.call('POST', `/v4/workspaces/${other}/people/batch`, {
      json: { emails: ['x@example.com'] },
    });
    expect(invited.status).toBe(403);
    const otherToken = f.sims.aac.control.issueAccessToken(other);
    const current = await f.call('GET', '/v4/workspaces/current', { token: otherToken });
    expect(obj(current.body).id).toBe(other);
    const ids = await invite(f, ['only-in-w@example.com']);
    expect((await f.call('GET', `/v4/people/${ids[0]}`, { token: otherToken })).status).toBe(404);
  });
});

describe('A.3 lists, paging, filtering', () => {
  it('A.3 {data} envelope, default limit 25, offset, count only with includeCount=true', async () => {
    f.sims.aac.control.seedPeople(Array.from({ length: 30 }, (_, i) => `p${i}@example.com`));
    const first = await f.call('GET', '/v4/people');
    expect(Object.keys(obj(first.body))).toEqual(['data']);
    expect(arr(obj(first.body).data)).toHaveLength(25);
    const second = await f.call('GET', '/v4/people', {
      query: { offset: 25, limit: 25, includeCount: true },
    });
    expect(arr(obj(second.body).data)).toHaveLength(6);
    expect(obj(second.body).count).toBe(31);
    const all = await f.call('GET', '/v4/people', { query: { noLimit: true } });
    expect(arr(obj(all.body).data)).toHaveLength(31);
  });

  it('A.3 filter/filterFields/filterType and sort=-id', async () => {
    await invite(f, ['Alice@example.com', 'bob@example.com', 'alicia@example.org']);
    const exact = await f.call('GET', `/v4/workspaces/${f.ws}/people`, {
      query: { filter: 'alice@example.com', filterFields: 'email', filterType: 'exactIgnoreCase' },
    });
    expect(arr(obj(exact.body).data).map((p) => obj(p).email)).toEqual(['Alice@example.com']);
    const caseSensitive = await f.call('GET', `/v4/workspaces/${f.ws}/people`, {
      query: { filter: 'alice@example.com', filterFields: 'email', filterType: 'exact' },
    });
    expect(arr(obj(caseSensitive.body).data)).toHaveLength(0);
    const fuzzy = await f.call('GET', `/v4/workspaces/${f.ws}/people`, {
      query: { filter: 'ALI', filterFields: 'email', sort: '-id' },
    });
    const ids = arr(obj(fuzzy.body).data).map((p) => Number(obj(p).id));
    expect(ids).toHaveLength(2);
    expect(ids[0]).toBeGreaterThan(ids[1] ?? Infinity);
    const bad = await f.call('GET', `/v4/workspaces/${f.ws}/people`, {
      query: { filter: 'x', filterType: 'regex' },
    });
    expect(bad.status).toBe(400);
  });

  it('A.3 fields=a;b keeps only the named fields (people list, person, workspace)', async () => {
    const [id] = await invite(f, ['fields@example.com']);
    const list = await f.call('GET', '/v4/people', {
      query: { email: 'fields@example.com', fields: 'id;email' },
    });
    expect(list.body).toEqual({ data: [{ id, email: 'fields@example.com' }] });
    const one = await f.call('GET', `/iam/v1/people/${id}`, { query: { fields: 'email;peopleworkspaces' } });
    expect(one.body).toEqual({
      email: 'fields@example.com',
      peopleworkspaces: [{ workspaceId: f.ws, status: 'new' }],
    });
    const ws = await f.call('GET', '/v4/workspaces/current', {
      query: { fields: 'id;workspace_member_count' },
    });
    expect(ws.body).toEqual({ id: f.ws, workspace_member_count: 2 });
  });

  it('A.3 count follows includeCount on every {data} list (workspaces, admins too)', async () => {
    for (const path of ['/v4/workspaces', `/v4/workspaces/${f.ws}/admins`, '/v4/authorization/roles']) {
      expect(Object.keys(obj((await f.call('GET', path)).body))).toEqual(['data']);
      const counted = await f.call('GET', path, { query: { includeCount: true } });
      expect(obj(counted.body).count).toBe(arr(obj(counted.body).data).length);
    }
  });
});

describe('A.6.1 workspaces', () => {
  it('A.6.1 GET /v4/workspaces/current → workspace with workspace_member_count, workspace_tier, tier, userCount, gid', async () => {
    const res = await f.call('GET', '/v4/workspaces/current');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id: f.ws,
      state: 'active',
      workspace_member_count: 1,
      workspace_tier: 'enterprise_cloud22',
      tier: 'enterprise_cloud22',
      userCount: 1,
      gid: expect.stringMatching(/^[0-9A-HJKMNP-TV-Z]{26}$/),
      workspacetiers: { data: [expect.objectContaining({ workspace: { id: f.ws } })] },
    });
  });

  it("A.6.1 the workspace carries every key of the contract example (plus the spec model's tier/userCount)", async () => {
    const res = await f.call('GET', '/iam/v1/workspaces/current');
    const example = {
      id: 31429,
      name: 'lukes-test-workspace',
      state: 'active',
      lastStateChange: null,
      custom_url: 'lukes-test-workspace.us1.alteryxcloud.com',
      max_user_number: 5000,
      gid: '01JKBMKPZ94N0GG5F8N9HY2FJA',
      createdAt: '2025-02-05T18:05:29.000Z',
      updatedAt: '2025-02-05T18:05:29.000Z',
      workspacetiers: {
        data: [
          {
            isSingleUser: false,
            id: 31428,
            name: 'enterprise_cloud22',
            startsAt: '2025-02-05T18:05:29.000Z',
            trialState: 'None',
            workspace: { id: 31429 },
          },
        ],
      },
      workspace_member_count: 2,
      workspace_tier: 'enterprise_cloud22',
      emrCluster: null,
    };
    const body = obj(res.body);
    expect(Object.keys(body).sort()).toEqual([...Object.keys(example), 'tier', 'userCount'].sort());
    const tier = obj(arr(obj(body.workspacetiers).data)[0]);
    expect(Object.keys(tier).sort()).toEqual(Object.keys(example.workspacetiers.data[0] ?? {}).sort());
    expect(body).toMatchObject({
      custom_url: expect.stringMatching(/\.us1\.alteryxcloud\.com$/),
      max_user_number: expect.any(Number),
      lastStateChange: null,
      emrCluster: null,
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
    });
  });

  it('A.6.1 GET /v4/workspaces lists the workspaces of the token subject', async () => {
    const res = await f.call('GET', '/v4/workspaces');
    expect(arr(obj(res.body).data).map((w) => obj(w).id)).toEqual([f.ws]);
  });
});

describe('A.6.2/A.6.3 people', () => {
  it('A.6.2 GET /v4/people?email= finds one person, exact and case-insensitive', async () => {
    await invite(f, ['Jane.Doe@example.com', 'jane.doe2@example.com']);
    const res = await f.call('GET', '/v4/people', { query: { email: 'jane.doe@EXAMPLE.com' } });
    expect(arr(obj(res.body).data).map((p) => obj(p).email)).toEqual(['Jane.Doe@example.com']);
  });

  it('A.6.3 person payload carries the documented fields and peopleworkspaces[{workspaceId,status}]', async () => {
    const [id] = await invite(f, ['jane@example.com']);
    const res = await f.call('GET', `/v4/people/${id}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id,
      email: 'jane@example.com',
      name: expect.any(String),
      isAdmin: false,
      isDisabled: false,
      state: 'active',
      createdAt: expect.stringMatching(/\.\d{3}Z$/),
      peopleworkspaces: [{ workspaceId: f.ws, status: 'new' }],
    });
    for (const field of [
      'ssoPrincipal',
      'forcePasswordChange',
      'validateExportCompliance',
      'lastLoginTime',
      'outputHomeDir',
      'uploadDir',
      'gid',
    ]) {
      expect(obj(res.body)).toHaveProperty(field);
    }
  });

  it('A.6.3 the person has exactly the keys of the recommended payload (+ two export columns of CLIENT S8)', async () => {
    const [id] = await invite(f, ['keys@example.com']);
    const recommended = [
      'id',
      'email',
      'name',
      'ssoPrincipal',
      'hadoopPrincipal',
      'cpPrincipal',
      'isAdmin',
      'isDisabled',
      'forcePasswordChange',
      'state',
      'lastStateChange',
      'validateExportCompliance',
      'lastLoginTime',
      'agreementAcceptedAt',
      'deleted_at',
      'gid',
      'createdAt',
      'updatedAt',
      'outputHomeDir',
      'uploadDir',
      'peopleworkspaces',
    ];
    const res = await f.call('GET', `/v4/workspaces/${f.ws}/people`, {
      query: { filter: 'keys@example.com' },
    });
    const person = obj(arr(obj(res.body).data)[0]);
    expect(Object.keys(person).sort()).toEqual(
      [...recommended, 'exportStatusUpdatedAt', 'lastDeletedTenantAt'].sort(),
    );
    expect(person).toMatchObject({ id, gid: expect.stringMatching(/^[0-9A-HJKMNP-TV-Z]{26}$/) });
  });

  it('A.6.3 includePrivileges=true adds authorizationRoles and maximalPrivileges', async () => {
    const res = await f.call('GET', '/v4/people/current', { query: { includePrivileges: true } });
    expect(obj(res.body).authorizationRoles).toEqual([
      expect.objectContaining({ name: 'Workspace Admin', workspaceId: f.ws }),
    ]);
    expect(arr(obj(res.body).maximalPrivileges).length).toBeGreaterThan(0);
  });

  it('A.6.2 GET …/admins lists active admins; includeStatus=new adds pending ones (both surfaces)', async () => {
    const [id] = await invite(f, ['future-admin@example.com']);
    const adminRole = f.sims.aac.control.state().roles.find((r) => r.workspaceId === f.ws)?.policyId;
    await f.call('PUT', `/v4/authorization/roles/${adminRole}/people`, { json: [id] });
    const active = await f.call('GET', `/iam/v1/workspaces/${f.ws}/admins`);
    expect(arr(obj(active.body).data).map((p) => obj(p).email)).toEqual(['admin@sim-workspace.example.com']);
    const withNew = await f.call('GET', `/v4/workspaces/${f.ws}/admins`, { query: { includeStatus: 'new' } });
    expect(arr(obj(withNew.body).data).map((p) => obj(p).id)).toEqual([1, id]);
  });

  it('A.6.2 GET /v4/people/{id} of an unknown person → 404', async () => {
    const res = await f.call('GET', '/v4/people/999999');
    expect(res.status).toBe(404);
    expect(obj(obj(res.body).exception).name).toBe('NotFoundException');
  });

  it('A.6.2 workspace people list filters by status', async () => {
    const [a] = await invite(f, ['a@example.com', 'b@example.com']);
    f.sims.aac.control.acceptInvite({ personId: Number(a) });
    const res = await f.call('GET', `/v4/workspaces/${f.ws}/people`, { query: { status: 'new' } });
    expect(arr(obj(res.body).data).map((p) => obj(p).email)).toEqual(['b@example.com']);
  });

  it("A.6.3 admins cannot change another person's name (400); outputHomeDir is allowed", async () => {
    const [id] = await invite(f, ['n@example.com']);
    const name = await f.call('PATCH', `/v4/workspaces/${f.ws}/people/${id}`, { json: { name: 'New Name' } });
    expect(name.status).toBe(400);
    const dir = await f.call('PATCH', `/v4/workspaces/${f.ws}/people/${id}`, {
      json: { outputHomeDir: '/x' },
    });
    expect(dir.status).toBe(200);
    expect(obj(dir.body).outputHomeDir).toBe('/x');
  });
});

describe('A.6.4 invitations', () => {
  it('A.6.4 invite batch → 201 {data:[{id}],count}', async () => {
    const res = await f.call('POST', `/v4/workspaces/${f.ws}/people/batch`, {
      json: { emails: ['new1@example.com', 'new2@example.com'] },
    });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ data: [{ id: expect.any(Number) }, { id: expect.any(Number) }], count: 2 });
  });

  it('A.6.4 the same on /iam/v1', async () => {
    const res = await f.call('POST', `/iam/v1/workspaces/${f.ws}/people/batch`, {
      json: { emails: ['iam1@example.com'] },
    });
    expect(res.status).toBe(201);
  });

  it('A.6.4 single invite POST /v4/workspaces/{ws}/people → 201 {data:{id}}', async () => {
    const res = await f.call('POST', `/v4/workspaces/${f.ws}/people`, {
      json: { email: 'single@example.com' },
    });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ data: { id: expect.any(Number) } });
  });

  it('A.6.4 an invitee appears at once with status new; accepting makes it active', async () => {
    const [id] = await invite(f, ['pending@example.com']);
    const before = await f.call('GET', '/v4/people', { query: { email: 'pending@example.com' } });
    expect(obj(arr(obj(before.body).data)[0]).peopleworkspaces).toEqual([
      { workspaceId: f.ws, status: 'new' },
    ]);
    f.sims.aac.control.acceptInvite({ email: 'pending@example.com' });
    const after = await f.call('GET', `/v4/people/${id}`);
    expect(obj(after.body).peopleworkspaces).toEqual([{ workspaceId: f.ws, status: 'active' }]);
  });

  it('A.6.4 roles in an invite may be [int], [{policyId}] or [{id}] and are assigned', async () => {
    const roles = arr(obj((await f.call('GET', '/v4/authorization/roles')).body).data).map((r) =>
      Number(obj(r).policyId),
    );
    const member = roles[1] ?? 0;
    for (const [email, form] of [
      ['r1@example.com', [member]],
      ['r2@example.com', [{ policyId: member }]],
      ['r3@example.com', [{ id: member }]],
    ] as const) {
      const res = await f.call('POST', `/v4/workspaces/${f.ws}/people/batch`, {
        json: { emails: [email], roles: form },
      });
      expect(res.status).toBe(201);
    }
    const state = f.sims.aac.control.state();
    expect(state.roles.find((r) => r.policyId === member)?.people).toHaveLength(3);
  });

  it('A.4 inviting an existing member (default ignore) → 201 with the existing id', async () => {
    const [id] = await invite(f, ['dup@example.com']);
    const again = await invite(f, ['DUP@example.com']);
    expect(again).toEqual([id]);
  });
});

describe('A.6.5 deprovisioning', () => {
  it('A.6.5 suspend / unsuspend {personIds} → 200; status suspended and isDisabled', async () => {
    const [id] = await invite(f, ['s@example.com']);
    f.sims.aac.control.acceptInvite({ personId: Number(id) });
    const suspended = await f.call('POST', `/v4/workspaces/${f.ws}/people/suspend`, {
      json: { personIds: [id] },
    });
    expect(suspended.status).toBe(200);
    const person = await f.call('GET', `/v4/people/${id}`);
    expect(person.body).toMatchObject({
      isDisabled: true,
      peopleworkspaces: [{ workspaceId: f.ws, status: 'suspended' }],
    });
    const unsuspended = await f.call('POST', `/iam/v1/workspaces/${f.ws}/people/unsuspend`, {
      json: { personIds: [id] },
    });
    expect(unsuspended.status).toBe(200);
    expect(obj((await f.call('GET', `/v4/people/${id}`)).body).peopleworkspaces).toEqual([
      { workspaceId: f.ws, status: 'active' },
    ]);
  });

  it('A.6.5 suspending a non-member → 400 and nothing changes', async () => {
    const [id] = await invite(f, ['t@example.com']);
    const res = await f.call('POST', `/v4/workspaces/${f.ws}/people/suspend`, {
      json: { personIds: [id, 987654] },
    });
    expect(res.status).toBe(400);
    expect(obj((await f.call('GET', `/v4/people/${id}`)).body).isDisabled).toBe(false);
  });

  it('A.6.5 DELETE /v4/workspaces/{ws}/people/{id} → 204; the person leaves lists, groups and roles', async () => {
    const [id] = await invite(f, ['gone@example.com']);
    const group = await f.call('POST', `/v4/workspaces/${f.ws}/groups`, {
      json: { name: 'g', members: [String(id)] },
    });
    const res = await f.call('DELETE', `/v4/workspaces/${f.ws}/people/${id}`);
    expect(res.status).toBe(204);
    expect(res.text).toBe('');
    expect(
      arr(obj((await f.call('GET', '/v4/people', { query: { email: 'gone@example.com' } })).body).data),
    ).toHaveLength(0);
    expect(f.sims.aac.control.state().groups.find((g) => g.id === obj(group.body).id)?.users).toEqual([]);
    expect((await f.call('DELETE', `/v4/workspaces/${f.ws}/people/${id}`)).status).toBe(404);
  });

  it('A.6.5 PATCH …/transfer (ids or emails, also /current/transfer) → 204', async () => {
    const [a, b] = await invite(f, ['from@example.com', 'to@example.com']);
    const byId = await f.call('PATCH', `/v4/workspaces/${f.ws}/transfer`, {
      json: { fromPersonId: a, toPersonId: b },
    });
    expect(byId.status).toBe(204);
    const byEmail = await f.call('PATCH', '/v4/workspaces/current/transfer', {
      json: { fromPersonEmail: 'to@example.com', toPersonEmail: 'from@example.com' },
    });
    expect(byEmail.status).toBe(204);
    const missing = await f.call('PATCH', `/v4/workspaces/${f.ws}/transfer`, {
      json: { fromPersonId: 999999, toPersonId: b },
    });
    expect(missing.status).toBe(400);
  });

  it('A.6.5 transfer moves the assets; it "cannot be applied to deleted users" (400 after DELETE)', async () => {
    const [a, b] = await invite(f, ['owner@example.com', 'heir@example.com']);
    f.sims.aac.control.addAssets(Number(a), 3);
    const moved = await f.call('PATCH', `/iam/v1/workspaces/${f.ws}/transfer`, {
      json: { fromPersonId: a, toPersonId: b },
    });
    expect(moved.status).toBe(204);
    const assets = (personId: unknown) =>
      f.sims.aac.control.state().people.find((p) => p.id === personId)?.memberships[0]?.assetCount;
    expect([assets(a), assets(b)]).toEqual([0, 3]);
    await f.call('DELETE', `/v4/workspaces/${f.ws}/people/${b}`);
    const afterDelete = await f.call('PATCH', `/v4/workspaces/${f.ws}/transfer`, {
      json: { fromPersonEmail: 'heir@example.com', toPersonEmail: 'owner@example.com' },
    });
    expect(afterDelete.status).toBe(400);
    expect(obj(obj(afterDelete.body).exception).name).toBe('ValidationFailed');
  });

  it('A.6.5 PUT …/people/{id}/suspended suspends one person; a non-numeric id → 400', async () => {
    const [id] = await invite(f, ['one@example.com']);
    const res = await f.call('PUT', `/v4/workspaces/${f.ws}/people/${id}/suspended`);
    expect(res.status).toBe(200);
    expect(obj((await f.call('GET', `/v4/people/${id}`)).body).isDisabled).toBe(true);
    const bad = await f.call('PUT', `/v4/workspaces/${f.ws}/people/abc/suspended`);
    expect(bad.status).toBe(400);
    expect(obj(obj(bad.body).exception).details).toMatch(/person id "abc"/);
  });
});

describe('A.6.6 roles', () => {
  it('A.6.6 GET /v4/authorization/roles → {data:[AuthorizationRole]}', async () => {
    const res = await f.call('GET', '/v4/authorization/roles');
    const roles = arr(obj(res.body).data);
    expect(roles.length).toBe(3);
    expect(roles[0]).toMatchObject({
      policyId: expect.any(Number),
      workspaceId: f.ws,
      name: 'Workspace Admin',
      resourceOperations: ['workspace_admin'],
      userCount: 1,
      capabilities: [expect.objectContaining({ productCode: 'PLATFORM' })],
    });
    expect(Object.keys(obj(roles[0])).sort()).toEqual(
      [
        'policyId',
        'workspaceId',
        'productPolicyId',
        'resourceOperations',
        'createdAt',
        'updatedAt',
        'userCount',
        'nameLocked',
        'privilegeLocked',
        'capabilities',
        'name',
        'tag',
      ].sort(),
    );
    expect(Object.keys(obj(arr(obj(roles[0]).capabilities)[0])).sort()).toEqual(
      ['capabilityId', 'capabilityName', 'capabilityGroup', 'productCode', 'productId'].sort(),
    );
  });

  it('A.6.6 PUT …/roles/{policyId}/people with an int array → role; DELETE …/people/{id} → 204', async () => {
    const [id] = await invite(f, ['role@example.com']);
    const policyId = Number(
      obj(arr(obj((await f.call('GET', '/v4/authorization/roles')).body).data)[2]).policyId,
    );
    const assigned = await f.call('PUT', `/iam/v1/authorization/roles/${policyId}/people`, { json: [id] });
    expect(assigned.status).toBe(200);
    expect(assigned.body).toMatchObject({ policyId, name: 'Viewer', userCount: 1 });
    const removed = await f.call('DELETE', `/v4/authorization/roles/${policyId}/people/${id}`);
    expect(removed.status).toBe(204);
    expect((await f.call('DELETE', `/iam/v1/authorization/roles/${policyId}/people/x`)).status).toBe(400);
    expect(f.sims.aac.control.state().roles.find((r) => r.policyId === policyId)?.people).toEqual([]);
  });

  it('A.6.6 a role of another workspace → 404; a non-member → 400', async () => {
    const otherRole = f.sims.aac.control.state().roles.find((r) => r.workspaceId !== f.ws);
    expect(
      (await f.call('PUT', `/v4/authorization/roles/${otherRole?.policyId}/people`, { json: [1] })).status,
    ).toBe(404);
    const policyId = f.sims.aac.control.state().roles.find((r) => r.workspaceId === f.ws)?.policyId;
    expect(
      (await f.call('PUT', `/v4/authorization/roles/${policyId}/people`, { json: [424242] })).status,
    ).toBe(400);
  });
});

describe('A.6.7 workspace groups', () => {
  it('A.6.7 POST groups → 201 CreateGroupResponse; GET → {groups, count}', async () => {
    const created = await f.call('POST', `/v4/workspaces/${f.ws}/groups`, {
      json: { name: 'Analysts', roles: [], members: [] },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      id: expect.any(String),
      name: 'Analysts',
      displayName: 'Analysts',
      workspaceId: f.ws,
      status: 'active',
      autoProvisioned: false,
      location: expect.any(String),
      etag: expect.any(String),
    });
    const documented = [
      'id',
      'name',
      'displayName',
      'workspaceId',
      'status',
      'createdAt',
      'updatedAt',
      'autoProvisioned',
      'location',
      'etag',
    ];
    expect(Object.keys(obj(created.body))).toEqual(expect.arrayContaining(documented));
    const list = await f.call('GET', `/v4/workspaces/${f.ws}/groups`);
    expect(list.body).toMatchObject({ groups: [expect.objectContaining({ name: 'Analysts' })], count: 1 });
    expect(obj(list.body).data).toBeUndefined();
  });

  it('A.6.7 add/remove members with repeated userIds; PUT rename returns users and policies; PUT roles; DELETE', async () => {
    const [a, b] = await invite(f, ['m1@example.com', 'm2@example.com']);
    const gid = String(
      obj((await f.call('POST', `/v4/workspaces/${f.ws}/groups`, { json: { name: 'Team' } })).body).id,
    );
    const added = await f.call('POST', `/v4/workspaces/${f.ws}/groups/${gid}/users`, {
      query: { userIds: [Number(a), Number(b)] },
    });
    expect(added.status).toBe(204);
    const removed = await f.call('DELETE', `/v4/workspaces/${f.ws}/groups/${gid}/users`, {
      query: { userIds: [Number(a)] },
    });
    expect(removed.status).toBe(204);
    const policyId = f.sims.aac.control.state().roles.find((r) => r.workspaceId === f.ws)?.policyId;
    expect(
      (await f.call('PUT', `/v4/workspaces/${f.ws}/groups/${gid}/roles`, { json: { roleIds: [policyId] } }))
        .status,
    ).toBe(204);
    const renamed = await f.call('PUT', `/v4/workspaces/${f.ws}/groups/${gid}`, { json: { name: 'Team 2' } });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({
      id: gid,
      name: 'Team 2',
      users: [{ id: b }],
      policies: [expect.objectContaining({ policyId })],
    });
    expect((await f.call('DELETE', `/v4/workspaces/${f.ws}/groups/${gid}`)).status).toBe(204);
    expect((await f.call('DELETE', `/v4/workspaces/${f.ws}/groups/${gid}`)).status).toBe(404);
  });

  it('A.6.7 includeFullUsers=true lists people objects; non-members cannot be added (400)', async () => {
    const [a] = await invite(f, ['full@example.com']);
    const gid = String(
      obj(
        (await f.call('POST', `/v4/workspaces/${f.ws}/groups`, { json: { name: 'Full', members: [a] } }))
          .body,
      ).id,
    );
    const list = await f.call('GET', `/v4/workspaces/${f.ws}/groups`, { query: { includeFullUsers: true } });
    expect(obj(arr(obj(list.body).groups)[0]).users).toEqual([
      expect.objectContaining({ email: 'full@example.com' }),
    ]);
    const bad = await f.call('POST', `/v4/workspaces/${f.ws}/groups/${gid}/users`, {
      query: { userIds: [777777] },
    });
    expect(bad.status).toBe(400);
  });

  it('A.6.7 groups are not on the /iam/v1 surface', async () => {
    const res = await f.call('GET', `/iam/v1/workspaces/${f.ws}/groups`);
    expect(res.status).toBe(404);
    expect(obj(obj(res.body).exception).name).toBe('RouteNotFoundException');
  });
});

describe('A.2.3 legacy whoami', () => {
  it('A.2.3 GET /v4/apiAccessTokens → {data:[],count:0} with a valid token', async () => {
    const res = await http('GET', `${f.sims.aac.baseUrl}/v4/apiAccessTokens`, { token: f.token });
    expect(res.body).toEqual({ data: [], count: 0 });
  });
});
