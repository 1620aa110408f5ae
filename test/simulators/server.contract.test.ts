// Contract tests of the Alteryx Server simulator through real HTTP: each test names the docs/reference/upstream-contracts.md section it checks.
import { describe, expect, it } from 'vitest';
import { arr, http, obj } from './http.js';
import { createGroup, createUser, newUser, useServerSimulator } from './server-fixture.js';

const f = useServerSimulator();
const tokenUrl = () => `${f.sims.server.baseUrl}/oauth2/token`;
const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

describe('B.2 authentication', () => {
  it('B.2 client_credentials with a Basic header → {access_token, token_type:"bearer", expires_in:3599}', async () => {
    const res = await http('POST', tokenUrl(), {
      form: { grant_type: 'client_credentials' },
      headers: { authorization: basic(f.sims.server.clientId, f.sims.server.clientSecret) },
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ access_token: expect.any(String), token_type: 'bearer', expires_in: 3599 });
    const users = await f.call('GET', '/v3/users', { token: String(obj(res.body).access_token) });
    expect(users.status).toBe(200);
  });

  it('B.2 client_credentials with the credentials in the form body (extra scope ignored) → 200', async () => {
    const res = await http('POST', tokenUrl(), {
      form: {
        grant_type: 'client_credentials',
        client_id: f.sims.server.clientId,
        client_secret: f.sims.server.clientSecret,
        scope: 'admin',
      },
    });
    expect(res.status).toBe(200);
  });

  it('B.2 a wrong secret → 400 {"error":"invalid_client"}; a wrong grant → unsupported_grant_type', async () => {
    const wrong = await http('POST', tokenUrl(), {
      form: { grant_type: 'client_credentials' },
      headers: { authorization: basic(f.sims.server.clientId, 'nope') },
    });
    expect(wrong.status).toBe(400);
    expect(wrong.body).toEqual({ error: 'invalid_client', error_description: expect.any(String) });
    const grant = await http('POST', tokenUrl(), {
      form: {
        grant_type: 'password',
        client_id: f.sims.server.clientId,
        client_secret: f.sims.server.clientSecret,
      },
    });
    expect(obj(grant.body).error).toBe('unsupported_grant_type');
  });

  it('B.2 no, unknown or expired bearer token → 401', async () => {
    expect((await f.call('GET', '/v3/users', { token: '' })).status).toBe(401);
    expect((await f.call('GET', '/v3/users', { token: 'bogus' })).status).toBe(401);
    f.sims.server.control.expireTokens();
    const expired = await f.call('GET', '/v3/users');
    expect(expired.status).toBe(401);
    expect(obj(expired.body).message).toEqual(expect.any(String));
  });

  it('B.2 tokens live 60 minutes', async () => {
    f.sims.server.control.advanceClock(3_599_000);
    expect((await f.call('GET', '/v3/users')).status).toBe(200);
    f.sims.server.control.advanceClock(2_000);
    expect((await f.call('GET', '/v3/users')).status).toBe(401);
  });

  it('B.2 a key whose user has no API access (isApiEnabled=false) → 400 invalid_client', async () => {
    const form = {
      grant_type: 'client_credentials',
      client_id: f.sims.server.clientId,
      client_secret: f.sims.server.clientSecret,
    };
    expect((await http('POST', tokenUrl(), { form })).status).toBe(200);
    const curator = obj((await f.call('GET', `/v3/users/${f.curatorId}`)).body);
    const off = await f.call('PUT', `/v3/users/${f.curatorId}`, {
      json: { ...curator, isApiEnabled: false },
    });
    expect(off.status).toBe(200);
    const refused = await http('POST', tokenUrl(), { form });
    expect(refused.status).toBe(400);
    expect(refused.body).toEqual({ error: 'invalid_client', error_description: expect.any(String) });
  });

  it('B.2 Basic credentials: percent-encoded values are decoded; a malformed encoding is a 400, not a 500', async () => {
    const key = f.sims.server.control.addApiKey(f.curatorId, 'key with space', 'p%zz');
    const encoded = await http('POST', tokenUrl(), {
      form: { grant_type: 'client_credentials' },
      headers: { authorization: basic('key%20with%20space', key.clientSecret) },
    });
    expect(encoded.status).toBe(200);
    const wrong = await http('POST', tokenUrl(), {
      form: { grant_type: 'client_credentials' },
      headers: { authorization: basic('a%zz', 'b%') },
    });
    expect(wrong.status).toBe(400);
    expect(obj(wrong.body).error).toBe('invalid_client');
  });

  it('B.2 a non-Curator key → 403 on users and usergroups', async () => {
    const viewer = await createUser(f, 1);
    const key = f.sims.server.control.addApiKey(String(viewer.id));
    const token = await http('POST', tokenUrl(), {
      form: { grant_type: 'client_credentials', client_id: key.clientId, client_secret: key.clientSecret },
    });
    const bearer = String(obj(token.body).access_token);
    expect((await f.call('GET', '/v3/users', { token: bearer })).status).toBe(403);
    expect((await f.call('GET', '/v3/usergroups', { token: bearer })).status).toBe(403);
  });
});

