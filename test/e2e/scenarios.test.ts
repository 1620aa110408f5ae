// End-to-end proof of issue 4: the IdP scenario scripts of docs/reference/idp-cases.md §13 (SC-01 to SC-07)
// replayed with the catalog's request shapes through the bridge as `npm start` builds it, into the
// AAC and Server simulators. After each step the upstream state is asserted through the simulators' controls
// (docs/reference/bridge-interface.md "What a SCIM operation does upstream"), plus the id-mapping rows and the audit trail.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { TargetName } from '../../src/core/connector.js';
import { databaseKinds } from '../support/databases.js';
import { PATCH_SCHEMA } from '../support/test-app.js';
import { idpRequest, type IdpRequest } from './support/fixtures.js';
import {
  eventually,
  startProvisionedApp,
  TEST_TOKEN,
  type ProvisionedApp,
} from './support/provisioned-app.js';

describe.each(databaseKinds())('IdP scenarios end to end (%s)', (kind) => {
  let app: ProvisionedApp;
  const requestIds: string[] = [];

  beforeAll(async () => {
    app = await startProvisionedApp(kind);
  });
  afterAll(async () => {
    await app?.close();
  });

  /** Replays one IdP request; checks the status; remembers the request id for the audit checks. */
  async function replay(req: IdpRequest, status: number | number[], body?: Record<string, unknown>) {
    let test = app.scim.send(req.method, req.path, req.headers);
    const payload = body ?? req.body;
    if (payload !== undefined) test = test.send(payload);
    const res = await test;
    const expected = Array.isArray(status) ? status : [status];
    expect(
      expected,
      `${req.case} ${req.method} ${req.path} → ${res.status} ${JSON.stringify(res.body)}`,
    ).toContain(res.status);
    const requestId = String(res.headers['x-request-id'] ?? '');
    expect(requestId).not.toBe('');
    requestIds.push(requestId);
    return { res, requestId, body: res.body as Record<string, unknown> };
  }

  const inline = (
    caseName: string,
    method: string,
    path: string,
    body?: Record<string, unknown>,
  ): IdpRequest => ({
    case: caseName,
    method,
    path,
    headers: { 'Content-Type': 'application/scim+json' },
    body,
  });

  /** The audit trail links the SCIM request to upstream calls on each given target (buffered: flushed within ~200 ms). */
  async function expectUpstreamCalls(requestId: string, targets: TargetName[]) {
    const rows = await eventually(
      `upstream audit rows of ${requestId} on ${targets.join(', ')}`,
      () => app.store.audit(requestId),
      (r) => targets.every((t) => r.some((row) => row.kind === 'upstream' && row.target === t)),
    );
    expect(rows.filter((r) => r.kind === 'scim')).toHaveLength(1);
    return rows;
  }

  async function expectMappings(
    resourceType: 'User' | 'Group',
    scimId: string,
    states: Record<TargetName, string>,
  ) {
    const rows = await app.store.mappings(resourceType, scimId);
    expect(Object.fromEntries(rows.map((r) => [r.target, r.state]))).toEqual(states);
    return Object.fromEntries(rows.map((r) => [r.target, r])) as Record<TargetName, (typeof rows)[number]>;
  }

  const personId = (email: string) => app.upstream.aacPerson(email)!.id;
  const serverId = (email: string) => app.upstream.serverUser(email)!.id;

  afterEach(async () => {
    // No secret anywhere in the audit trail: the SCIM token, the refresh tokens (first and rotated), the client secret.
    const audit = JSON.stringify(await app.store.allAudit());
    const credentials = await app.bridge.handle.db.credential.findMany();
    const secrets = [
      TEST_TOKEN,
      app.sims.aac.refreshToken,
      app.sims.server.clientSecret,
      ...credentials.map((c) => c.value),
    ];
    for (const secret of secrets)
      expect(audit.includes(secret), 'a secret is in the audit trail').toBe(false);
  });

  it('SC-01 Okta user lifecycle: invite + create, PUT profile, deactivate, reactivate, unassign', async () => {
    const email = 'test.user@okta.local';
    await replay(inline('OK-01', 'GET', '/Users?startIndex=1&count=2'), 200);
    await replay(inline('OK-01', 'GET', '/Groups?startIndex=1&count=100'), 200);
    const lookup = inline(
      'OK-02',
      'GET',
      '/Users?filter=userName%20eq%20%22test.user%40okta.local%22&startIndex=1&count=100',
    );
    expect((await replay(lookup, 200)).body.totalResults).toBe(0);

    // OK-03: invited on AAC (membership `new`), created on Server with the default role
    const created = await replay(idpRequest('okta/OK-03-create-user.json'), 201);
    const uid = String(created.body.id);
    expect(created.body).not.toHaveProperty('password');
    expect(app.upstream.aacPeople(email)).toHaveLength(1);
    expect(app.upstream.aacStatus(email)).toBe('new');
    expect(app.upstream.serverUsers(email)).toHaveLength(1);
    expect(app.upstream.serverUser(email)).toMatchObject({
      firstName: 'Test',
      lastName: 'User',
      isActive: true,
      role: 'Evaluated',
    });
    const maps = await expectMappings('User', uid, { aac: 'synced', server: 'synced' });
    expect(maps.aac.upstreamId).toBe(String(personId(email)));
    expect(maps.server.upstreamId).toBe(serverId(email));
    expect(maps.aac.email).toBe(email);
    const createAudit = await expectUpstreamCalls(created.requestId, ['aac', 'server']);
    expect(
      createAudit.some((r) => r.target === 'aac' && r.method === 'POST' && r.path?.endsWith('/people/batch')),
    ).toBe(true);
    expect(
      createAudit.some((r) => r.target === 'server' && r.method === 'POST' && r.path === '/v3/users'),
    ).toBe(true);

    await replay(inline('OK-06', 'GET', `/Users/${uid}`), 200);

    // OK-07 PUT with a new givenName: Server gets GET-merge-PUT; AAC cannot take names → not propagated, audited
    const serverLogBefore = app.upstream.serverRequests().length;
    const put = await replay(idpRequest('okta/OK-07-put-user.json', { uid }), 200);
    expect(app.upstream.serverUser(email)).toMatchObject({ firstName: 'Another', lastName: 'User' });
    const serverCalls = app.upstream
      .serverRequests()
      .slice(serverLogBefore)
      .map((r) => `${r.method} ${r.path}`);
    const sid = serverId(email);
    const getAt = serverCalls.indexOf(`GET /webapi/v3/users/${sid}`);
    expect(getAt).toBeGreaterThanOrEqual(0);
    expect(serverCalls.indexOf(`PUT /webapi/v3/users/${sid}`)).toBeGreaterThan(getAt);
    expect(app.upstream.aacPerson(email)!.name).not.toContain('Another');
    const afterPut = await expectMappings('User', uid, { aac: 'not_propagated', server: 'synced' });
    expect(afterPut.aac.reason).toMatch(/name/i);
    const putAudit = await eventually(
      'the not-propagated audit row',
      () => app.store.audit(put.requestId),
      (rows) =>
        rows.some(
          (r) =>
            r.kind === 'provisioning' && r.target === 'aac' && (r.detail ?? '').includes('not_propagated'),
        ),
    );
    expect(putAudit.some((r) => r.kind === 'upstream' && r.target === 'server' && r.method === 'PUT')).toBe(
      true,
    );

    // OK-10 deactivate: suspended on AAC, deactivated on Server
    const off = await replay(idpRequest('okta/OK-10-deactivate-pathless.json', { uid }), [200, 204]);
    expect(app.upstream.aacStatus(email)).toBe('suspended');
    expect(app.upstream.serverUser(email)).toMatchObject({ isActive: false });
    const offAudit = await expectUpstreamCalls(off.requestId, ['aac', 'server']);
    expect(offAudit.some((r) => r.target === 'aac' && r.path?.endsWith('/people/suspend'))).toBe(true);
    expect(offAudit.some((r) => r.target === 'server' && r.path === `/v3/users/${sid}/deactivate`)).toBe(
      true,
    );

    // OK-12 still readable
    expect((await replay(inline('OK-12', 'GET', `/Users/${uid}`), 200)).body.active).toBe(false);
    const still = await replay(lookup, 200);
    expect(still.body).toMatchObject({ totalResults: 1, Resources: [{ id: uid, active: false }] });

    // OK-11 reactivate: unsuspended (back to `new`: never accepted), active on Server
    await replay(idpRequest('okta/OK-11-reactivate-pathless.json', { uid }), [200, 204]);
    expect(app.upstream.aacStatus(email)).toBe('new');
    expect(app.upstream.serverUser(email)).toMatchObject({ isActive: true });
    expect((await replay(lookup, 200)).body.totalResults).toBe(1);

    // OK-10 again (unassign): suspended, never deleted; still one person and one user
    await replay(idpRequest('okta/OK-10-deactivate-pathless.json', { uid }), [200, 204]);
    expect(app.upstream.aacStatus(email)).toBe('suspended');
    expect(app.upstream.serverUser(email)).toMatchObject({ isActive: false });
    expect(app.upstream.aacPeople(email)).toHaveLength(1);
    expect(app.upstream.serverUsers(email)).toHaveLength(1);
  });

  it('SC-02 Okta Group Push: create, rename, add, rename, remove, empty push, delete', async () => {
    const email = 'push.member@okta.local';
    const user = await replay(
      inline('OK-03', 'POST', '/Users', {
        ...idpRequest('okta/OK-03-create-user.json').body,
        userName: email,
        externalId: '00upushmember',
        emails: [{ primary: true, value: email, type: 'work' }],
      }),
      201,
    );
    const uid = String(user.body.id);
    const name = 'Test SCIMv2';
    const renamed = 'Test SCIMv2 renamed';

    const byName = inline(
      'OG-02',
      'GET',
      '/Groups?filter=displayName%20eq%20%22Test%20SCIMv2%22&startIndex=1&count=100',
    );
    expect((await replay(byName, 200)).body.totalResults).toBe(0);

    const created = await replay(idpRequest('okta/OG-01-create-group.json'), 201);
    const gid = String(created.body.id);
    expect(app.upstream.aacGroup(name)).toBeDefined();
    expect(app.upstream.serverGroup(name)).toMatchObject({ role: 'Viewer', memberIds: [] });
    const groupMaps = await expectMappings('Group', gid, { aac: 'synced', server: 'synced' });
    expect(groupMaps.aac.upstreamId).toBe(app.upstream.aacGroup(name)!.id);
    expect(groupMaps.server.upstreamId).toBe(app.upstream.serverGroup(name)!.id);
    await expectUpstreamCalls(created.requestId, ['aac', 'server']);
    expect((await replay(byName, 200)).body).toMatchObject({ totalResults: 1, Resources: [{ id: gid }] });

    await replay(idpRequest('okta/OG-05-pathless-rename-with-id.json', { gid }), [200, 204]);
    expect(app.upstream.aacGroup(renamed)).toBeDefined();
    expect(app.upstream.aacGroup(name)).toBeUndefined();
    expect(app.upstream.serverGroup(renamed)).toBeDefined();
    expect(app.upstream.serverGroup(name)).toBeUndefined();

    // OG-06: add {uid} (the fixture also removes a non-member {u2}: harmless)
    const add = await replay(
      idpRequest('okta/OG-06-membership-delta.json', { gid, u1: uid, u2: 'not-a-member' }),
      [200, 204],
    );
    expect(app.upstream.aacGroup(renamed)!.users).toEqual([personId(email)]);
    expect(app.upstream.serverGroup(renamed)!.memberIds).toEqual([serverId(email)]);
    await expectUpstreamCalls(add.requestId, ['aac', 'server']);

    await replay(idpRequest('okta/OG-05-pathless-rename-with-id.json', { gid }), [200, 204]);
    expect(app.upstream.aacGroup(renamed)!.users).toEqual([personId(email)]);

    // OG-06 remove {uid}
    await replay(
      inline('OG-06', 'PATCH', `/Groups/${gid}`, {
        schemas: [PATCH_SCHEMA],
        Operations: [{ op: 'remove', path: `members[value eq "${uid}"]` }],
      }),
      [200, 204],
    );
    expect(app.upstream.aacGroup(renamed)!.users).toEqual([]);
    expect(app.upstream.serverGroup(renamed)!.memberIds).toEqual([]);

    // OG-08 empty push after re-adding: the member goes away again
    await replay(
      idpRequest('okta/OG-06-membership-delta.json', { gid, u1: uid, u2: 'not-a-member' }),
      [200, 204],
    );
    expect(app.upstream.serverGroup(renamed)!.memberIds).toEqual([serverId(email)]);
    await replay(idpRequest('okta/OG-08-empty-push.json', { gid }), [200, 204]);
    expect(app.upstream.aacGroup(renamed)!.users).toEqual([]);
    expect(app.upstream.serverGroup(renamed)!.memberIds).toEqual([]);

    const del = await replay(inline('OG-11', 'DELETE', `/Groups/${gid}`), 204);
    expect(app.upstream.aacGroup(renamed)).toBeUndefined();
    expect(app.upstream.serverGroup(renamed)).toBeUndefined();
    await replay(inline('OG-11', 'GET', `/Groups/${gid}`), 404);
    await expectMappings('Group', gid, { aac: 'removed', server: 'removed' });
    await expectUpstreamCalls(del.requestId, ['aac', 'server']);
  });

  /** SC-04 Entra Test Connection and first cycle; returns the ids for the incremental cycles. */
  async function entraFirstCycle(prefix: string) {
    await replay(
      inline('EN-01', 'GET', '/Users?filter=userName+eq+%226b1c3e62-2f1a-4d0e-9a1e-2c4d5e6f7a8b%22'),
      200,
    );
    const users: Array<{ id: string; email: string; userName: string }> = [];
    for (const n of [1, 2, 3]) {
      const userName = `${prefix}_User_${n}`;
      const email = `${prefix.toLowerCase()}_user_${n}@testuser.com`;
      const externalId = `${prefix}-ext-${n}`;
      const q = inline('EN-06', 'GET', `/Users?filter=${encodeURIComponent(`userName eq "${userName}"`)}`);
      expect((await replay(q, 200)).body.totalResults).toBe(0);
      const q8 = inline(
        'EN-08',
        'GET',
        `/Users?filter=${encodeURIComponent(`externalId eq "${externalId}"`)}`,
      );
      expect((await replay(q8, 200)).body.totalResults).toBe(0);
      const base = idpRequest('entra/EN-02-create-user.json');
      const created = await replay(base, 201, {
        ...base.body,
        userName,
        externalId,
        emails: [{ primary: true, type: 'work', value: email }],
      });
      const id = String(created.body.id);
      expect(app.upstream.aacStatus(email)).toBe('new');
      expect(app.upstream.serverUser(email)).toMatchObject({
        firstName: 'givenName',
        lastName: 'familyName',
        isActive: true,
      });
      await expectMappings('User', id, { aac: 'synced', server: 'synced' });
      await expectUpstreamCalls(created.requestId, ['aac', 'server']);
      users.push({ id, email, userName });
    }
    const groupName = `${prefix} displayName`;
    const g = inline(
      'EG-04',
      'GET',
      `/Groups?excludedAttributes=members&filter=${encodeURIComponent(`displayName eq "${groupName}"`)}`,
    );
    expect((await replay(g, 200)).body.totalResults).toBe(0);
    const eg01 = idpRequest('entra/EG-01-create-group.json');
    const group = await replay(eg01, 201, {
      ...eg01.body,
      displayName: groupName,
      externalId: `${prefix}-group`,
    });
    const gid = String(group.body.id);
    expect(app.upstream.aacGroup(groupName)).toBeDefined();
    expect(app.upstream.serverGroup(groupName)).toBeDefined();
    await expectMappings('Group', gid, { aac: 'synced', server: 'synced' });

    const [u1, u2, u3] = users as [(typeof users)[0], (typeof users)[0], (typeof users)[0]];
    const one = await replay(
      idpRequest('entra/EG-06-add-member-ref-null.json', { gid, uid: u1.id }),
      [200, 204],
    );
    expect(app.upstream.aacGroup(groupName)!.users).toEqual([personId(u1.email)]);
    expect(app.upstream.serverGroup(groupName)!.memberIds).toEqual([serverId(u1.email)]);
    await expectUpstreamCalls(one.requestId, ['aac', 'server']);
    await replay(
      idpRequest('entra/EG-07-add-three-members.json', { gid, u1: u1.id, u2: u2.id, u3: u3.id }),
      [200, 204],
    );
    expect([...app.upstream.aacGroup(groupName)!.users].sort()).toEqual(
      [u1, u2, u3].map((u) => personId(u.email)).sort(),
    );
    expect([...app.upstream.serverGroup(groupName)!.memberIds].sort()).toEqual(
      [u1, u2, u3].map((u) => serverId(u.email)).sort(),
    );
    return { users: [u1, u2, u3] as const, gid, groupName };
  }

  it('SC-04 Entra Test Connection and first cycle', async () => {
    await entraFirstCycle('SC04');
  });

  const incremental = [
    {
      scenario: 'SC-05 (no flag)',
      prefix: 'SC05',
      replace: 'entra/EN-19-replace-batch-no-flag.json',
      newEmail: 'TestBcwqnm@test.microsoft.com',
      newName: { firstName: 'Gtfd', lastName: 'Pkqf' },
      disable: 'entra/EN-14-disable-string-false.json',
      remove: 'entra/EG-08-remove-member-value-array.json',
      enable: (uid: string) => idpRequest('entra/EN-15-enable-string-true.json', { uid }),
    },
    {
      scenario: 'SC-06 (aadOptscim062020)',
      prefix: 'SC06',
      replace: 'entra/EN-20-replace-batch-flag.json',
      newEmail: 'TestMhvaes@test.microsoft.com',
      newName: { firstName: 'Kkom', lastName: 'Unua' },
      disable: 'entra/EN-16-disable-flag.json',
      remove: 'entra/EG-09-remove-member-filter.json',
      enable: (uid: string) =>
        inline('EN-16 (enable, boolean)', 'PATCH', `/Users/${uid}`, {
          schemas: [PATCH_SCHEMA],
          Operations: [{ op: 'replace', path: 'active', value: true }],
        }),
    },
  ];

  it.each(incremental)('$scenario Entra incremental cycle', async (c) => {
    const { users, gid, groupName } = await entraFirstCycle(c.prefix);
    const [u1, u2] = users;
    const oldEmail = u1.email;
    const q = inline('EN-06', 'GET', `/Users?filter=${encodeURIComponent(`userName eq "${u1.userName}"`)}`);
    expect((await replay(q, 200)).body.totalResults).toBe(1);

    // replace batch: email + names. Server: GET-merge-PUT; AAC cannot change name or email → not propagated
    const sid = serverId(oldEmail);
    const pid = personId(oldEmail);
    const batch = await replay(idpRequest(c.replace, { uid: u1.id }), [200, 204]);
    expect(app.sims.server.control.state().users.find((u) => u.id === sid)).toMatchObject({
      email: c.newEmail,
      ...c.newName,
    });
    expect(app.upstream.aacPerson(oldEmail)?.id).toBe(pid);
    expect(app.upstream.aacPerson(c.newEmail)).toBeUndefined();
    const maps = await expectMappings('User', u1.id, { aac: 'not_propagated', server: 'synced' });
    expect(maps.aac.reason).toMatch(/email|name/i);
    await eventually(
      'the not-propagated audit row',
      () => app.store.audit(batch.requestId),
      (rows) =>
        rows.some(
          (r) =>
            r.kind === 'provisioning' && r.target === 'aac' && (r.detail ?? '').includes('not_propagated'),
        ),
    );

    // disable: suspended on AAC; deactivated on Server, which drops its usergroups — the bridge remembers them
    const sgid = app.upstream.serverGroup(groupName)!.id;
    await replay(idpRequest(c.disable, { uid: u1.id }), [200, 204]);
    const suspended = app.sims.aac.control.state().people.find((p) => p.id === pid)!;
    expect(suspended.memberships.find((m) => m.workspaceId === app.upstream.workspaceId)?.status).toBe(
      'suspended',
    );
    const deactivated = app.sims.server.control.state().users.find((u) => u.id === sid)!;
    expect(deactivated).toMatchObject({ isActive: false, groupIds: [] });
    const remembered = (await app.store.mapping('User', u1.id, 'server'))!;
    expect(remembered.extra ?? '').toContain(sgid);

    // group rename on both
    const renamedTo = `${c.prefix} 1879db59updatedDisplayName`;
    await replay(
      inline('EG-05', 'PATCH', `/Groups/${gid}`, {
        ...idpRequest('entra/EG-05-rename-group.json', { gid }).body,
        Operations: [{ op: 'Replace', path: 'displayName', value: renamedTo }],
      }),
      [200, 204],
    );
    expect(app.upstream.aacGroup(renamedTo)).toBeDefined();
    expect(app.upstream.serverGroup(renamedTo)?.id).toBe(sgid);
    expect(app.upstream.serverGroup(groupName)).toBeUndefined();

    // remove u2 from the group
    const removeReq = idpRequest(c.remove, { gid, u2: u2.id });
    await replay(
      removeReq,
      [200, 204],
      JSON.parse(JSON.stringify(removeReq.body).replace('7f4bc1a3-285e-48ae-8202-5accb43efb0e', u2.id)),
    );
    expect(app.upstream.aacGroup(renamedTo)!.users).not.toContain(personId(u2.email));
    expect(app.upstream.serverGroup(renamedTo)!.memberIds).not.toContain(serverId(u2.email));
    expect(app.upstream.aacGroup(renamedTo)!.users).toContain(personId(users[2].email));

    // enable: unsuspended on AAC; active on Server with its usergroup membership restored
    await replay(c.enable(u1.id), [200, 204]);
    const back = app.sims.aac.control.state().people.find((p) => p.id === pid)!;
    expect(back.memberships.find((m) => m.workspaceId === app.upstream.workspaceId)?.status).toBe('new');
    expect(app.sims.server.control.state().users.find((u) => u.id === sid)).toMatchObject({
      isActive: true,
      groupIds: [sgid],
    });
    expect(app.upstream.serverGroup(renamedTo)!.memberIds).toContain(sid);

    // EN-30 delete: removed from the AAC workspace; deactivated on Server (SERVER_DELETE_MODE=deactivate)
    const del = await replay(inline('EN-30', 'DELETE', `/Users/${u1.id}`), 204);
    expect(
      app.sims.aac.control
        .state()
        .people.find((p) => p.id === pid)
        ?.memberships.find((m) => m.workspaceId === app.upstream.workspaceId),
    ).toBeUndefined();
    expect(app.sims.server.control.state().users.find((u) => u.id === sid)).toMatchObject({
      isActive: false,
    });
    await replay(inline('EN-30', 'GET', `/Users/${u1.id}`), 404);
    expect((await replay(q, 200)).body.totalResults).toBe(0);
    const delMaps = await expectMappings('User', u1.id, { aac: 'removed', server: 'removed' });
    expect(delMaps.server.upstreamId).toBe(sid);
    await expectUpstreamCalls(del.requestId, ['aac', 'server']);

    // EG-11 delete group on both
    await replay(inline('EG-11', 'DELETE', `/Groups/${gid}`), 204);
    expect(app.upstream.aacGroup(renamedTo)).toBeUndefined();
    expect(app.upstream.serverGroup(renamedTo)).toBeUndefined();
    const gq = inline(
      'EG-11',
      'GET',
      `/Groups?filter=${encodeURIComponent(`displayName eq "${renamedTo}"`)}`,
    );
    expect((await replay(gq, 200)).body.totalResults).toBe(0);
  });

  /** Every page of a list, Okta-style: startIndex advances by `count` until totalResults resources were fetched. */
  async function allPages(resource: 'Users' | 'Groups', count: number, caseName: string) {
    const ids: string[] = [];
    for (let startIndex = 1; ; startIndex += count) {
      const page = await replay(
        inline(caseName, 'GET', `/${resource}?startIndex=${startIndex}&count=${count}`),
        200,
      );
      const resources = page.body.Resources as Array<{ id: string }>;
      expect(page.body).toMatchObject({ startIndex, itemsPerPage: resources.length });
      expect(resources.length).toBeLessThanOrEqual(count);
      ids.push(...resources.map((r) => r.id));
      if (startIndex + count > Number(page.body.totalResults))
        return { ids, total: Number(page.body.totalResults) };
    }
  }

  it('SC-03 Okta import: pages over 250 users and the groups, spot-checks users; nothing moves upstream', async () => {
    // Setup: 250 users (and two groups) exist, created as the IdP would, 10 at a time.
    const emails = Array.from(
      { length: 250 },
      (_, i) => `sc03.import.${String(i).padStart(3, '0')}@example.com`,
    );
    for (let i = 0; i < emails.length; i += 10) {
      await Promise.all(
        emails.slice(i, i + 10).map((email) => {
          const base = idpRequest('okta/OK-03-create-user.json');
          return replay(base, 201, {
            ...base.body,
            userName: email,
            emails: [{ primary: true, type: 'work', value: email }],
          });
        }),
      );
    }
    for (const name of ['SC03 Import A', 'SC03 Import B']) {
      await replay(
        inline('OG-01', 'POST', '/Groups', {
          schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
          displayName: name,
          members: [],
        }),
        201,
      );
    }
    for (const email of emails) expect(app.upstream.aacStatus(email), email).toBe('new');

    const before = {
      aac: app.sims.aac.control.requestCounts(),
      server: app.sims.server.control.requestCounts(),
    };
    const users = await allPages('Users', 100, 'OK-14');
    expect(users.total).toBeGreaterThanOrEqual(250);
    expect(new Set(users.ids).size).toBe(users.total);
    // the same order on a second pass ("the SCIM server must consistently return the same ordering")
    expect((await allPages('Users', 100, 'OK-14')).ids).toEqual(users.ids);
    const groups = await allPages('Groups', 100, 'OG-03');
    expect(new Set(groups.ids).size).toBe(groups.total);
    for (const id of [users.ids[0], users.ids[124], users.ids.at(-1)]) {
      const one = await replay(inline('OK-06', 'GET', `/Users/${id}`), 200);
      expect(one.body).toMatchObject({ id, schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'] });
    }
    // An import only reads: no upstream call, no audit row.
    expect(app.sims.aac.control.requestCounts()).toEqual(before.aac);
    expect(app.sims.server.control.requestCounts()).toEqual(before.server);
  });

  it('SC-07 Microsoft gallery direct tests: schemas, round trip, null update, paging, rename, manager', async () => {
    const schemas = await replay(inline('D-04', 'GET', '/Schemas'), 200);
    const schemaIds = (schemas.body.Resources as Array<{ id: string }>).map((r) => r.id);
    expect(schemaIds).toContain('urn:ietf:params:scim:schemas:core:2.0:Group');

    // EN-33: create, then PATCH single-valued attributes; GET shows exactly what was sent
    const created: Array<{ id: string; email: string }> = [];
    for (const n of [1, 2]) {
      const email = `sc07.gallery.${n}@example.com`;
      const base = idpRequest('entra/EN-02-create-user.json');
      const res = await replay(base, 201, {
        ...base.body,
        userName: email,
        externalId: `sc07-${n}`,
        emails: [{ primary: true, type: 'work', value: email }],
      });
      expect(res.body.userName).toBe(email);
      created.push({ id: String(res.body.id), email });
    }
    const [u1, u2] = created as [(typeof created)[0], (typeof created)[0]];
    expect(app.upstream.aacStatus(u1.email)).toBe('new');
    expect(app.upstream.serverUser(u1.email)).toMatchObject({ isActive: true });
    await replay(
      inline('EN-33', 'PATCH', `/Users/${u1.id}`, {
        schemas: [PATCH_SCHEMA],
        Operations: [
          { op: 'Replace', path: 'title', value: 'Gallery tester' },
          { op: 'Replace', path: 'preferredLanguage', value: 'en-US' },
        ],
      }),
      [200, 204],
    );
    expect((await replay(inline('EN-33', 'GET', `/Users/${u1.id}`), 200)).body).toMatchObject({
      title: 'Gallery tester',
      preferredLanguage: 'en-US',
    });

    // EN-26: empty, then null → absent; attributes no upstream takes leave the mappings synced
    await replay(idpRequest('entra/EN-26-null-update-empty.json', { uid: u1.id }), [200, 204]);
    await replay(idpRequest('entra/EN-26-null-update-null.json', { uid: u1.id }), [200, 204]);
    expect((await replay(inline('EN-26', 'GET', `/Users/${u1.id}`), 200)).body.title).toBeUndefined();
    await expectMappings('User', u1.id, { aac: 'synced', server: 'synced' });

    // EN-32: pages of 5 starting at 1, 6, 11 (the run holds far more than 11 users by now)
    for (const startIndex of [1, 6, 11]) {
      const page = await replay(inline('EN-32', 'GET', `/Users?startIndex=${startIndex}&count=5`), 200);
      expect(page.body).toMatchObject({ startIndex });
      expect(Number(page.body.itemsPerPage)).toBeLessThanOrEqual(5);
    }

    // EG-05: a group renamed upstream on both
    const group = await replay(idpRequest('entra/EG-01-create-group.json'), 201, {
      ...idpRequest('entra/EG-01-create-group.json').body,
      displayName: 'SC07 gallery group',
      externalId: 'sc07-group',
    });
    const gid = String(group.body.id);
    await replay(
      inline('EG-05', 'PATCH', `/Groups/${gid}`, {
        ...idpRequest('entra/EG-05-rename-group.json', { gid }).body,
        Operations: [{ op: 'Replace', path: 'displayName', value: 'SC07 gallery group renamed' }],
      }),
      [200, 204],
    );
    expect(app.upstream.aacGroup('SC07 gallery group renamed')).toBeDefined();
    expect(app.upstream.serverGroup('SC07 gallery group renamed')).toBeDefined();
    expect(app.upstream.serverGroup('SC07 gallery group')).toBeUndefined();

    // EN-22 / EN-23: manager set as a bare string, changed, removed by "Replace with empty"
    const enterprise = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
    const managerOf = async (id: string) =>
      (
        (await replay(inline('EN-22', 'GET', `/Users/${id}`), 200)).body[enterprise] as
          { manager?: { value?: string } } | undefined
      )?.manager?.value;
    await replay(idpRequest('entra/EN-22-manager-string.json', { uid: u1.id, managerId: u2.id }), [200, 204]);
    expect(await managerOf(u1.id)).toBe(u2.id);
    await replay(
      inline('EN-23', 'PATCH', `/Users/${u1.id}`, {
        schemas: [PATCH_SCHEMA],
        Operations: [{ op: 'Replace', path: `${enterprise}:manager`, value: u1.id }],
      }),
      [200, 204],
    );
    expect(await managerOf(u1.id)).toBe(u1.id);
    await replay(idpRequest('entra/EN-23-manager-replace-empty.json', { uid: u1.id }), [200, 204]);
    expect(await managerOf(u1.id)).toBeUndefined();
    // the manager is not an upstream attribute: nothing was refused, nothing is pending
    await expectMappings('User', u1.id, { aac: 'synced', server: 'synced' });
  });

  it('links every SCIM request id of the run to its audit rows', async () => {
    const audit = await app.store.allAudit();
    const scimIds = new Set(audit.filter((r) => r.kind === 'scim').map((r) => r.requestId));
    const writes = requestIds.filter((id) => audit.some((r) => r.requestId === id && r.kind === 'scim'));
    expect(writes.length).toBeGreaterThan(30);
    // every upstream call and provisioning decision carries a request id the IdP saw (or its compensation)
    for (const row of audit.filter((r) => r.kind !== 'scim')) {
      expect(scimIds.has(row.requestId.replace(/:undo$/, '')), `${row.kind} row of ${row.requestId}`).toBe(
        true,
      );
    }
  });
});
