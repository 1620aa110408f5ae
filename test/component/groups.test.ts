// Groups and memberships through real HTTP: members as join rows, users' computed `groups`, Okta's and Entra's
// member operations, concurrent member changes, and the group PATCH response (204, or 200 when projected).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseKinds } from '../support/databases.js';
import { GROUP_SCHEMA, PATCH_SCHEMA, startTestApp, userBody, type TestApp } from '../support/test-app.js';

describe.each(databaseKinds())('Groups over HTTP (%s)', (kind) => {
  let app: TestApp;
  const users: string[] = [];
  beforeAll(async () => {
    app = await startTestApp(kind);
    for (let i = 0; i < 30; i++) {
      users.push(
        (
          await app.auth
            .post('/Users')
            .send(userBody(`member${i}@example.com`, { displayName: `Member ${i}` }))
            .expect(201)
        ).body.id,
      );
    }
  });
  afterAll(() => app.close());

  const memberIds = async (gid: string) =>
    ((await app.auth.get(`/Groups/${gid}`).expect(200)).body.members ?? [])
      .map((m: { value: string }) => m.value)
      .sort();
  const patch = (gid: string, Operations: unknown[]) =>
    app.auth.patch(`/Groups/${gid}`).send({ schemas: [PATCH_SCHEMA], Operations });

  it('creates a group with members; users show it in their read-only groups', async () => {
    const res = await app.auth
      .post('/Groups')
      .send({
        schemas: [GROUP_SCHEMA],
        displayName: 'Analysts',
        externalId: 'okta-g1',
        members: [{ value: users[0] }, { value: users[1] }],
      })
      .expect(201);
    expect(res.headers.location).toBe(res.body.meta.location);
    expect(res.body.members).toEqual(
      expect.arrayContaining(
        [{ value: users[0], display: 'Member 0', $ref: expect.stringContaining(`/Users/${users[0]}`) }].map(
          (m) => expect.objectContaining({ value: m.value }),
        ),
      ),
    );
    const user = await app.auth.get(`/Users/${users[0]}`).expect(200);
    expect(user.body.groups).toEqual([expect.objectContaining({ value: res.body.id, display: 'Analysts' })]);
    // `groups` is read-only: a PUT that sends it does not change memberships
    await app.auth
      .put(`/Users/${users[0]}`)
      .send(userBody('member0@example.com', { groups: [] }))
      .expect(200);
    expect(await memberIds(res.body.id)).toEqual([users[0], users[1]].sort());
  });

  it('unknown member ids → 400 invalidValue and the group is unchanged (catalog RX-23)', async () => {
    const g = (
      await app.auth
        .post('/Groups')
        .send({ schemas: [GROUP_SCHEMA], displayName: 'Strict', members: [{ value: users[2] }] })
        .expect(201)
    ).body;
    const res = await patch(g.id, [{ op: 'add', path: 'members', value: [{ value: 'no-such-user' }] }]);
    expect(res.status).toBe(400);
    expect(res.body.scimType).toBe('invalidValue');
    expect(await memberIds(g.id)).toEqual([users[2]]);
  });

  it('PATCH answers 204, or 200 with the projected resource when attributes are asked for', async () => {
    const g = (
      await app.auth
        .post('/Groups')
        .send({ schemas: [GROUP_SCHEMA], displayName: 'Responses' })
        .expect(201)
    ).body;
    const plain = await patch(g.id, [{ op: 'add', path: 'members', value: [{ value: users[3] }] }]);
    expect(plain.status).toBe(204);
    expect(plain.headers.etag).toBe('W/"2"');
    const projected = await app.auth
      .patch(`/Groups/${g.id}?excludedAttributes=members`)
      .send({
        schemas: [PATCH_SCHEMA],
        Operations: [{ op: 'replace', path: 'displayName', value: 'Responses 2' }],
      })
      .expect(200);
    expect(projected.body.displayName).toBe('Responses 2');
    expect(projected.body.members).toBeUndefined();
  });

  it('adding a present member or removing an absent one changes nothing (catalog OG-09)', async () => {
    const g = (
      await app.auth
        .post('/Groups')
        .send({ schemas: [GROUP_SCHEMA], displayName: 'Idempotent', members: [{ value: users[4] }] })
        .expect(201)
    ).body;
    await patch(g.id, [{ op: 'add', path: 'members', value: [{ value: users[4] }] }]).expect(204);
    await patch(g.id, [{ op: 'remove', path: `members[value eq "${users[5]}"]` }]).expect(204);
    expect(await memberIds(g.id)).toEqual([users[4]]);
  });

  it('a member change that changes nothing keeps version and lastModified; a real one moves them (catalog RX-03, RM-02)', async () => {
    const g = (
      await app.auth
        .post('/Groups')
        .send({
          schemas: [GROUP_SCHEMA],
          displayName: 'Stamps',
          members: [{ value: users[4], display: 'Four' }],
        })
        .expect(201)
    ).body;
    const stamp = async () => {
      const res = await app.auth.get(`/Groups/${g.id}`).expect(200);
      return [res.headers.etag, res.body.meta.lastModified];
    };
    const before = await stamp();
    await patch(g.id, [{ op: 'add', path: 'members', value: [{ value: users[4], display: 'Four' }] }]).expect(
      204,
    );
    await patch(g.id, [{ op: 'remove', path: `members[value eq "${users[5]}"]` }]).expect(204);
    await patch(g.id, [{ op: 'replace', value: { id: g.id, displayName: 'Stamps' } }]).expect(204);
    await app.auth
      .put(`/Groups/${g.id}`)
      .send({
        schemas: [GROUP_SCHEMA],
        displayName: 'Stamps',
        members: [{ value: users[4], display: 'Four' }],
      })
      .expect(200);
    expect(await stamp()).toEqual(before);
    await patch(g.id, [
      { op: 'add', path: 'members', value: [{ value: users[4], display: 'Member four' }] },
    ]).expect(204);
    const redisplayed = await stamp();
    expect(redisplayed[0]).not.toBe(before[0]);
    await patch(g.id, [{ op: 'add', path: 'members', value: [{ value: users[5] }] }]).expect(204);
    expect((await stamp())[0]).not.toBe(redisplayed[0]);
  });

  it('a group id as a member → 400 invalidValue that names nested groups (catalog EG-12)', async () => {
    const parent = (
      await app.auth
        .post('/Groups')
        .send({ schemas: [GROUP_SCHEMA], displayName: 'Parent' })
        .expect(201)
    ).body;
    const child = (
      await app.auth
        .post('/Groups')
        .send({ schemas: [GROUP_SCHEMA], displayName: 'Child' })
        .expect(201)
    ).body;
    const res = await patch(parent.id, [
      { op: 'add', path: 'members', value: [{ value: child.id, type: 'Group' }] },
    ]);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({
      scimType: 'invalidValue',
      detail: expect.stringContaining('nested groups are not supported'),
    });
    expect(await memberIds(parent.id)).toEqual([]);
  });

  it('PUT replaces the member list; remove of `members` empties it', async () => {
    const g = (
      await app.auth
        .post('/Groups')
        .send({
          schemas: [GROUP_SCHEMA],
          displayName: 'Replace',
          members: [{ value: users[6] }, { value: users[7] }],
        })
        .expect(201)
    ).body;
    await app.auth
      .put(`/Groups/${g.id}`)
      .send({
        schemas: [GROUP_SCHEMA],
        displayName: 'Replace',
        members: [{ value: users[7] }, { value: users[8] }],
      })
      .expect(200);
    expect(await memberIds(g.id)).toEqual([users[7], users[8]].sort());
    await patch(g.id, [{ op: 'remove', path: 'members' }]).expect(204);
    expect(await memberIds(g.id)).toEqual([]);
  });

  it("keeps the display the IdP sent with a member; otherwise shows the user's displayName", async () => {
    const g = (
      await app.auth
        .post('/Groups')
        .send({ schemas: [GROUP_SCHEMA], displayName: 'Displays', members: [{ value: users[4] }] })
        .expect(201)
    ).body;
    await patch(g.id, [
      { op: 'add', path: 'members', value: [{ value: users[5], displayName: 'new User' }] },
    ]).expect(204);
    const members = (await app.auth.get(`/Groups/${g.id}`).expect(200)).body.members as Array<{
      value: string;
      display: string;
    }>;
    expect(members.find((m) => m.value === users[5])?.display).toBe('new User');
    expect(members.find((m) => m.value === users[4])?.display).toBe('Member 4');
  });

  it('concurrent single-member PATCHes all land, without duplicates', async () => {
    const g = (
      await app.auth
        .post('/Groups')
        .send({ schemas: [GROUP_SCHEMA], displayName: 'Concurrent' })
        .expect(201)
    ).body;
    const results = await Promise.all(
      users.slice(10, 30).map((u) => patch(g.id, [{ op: 'add', path: 'members', value: [{ value: u }] }])),
    );
    expect(results.map((r) => r.status)).toEqual(Array(20).fill(204));
    expect(await memberIds(g.id)).toEqual(users.slice(10, 30).sort());
  });

  it('filters groups by displayName, externalId and member; excludedAttributes=members', async () => {
    const byName = await app.auth
      .get('/Groups')
      .query({ filter: 'displayName eq "analysts"', excludedAttributes: 'members' })
      .expect(200);
    expect(byName.body.totalResults).toBe(1);
    expect(byName.body.Resources[0].members).toBeUndefined();
    const byExt = await app.auth.get('/Groups').query({ filter: 'externalId eq "okta-g1"' }).expect(200);
    expect(byExt.body.Resources[0].displayName).toBe('Analysts');
    const byMember = await app.auth
      .get('/Groups')
      .query({ filter: `members[value eq "${users[1]}"]` })
      .expect(200);
    expect(byMember.body.Resources.map((r: { displayName: string }) => r.displayName)).toEqual(['Analysts']);
  });

  it('deleting a user removes it from its groups; deleting a group leaves its users', async () => {
    const g = (
      await app.auth
        .post('/Groups')
        .send({
          schemas: [GROUP_SCHEMA],
          displayName: 'Lifecycle',
          members: [{ value: users[9] }, { value: users[2] }],
        })
        .expect(201)
    ).body;
    const extra = (await app.auth.post('/Users').send(userBody('temp@example.com')).expect(201)).body
      .id as string;
    await patch(g.id, [{ op: 'add', path: 'members', value: [{ value: extra }] }]).expect(204);
    await app.auth.delete(`/Users/${extra}`).expect(204);
    expect(await memberIds(g.id)).toEqual([users[9], users[2]].sort());
    await app.auth.delete(`/Groups/${g.id}`).expect(204);
    await app.auth.get(`/Users/${users[9]}`).expect(200);
    await app.auth.get(`/Groups/${g.id}`).expect(404);
  });
});