describe('B.3 request formats', () => {
  it('B.3 form-encoded create works like JSON', async () => {
    const res = await f.call('POST', '/v3/users', {
      form: { firstName: 'Form', lastName: 'User', email: 'form@example.com', canScheduleJobs: 'true' },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ email: 'form@example.com', canScheduleJobs: true });
  });

  it('B.3 a media type that is neither JSON nor form → 415', async () => {
    const res = await f.call('POST', '/v3/users', {
      raw: '<user/>',
      headers: { 'content-type': 'application/xml' },
    });
    expect(res.status).toBe(415);
  });

  it('B.1 paths live under /webapi; elsewhere → 404 {message}', async () => {
    const res = await http('GET', `${f.sims.server.origin}/api/v3/users`, { token: f.token });
    expect(res.status).toBe(404);
    expect(obj(res.body).message).toEqual(expect.any(String));
  });
});

describe('B.4/B.5 users', () => {
  it('B.5 GET /v3/users → a bare array in the reduced view', async () => {
    await createUser(f, 1);
    const res = await f.call('GET', '/v3/users');
    const users = arr(res.body);
    expect(users).toHaveLength(2);
    expect(Object.keys(obj(users[1])).sort()).toEqual([
      'dateCreated',
      'email',
      'firstName',
      'id',
      'isActive',
      'lastName',
      'role',
    ]);
  });

  it('B.5 view=Full → full UserView entries', async () => {
    const res = await f.call('GET', '/v3/users', { query: { view: 'Full' } });
    expect(obj(arr(res.body)[0])).toHaveProperty('canScheduleJobs');
    expect(obj(arr(res.body)[0])).toHaveProperty('sharedCredentialIds');
  });

  it('B.5 filters: email (case-insensitive), active, role, firstName, lastName, createdAfter/createdBefore', async () => {
    const a = await createUser(f, 1);
    const b = await createUser(f, 2);
    await f.call('POST', `/v3/users/${String(b.id)}/deactivate`);
    const ids = async (query: Record<string, string>) =>
      arr((await f.call('GET', '/v3/users', { query })).body).map((u) => obj(u).id);
    expect(await ids({ email: 'USER1@example.com' })).toEqual([a.id]);
    expect(await ids({ active: 'false' })).toEqual([b.id]);
    expect(await ids({ role: 'Curator' })).toEqual([f.curatorId]);
    expect(await ids({ firstName: 'first2' })).toEqual([b.id]);
    expect(await ids({ lastName: 'Last1' })).toEqual([a.id]);
    f.sims.server.control.advanceClock(60_000);
    const cut = new Date(Date.now() + 30_000).toISOString();
    const c = await createUser(f, 3);
    expect(await ids({ createdAfter: cut })).toEqual([c.id]);
    expect((await ids({ createdBefore: cut })).length).toBe(3);
    expect((await f.call('GET', '/v3/users', { query: { createdAfter: 'yesterday' } })).status).toBe(400);
  });

  it('B.5 POST the CreateUserContract example → a UserView with exactly the documented keys', async () => {
    const example = {
      firstName: 'Jane',
      lastName: 'Doe',
      email: 'jane.doe@example.com',
      role: 'Evaluated',
      defaultWorkerTag: '',
      canScheduleJobs: false,
      canPrioritizeJobs: false,
      canAssignJobs: false,
      canCreateCollections: false,
      isApiEnabled: false,
      defaultCredentialId: '',
      isActive: true,
      timeZone: '...',
      canCreateAndUpdateDcm: false,
      canShareForExecutionDcm: false,
      canShareForCollaborationDcm: false,
      canManageGenericVaultsDcm: false,
    };
    const res = await f.call('POST', '/v3/users', { json: example });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject(example);
    const userViewKeys = [
      'id',
      'firstName',
      'lastName',
      'email',
      'role',
      'defaultWorkerTag',
      'canScheduleJobs',
      'canPrioritizeJobs',
      'canAssignJobs',
      'canCreateCollections',
      'isApiEnabled',
      'defaultCredentialId',
      'isAccountLocked',
      'isActive',
      'lastLoginDateTime',
      'isValidated',
      'sharedCredentialIds',
      'dataConnectionIds',
      'timeZone',
      'language',
      'canCreateAndUpdateDcm',
      'canShareForExecutionDcm',
      'canShareForCollaborationDcm',
      'canManageGenericVaultsDcm',
    ];
    expect(Object.keys(obj(res.body)).sort()).toEqual(userViewKeys.sort());
    const full = await f.call('GET', '/v3/users', { query: { view: 'Full', email: example.email } });
    expect(Object.keys(obj(arr(full.body)[0])).sort()).toEqual(userViewKeys.sort());
  });

  it('B.5 POST /v3/users → UserView with defaults (role Evaluated, booleans false) and a 24-hex id', async () => {
    const res = await f.call('POST', '/v3/users', { json: newUser(7) });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id: expect.stringMatching(/^[0-9a-f]{24}$/),
      ...newUser(7),
      role: 'Evaluated',
      defaultWorkerTag: '',
      canScheduleJobs: false,
      isApiEnabled: false,
      isActive: true,
    });
  });

  it('B.5/B.7 missing required fields → 400 {message, modelState}', async () => {
    const res = await f.call('POST', '/v3/users', { json: { firstName: 'Only' } });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      message: 'The request is invalid.',
      modelState: {
        'contract.LastName': [expect.any(String)],
        'contract.Email': ['The Email field is required.'],
      },
    });
  });

  it('B.4 the UI labels Creator/Admin are rejected (400); the enum is accepted', async () => {
    for (const role of ['Creator', 'Admin', 'ServerAdmin']) {
      const res = await f.call('POST', '/v3/users', { json: { ...newUser(8), role } });
      expect(res.status).toBe(400);
      expect(obj(obj(res.body).modelState)['contract.Role']).toBeDefined();
    }
    const ok = await f.call('POST', '/v3/users', { json: { ...newUser(8), role: 'Artisan' } });
    expect(obj(ok.body).role).toBe('Artisan');
  });

  it('B.5 duplicate email → 400', async () => {
    await createUser(f, 1);
    const res = await f.call('POST', '/v3/users', { json: { ...newUser(1), email: 'USER1@example.com' } });
    expect(res.status).toBe(400);
  });

  it('B.5 GET /v3/users/{id} → full UserView; unknown → 404', async () => {
    const user = await createUser(f, 1);
    const res = await f.call('GET', `/v3/users/${String(user.id)}`);
    expect(res.body).toEqual(user);
    expect((await f.call('GET', '/v3/users/000000000000000000000000')).status).toBe(404);
  });

  it('B.5 PUT is a full replace: a partial body → 400 modelState; the full object → 200, URL id wins', async () => {
    const user = await createUser(f, 1);
    const partial = await f.call('PUT', `/v3/users/${String(user.id)}`, { json: { firstName: 'X' } });
    expect(partial.status).toBe(400);
    expect(Object.keys(obj(obj(partial.body).modelState))).toContain('contract.IsActive');
    const full = { ...user, id: 'ffffffffffffffffffffffff', firstName: 'Renamed', role: 'Member' };
    const res = await f.call('PUT', `/v3/users/${String(user.id)}`, { json: full });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: user.id, firstName: 'Renamed', role: 'Member' });
  });

  it('B.5 DELETE is refused (400) while the user is in a group or owns assets; otherwise it deletes', async () => {
    const user = await createUser(f, 1);
    const id = String(user.id);
    const gid = await createGroup(f, 'G');
    await f.call('POST', `/v3/usergroups/${gid}/users`, { json: [id] });
    const inGroup = await f.call('DELETE', `/v3/users/${id}`);
    expect(inGroup.status).toBe(400);
    expect(obj(inGroup.body).message).toMatch(/group/);
    await f.call('DELETE', `/v3/usergroups/${gid}/users/${id}`);
    f.sims.server.control.addAssets(id, { workflows: 1 });
    const withAssets = await f.call('DELETE', `/v3/users/${id}`);
    expect(withAssets.status).toBe(400);
    expect(obj(withAssets.body).message).toMatch(/assets/);
    await f.call('PUT', `/v3/users/${id}/assetTransfer`, {
      json: {
        ownerId: f.curatorId,
        transferWorkflows: true,
        transferSchedules: true,
        transferCollections: true,
      },
    });
    const ok = await f.call('DELETE', `/v3/users/${id}`);
    expect(ok.status).toBe(200);
    expect((await f.call('GET', `/v3/users/${id}`)).status).toBe(404);
  });

  it('B.5 POST …/deactivate → array of group ids; isActive=false; removed from every group', async () => {
    const id = String((await createUser(f, 1)).id);
    const g1 = await createGroup(f, 'G1');
    const g2 = await createGroup(f, 'G2');
    await f.call('POST', `/v3/usergroups/${g1}/users`, { json: [id] });
    await f.call('POST', `/v3/usergroups/${g2}/users`, { json: [id] });
    const res = await f.call('POST', `/v3/users/${id}/deactivate`);
    expect(res.status).toBe(200);
    expect(arr(res.body).sort()).toEqual([g1, g2].sort());
    expect(obj((await f.call('GET', `/v3/users/${id}`)).body).isActive).toBe(false);
    expect(obj((await f.call('GET', `/v3/usergroups/${g1}`)).body).members).toEqual([]);
  });

  it('B.5 assets: GET …/assets → {workflows, schedules, collections}; assetTransfer → [{affectedScheduleId}]', async () => {
    const id = String((await createUser(f, 1)).id);
    f.sims.server.control.addAssets(id, { workflows: 2, schedules: 1 });
    const assets = await f.call('GET', `/v3/users/${id}/assets`);
    expect(arr(obj(assets.body).workflows)).toHaveLength(2);
    const moved = await f.call('PUT', `/v3/users/${id}/assetTransfer`, {
      json: {
        ownerId: f.curatorId,
        transferWorkflows: true,
        transferSchedules: true,
        transferCollections: false,
      },
    });
    expect(moved.body).toEqual([{ affectedScheduleId: expect.any(String) }]);
  });
});

