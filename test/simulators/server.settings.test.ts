// Each docs/reference/upstream-contracts.md Part D setting of the Server simulator (#21–#33) flips the behaviour it names.
import { describe, expect, it } from 'vitest';
import { arr, http, obj } from './http.js';
import { createGroup, createUser, newUser, useServerSimulator } from './server-fixture.js';

const f = useServerSimulator();
const set = (patch: Record<string, unknown>) => f.sims.server.control.updateSettings(patch);
const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

describe('Server Part D settings', () => {
  it('D#21 base_path moves the whole API (token endpoint included)', async () => {
    set({ base_path: '/gallery/api' });
    expect((await f.call('GET', '/v3/users')).status).toBe(404);
    const moved = await http('GET', `${f.sims.server.origin}/gallery/api/v3/users`, { token: f.token });
    expect(moved.status).toBe(200);
    const token = await http('POST', `${f.sims.server.origin}/gallery/api/oauth2/token`, {
      form: {
        grant_type: 'client_credentials',
        client_id: f.sims.server.clientId,
        client_secret: f.sims.server.clientSecret,
      },
    });
    expect(token.status).toBe(200);
    expect(() => set({ base_path: 'no-slash' })).toThrow();
  });

  it('D#22 token_auth_style=basic refuses form credentials; =form refuses the Basic header', async () => {
    const url = `${f.sims.server.baseUrl}/oauth2/token`;
    const viaForm = () =>
      http('POST', url, {
        form: {
          grant_type: 'client_credentials',
          client_id: f.sims.server.clientId,
          client_secret: f.sims.server.clientSecret,
        },
      });
    const viaBasic = () =>
      http('POST', url, {
        form: { grant_type: 'client_credentials' },
        headers: { authorization: basic(f.sims.server.clientId, f.sims.server.clientSecret) },
      });
    set({ token_auth_style: 'basic' });
    expect((await viaForm()).status).toBe(400);
    expect((await viaBasic()).status).toBe(200);
    set({ token_auth_style: 'form' });
    expect((await viaBasic()).status).toBe(400);
    expect((await viaForm()).status).toBe(200);
  });

  it('D#23 token_ttl_s=600 → expires_in 599 and expiry after 10 minutes', async () => {
    set({ token_ttl_s: 600 });
    const res = await http('POST', `${f.sims.server.baseUrl}/oauth2/token`, {
      form: {
        grant_type: 'client_credentials',
        client_id: f.sims.server.clientId,
        client_secret: f.sims.server.clientSecret,
      },
    });
    expect(obj(res.body).expires_in).toBe(599);
    f.sims.server.control.advanceClock(601_000);
    expect((await f.call('GET', '/v3/users', { token: String(obj(res.body).access_token) })).status).toBe(
      401,
    );
  });

  it('D#24 list_view_default=Full and legacy_verbose', async () => {
    set({ list_view_default: 'Full' });
    expect(obj(arr((await f.call('GET', '/v3/users')).body)[0])).toHaveProperty('canScheduleJobs');
    expect(
      obj(arr((await f.call('GET', '/v3/users', { query: { view: 'Default' } })).body)[0]),
    ).not.toHaveProperty('canScheduleJobs');
    set({ list_view_default: 'legacy_verbose' });
    expect(
      obj(arr((await f.call('GET', '/v3/users', { query: { view: 'Full' } })).body)[0]),
    ).not.toHaveProperty('canScheduleJobs');
    expect(
      obj(arr((await f.call('GET', '/v3/users', { query: { verbose: 'true' } })).body)[0]),
    ).toHaveProperty('canScheduleJobs');
  });

  it('D#25 pagination=page honours page/pageSize (default 25, max 100); none ignores them', async () => {
    f.sims.server.control.seedUsers(Array.from({ length: 30 }, (_, i) => newUser(i + 100)));
    expect(arr((await f.call('GET', '/v3/users', { query: { page: 2, pageSize: 10 } })).body)).toHaveLength(
      31,
    );
    set({ pagination: 'page' });
    expect(arr((await f.call('GET', '/v3/users')).body)).toHaveLength(25);
    expect(arr((await f.call('GET', '/v3/users', { query: { page: 2, pageSize: 10 } })).body)).toHaveLength(
      10,
    );
    expect(arr((await f.call('GET', '/v3/users', { query: { pageSize: 500 } })).body)).toHaveLength(31);
    for (let i = 0; i < 3; i++) await createGroup(f, `G${i}`);
    expect(
      arr((await f.call('GET', '/v3/usergroups', { query: { page: 2, pageSize: 2 } })).body),
    ).toHaveLength(1);
    set({ pagination: 'none' });
    expect(
      arr((await f.call('GET', '/v3/usergroups', { query: { page: 2, pageSize: 2 } })).body),
    ).toHaveLength(3);
  });

  it('D#26 create_status_code=201', async () => {
    set({ create_status_code: 201 });
    expect((await f.call('POST', '/v3/users', { json: newUser(1) })).status).toBe(201);
  });

  it('D#27 duplicate_email: reject refuses a PUT to a taken email; allow creates a second user with it', async () => {
    const first = await createUser(f, 1);
    const second = await createUser(f, 2);
    const taken = await f.call('PUT', `/v3/users/${String(second.id)}`, {
      json: { ...second, email: String(first.email).toUpperCase() },
    });
    expect(taken.status).toBe(400);
    expect(obj(taken.body).message).toMatch(/already exists/);
    set({ duplicate_email: 'allow' });
    expect((await f.call('POST', '/v3/users', { json: newUser(1) })).status).toBe(200);
    expect(arr((await f.call('GET', '/v3/users', { query: { email: newUser(1).email } })).body)).toHaveLength(
      2,
    );
  });

  it('D#28 put_requires_all_fields=false accepts a partial PUT and keeps the other fields', async () => {
    const user = await createUser(f, 1);
    set({ put_requires_all_fields: false });
    const res = await f.call('PUT', `/v3/users/${String(user.id)}`, { json: { lastName: 'Changed' } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ firstName: user.firstName, lastName: 'Changed', email: user.email });
  });

  it('D#29 delete_user_with_assets_or_groups=409 (assets and group membership alike)', async () => {
    const id = String((await createUser(f, 1)).id);
    f.sims.server.control.addAssets(id, { collections: 1 });
    set({ delete_user_with_assets_or_groups: 409 });
    expect((await f.call('DELETE', `/v3/users/${id}`)).status).toBe(409);
    const member = String((await createUser(f, 2)).id);
    await f.call('POST', `/v3/usergroups/${await createGroup(f, 'G')}/users`, { json: [member] });
    const inGroup = await f.call('DELETE', `/v3/users/${member}`);
    expect(inGroup.status).toBe(409);
    expect(obj(inGroup.body).message).toMatch(/group/);
  });

  it('D#30 auth_mode: saml refuses passwordReset; windows also refuses POST /v3/users', async () => {
    const id = String((await createUser(f, 1)).id);
    expect((await f.call('POST', `/v3/users/${id}/passwordReset`)).status).toBe(200);
    set({ auth_mode: 'saml' });
    expect((await f.call('POST', `/v3/users/${id}/passwordReset`)).status).toBe(400);
    expect((await f.call('POST', '/v3/users', { json: newUser(2) })).status).toBe(200);
    set({ auth_mode: 'windows' });
    expect((await f.call('POST', '/v3/users', { json: newUser(3) })).status).toBe(400);
    expect((await f.call('POST', `/v3/users/${id}/passwordReset`)).status).toBe(400);
    // UpdateUserContract: lastName is "required on non windows authentication type" (B.5).
    const user = obj((await f.call('GET', `/v3/users/${id}`)).body);
    const { firstName: _first, lastName: _last, ...withoutNames } = user;
    expect((await f.call('PUT', `/v3/users/${id}`, { json: withoutNames })).status).toBe(200);
    set({ auth_mode: 'builtin' });
    const refused = await f.call('PUT', `/v3/users/${id}`, { json: withoutNames });
    expect(refused.status).toBe(400);
    expect(Object.keys(obj(obj(refused.body).modelState)).sort()).toEqual([
      'contract.FirstName',
      'contract.LastName',
    ]);
  });

  it('D#31 non_curator_status=401', async () => {
    const id = String((await createUser(f, 1)).id);
    set({ non_curator_status: 401 });
    const token = f.sims.server.control.issueAccessToken(id);
    expect((await f.call('GET', '/v3/users', { token })).status).toBe(401);
  });

  it('D#32 add_users_fail_ids → those ids are reported in failedUserReasons', async () => {
    const a = String((await createUser(f, 1)).id);
    const b = String((await createUser(f, 2)).id);
    const gid = await createGroup(f, 'G');
    set({ add_users_fail_ids: [b] });
    const res = await f.call('POST', `/v3/usergroups/${gid}/users`, { json: [a, b] });
    expect(res.body).toEqual({
      successfullyAddedUserCount: 1,
      totalUsersSubmittedCount: 2,
      failedUserReasons: { [b]: expect.any(String) },
    });
  });

  it('D#33 role_enum_strict=false maps UI labels (Creator → Artisan, Admin → Curator)', async () => {
    set({ role_enum_strict: false });
    const creator = await f.call('POST', '/v3/users', { json: { ...newUser(1), role: 'Creator' } });
    expect(obj(creator.body).role).toBe('Artisan');
    const admin = await f.call('POST', '/v3/usergroups', { json: { name: 'Admins', role: 'Admin' } });
    expect((await f.call('GET', `/v3/usergroups/${String(admin.body)}`)).body).toMatchObject({
      role: 'Curator',
    });
  });

  it('settings are validated over HTTP (400) and in-process (throws)', async () => {
    const bad = await http('PUT', `${f.sims.server.origin}/__sim/settings`, {
      json: { create_status_code: 204 },
    });
    expect(bad.status).toBe(400);
    expect(() => set({ unknown_key: 1 })).toThrow();
    const ok = await http('PUT', `${f.sims.server.origin}/__sim/settings`, { json: { pagination: 'page' } });
    expect(obj(ok.body).pagination).toBe('page');
  });
});