describe('B.6 usergroups', () => {
  it('B.6 an Evaluated user in a Curator usergroup is a Curator at runtime; a Viewer is not', async () => {
    const [evaluated, viewer] = f.sims.server.control.seedUsers([
      { ...newUser(1), role: 'Evaluated' },
      { ...newUser(2), role: 'Viewer' },
    ]);
    const gid = await createGroup(f, 'Admins', 'Curator');
    await f.call('POST', `/v3/usergroups/${gid}/users`, { json: [evaluated, viewer] });
    const as = (userId: string | undefined) =>
      f.call('GET', '/v3/usergroups', { token: f.sims.server.control.issueAccessToken(userId) });
    expect((await as(evaluated)).status).toBe(200);
    expect((await as(viewer)).status).toBe(403);
    await f.call('DELETE', `/v3/usergroups/${gid}/users/${String(evaluated)}`);
    expect((await as(evaluated)).status).toBe(403);
  });

  it('B.6 POST → the id as a JSON string (form-encoded body accepted); GET list → reduced [{id,name,role}]', async () => {
    const res = await f.call('POST', '/v3/usergroups', { form: { name: 'Accounting', role: 'Artisan' } });
    expect(res.status).toBe(200);
    expect(res.text).toMatch(/^"[0-9a-f]{24}"$/);
    const list = await f.call('GET', '/v3/usergroups');
    expect(list.body).toEqual([{ id: res.body, name: 'Accounting', role: 'Artisan' }]);
  });

  it('B.6 POST/PUT need both name and role → 400 modelState', async () => {
    const res = await f.call('POST', '/v3/usergroups', { json: { name: 'NoRole' } });
    expect(res.status).toBe(400);
    expect(obj(obj(res.body).modelState)['contract.Role']).toBeDefined();
    const gid = await createGroup(f, 'G');
    expect((await f.call('PUT', `/v3/usergroups/${gid}`, { json: { name: 'Only name' } })).status).toBe(400);
    expect(
      (await f.call('PUT', `/v3/usergroups/${gid}`, { json: { name: 'New', role: 'Member' } })).status,
    ).toBe(200);
    expect(obj((await f.call('GET', `/v3/usergroups/${gid}`)).body)).toMatchObject({
      name: 'New',
      role: 'Member',
    });
  });

  it('B.6 GET /v3/usergroups/{id} → UserGroupView with members[{activeDirectoryObject,userId,dateAddedToGroup,addedByUserId}]', async () => {
    const id = String((await createUser(f, 1)).id);
    const gid = await createGroup(f, 'G');
    await f.call('POST', `/v3/usergroups/${gid}/users`, { json: [id] });
    const res = await f.call('GET', `/v3/usergroups/${gid}`);
    expect(res.body).toEqual({
      id: gid,
      name: 'G',
      dateAdded: expect.any(String),
      role: 'Viewer',
      credentialIds: [],
      connectionIds: [],
      members: [
        {
          activeDirectoryObject: null,
          userId: id,
          dateAddedToGroup: expect.any(String),
          addedByUserId: f.curatorId,
        },
      ],
    });
    expect((await f.call('GET', '/v3/usergroups/000000000000000000000000')).status).toBe(404);
  });

  it('B.6 POST …/users with an array of id strings → counts and failedUserReasons', async () => {
    const id = String((await createUser(f, 1)).id);
    const gid = await createGroup(f, 'G');
    const res = await f.call('POST', `/v3/usergroups/${gid}/users`, {
      json: [id, 'aaaaaaaaaaaaaaaaaaaaaaaa'],
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      successfullyAddedUserCount: 1,
      totalUsersSubmittedCount: 2,
      failedUserReasons: { aaaaaaaaaaaaaaaaaaaaaaaa: expect.any(String) },
    });
    const wrongShape = await f.call('POST', `/v3/usergroups/${gid}/users`, { json: { userId: id } });
    expect(wrongShape.status).toBe(400);
  });

  it('B.6 DELETE …/users/{userId} is idempotent and returns the UserGroupView', async () => {
    const id = String((await createUser(f, 1)).id);
    const gid = await createGroup(f, 'G');
    await f.call('POST', `/v3/usergroups/${gid}/users`, { json: [id] });
    const first = await f.call('DELETE', `/v3/usergroups/${gid}/users/${id}`);
    const second = await f.call('DELETE', `/v3/usergroups/${gid}/users/${id}`);
    expect(first.status).toBe(200);
    expect(second.status).toBe(200);
    expect(obj(second.body).members).toEqual([]);
  });

  it('B.6 DELETE a non-empty group → 400 unless forceDelete=true', async () => {
    const id = String((await createUser(f, 1)).id);
    const gid = await createGroup(f, 'G');
    await f.call('POST', `/v3/usergroups/${gid}/users`, { json: [id] });
    expect((await f.call('DELETE', `/v3/usergroups/${gid}`, { query: { forceDelete: false } })).status).toBe(
      400,
    );
    expect((await f.call('DELETE', `/v3/usergroups/${gid}`, { query: { forceDelete: true } })).status).toBe(
      200,
    );
    expect((await f.call('GET', `/v3/usergroups/${gid}`)).status).toBe(404);
    expect(f.sims.server.control.state().users.find((u) => u.id === id)?.groupIds).toEqual([]);
  });
});
