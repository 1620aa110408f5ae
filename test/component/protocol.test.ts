// RFC 7644 behaviour through real HTTP on a real database: auth, errors, discovery, lists, ETags, uniqueness.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseKinds } from '../support/databases.js';
import {
  ERROR_SCHEMA,
  GROUP_SCHEMA,
  PATCH_SCHEMA,
  SCIM,
  TEST_TOKEN,
  startTestApp,
  userBody,
  type TestApp,
} from '../support/test-app.js';

function expectScimError(
  res: { status: number; body: Record<string, unknown>; headers: Record<string, string> },
  status: number,
  scimType?: string,
) {
  expect(res.status).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/scim\+json/);
  expect(res.body.schemas).toEqual([ERROR_SCHEMA]);
  expect(res.body.status).toBe(String(status));
  expect(typeof res.body.detail === 'string' && res.body.detail.length > 0).toBe(true);
  if (scimType) expect(res.body.scimType).toBe(scimType);
}

describe.each(databaseKinds())('SCIM protocol over HTTP (%s)', (kind) => {
  let app: TestApp;
  const ids: string[] = [];
  beforeAll(async () => {
    app = await startTestApp(kind, { env: { BRIDGE_MAX_BODY_BYTES: '4096', BRIDGE_MAX_RESULTS: '50' } });
    for (let i = 0; i < 12; i++) {
      const res = await app.auth
        .post('/Users')
        .send(
          userBody(`user${String(i).padStart(2, '0')}@example.com`, {
            externalId: `ext-${i}`,
            active: i % 3 !== 0,
            title: i < 4 ? 'Engineer' : undefined,
          }),
        )
        .expect(201);
      ids.push(res.body.id as string);
    }
  });
  afterAll(() => app.close());

  describe('authentication (catalog §2)', () => {
    it('401 with a SCIM error body without a token', async () => {
      expectScimError(await app.http.get(`${SCIM}/Users`), 401);
    });
    it('401 for an unknown token, even with a malformed body (auth before parsing)', async () => {
      const res = await app.http
        .post(`${SCIM}/Users`)
        .set('Authorization', 'Bearer not-a-token')
        .set('Content-Type', 'application/scim+json')
        .send('{broken');
      expectScimError(res, 401);
    });
    it('a token created with the CLI repository works, and stops working once revoked', async () => {
      const { token, info } = await app.bridge.tokens.create('second');
      await app.http.get(`${SCIM}/Users`).set('Authorization', `Bearer ${token}`).expect(200);
      await app.bridge.tokens.revoke(info.id);
      expectScimError(await app.http.get(`${SCIM}/Users`).set('Authorization', `Bearer ${token}`), 401);
    });
    it('discovery endpoints answer without a token', async () => {
      const res = await app.http.get(`${SCIM}/ServiceProviderConfig`).expect(200);
      expect(res.body.patch.supported).toBe(true);
      expect(res.body.bulk.supported).toBe(false);
      expect(res.body.filter).toMatchObject({ supported: true, maxResults: 50 });
      expect(res.body.etag.supported).toBe(true);
    });
  });

  describe('discovery (catalog §1)', () => {
    it('lists resource types and schemas with absolute locations', async () => {
      const types = await app.http.get(`${SCIM}/ResourceTypes`).expect(200);
      expect(types.body.totalResults).toBe(2);
      const user = (types.body.Resources as Array<Record<string, unknown>>).find((r) => r.id === 'User')!;
      expect(user.schemaExtensions).toEqual([
        expect.objectContaining({ schema: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User' }),
      ]);
      const schemas = await app.http.get(`${SCIM}/Schemas`).expect(200);
      const urns = (schemas.body.Resources as Array<{ id: string; meta: { location: string } }>).map(
        (s) => s.id,
      );
      expect(urns).toEqual(
        expect.arrayContaining([
          'urn:ietf:params:scim:schemas:core:2.0:User',
          'urn:ietf:params:scim:schemas:core:2.0:Group',
        ]),
      );
      await app.http.get(`${SCIM}/Schemas/urn:ietf:params:scim:schemas:core:2.0:User`).expect(200);
      expectScimError(await app.http.get(`${SCIM}/Schemas/urn:nope`), 404);
    });
    it.each([
      '/ServiceProviderConfig',
      '/ResourceTypes',
      '/ResourceTypes/User',
      '/Schemas',
      '/Schemas/urn:ietf:params:scim:schemas:core:2.0:User',
    ])('%s refuses a filter with 403 and ignores paging (catalog D-06, RFC 7644 §4)', async (path) => {
      expectScimError(await app.http.get(`${SCIM}${path}`).query({ filter: 'id eq "x"' }), 403);
      await app.http.get(`${SCIM}${path}`).query({ startIndex: 1, count: 10 }).expect(200);
    });
  });

  describe('errors are SCIM errors (RFC 7644 §3.12)', () => {
    it('malformed JSON → 400 invalidSyntax', async () => {
      expectScimError(await app.auth.post('/Users').send('{"userName":'), 400, 'invalidSyntax');
    });
    it('body over the configured limit → 413', async () => {
      expectScimError(
        await app.auth.post('/Users').send(userBody('big@example.com', { nickName: 'x'.repeat(8000) })),
        413,
      );
    });
    it('unsupported media type → 415', async () => {
      expectScimError(await app.auth.post('/Users').set('Content-Type', 'text/plain').send('hello'), 415);
    });
    it('missing userName → 400 invalidValue', async () => {
      expectScimError(
        await app.auth.post('/Users').send({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'] }),
        400,
        'invalidValue',
      );
    });
    it('unknown id → 404, unknown route → 404, Bulk → 501', async () => {
      expectScimError(await app.auth.get('/Users/010101001010101011001010101011'), 404);
      expectScimError(await app.auth.get('/Widgets'), 404);
      expectScimError(await app.auth.post('/Bulk').send({}), 501);
    });
    it('a path with malformed percent-encoding → 400, not 500 (catalog RE-14)', async () => {
      expectScimError(await app.auth.get('/Users/%ZZ'), 400);
      expectScimError(await app.auth.delete('/Groups/%E0%A4%A'), 400);
    });
    it('U+0000 in a value, a filter or an id → 400/404, never 500 (PostgreSQL cannot store it; catalog RE-14)', async () => {
      expectScimError(
        await app.auth.post('/Users').send(userBody('nul\u0000@example.com')),
        400,
        'invalidValue',
      );
      expectScimError(
        await app.auth.patch(`/Users/${ids[1]}`).send({
          schemas: [PATCH_SCHEMA],
          Operations: [{ op: 'replace', path: 'displayName', value: 'a\u0000' }],
        }),
        400,
        'invalidValue',
      );
      expectScimError(
        await app.auth
          .post('/Groups')
          .send({ schemas: [GROUP_SCHEMA], displayName: 'nul', members: [{ value: '\u0000' }] }),
        400,
        'invalidValue',
      );
      expectScimError(
        await app.auth.get('/Users').query({ filter: 'externalId eq "\\u0000"' }),
        400,
        'invalidFilter',
      );
      expectScimError(await app.auth.get('/Users/%00'), 404);
      expectScimError(await app.auth.delete('/Groups/%00'), 404);
    });
    it('a known path with a method it does not serve → 405 with Allow (catalog RE-12)', async () => {
      for (const [call, allow] of [
        [
          app.auth
            .patch('/Users')
            .send({ schemas: [PATCH_SCHEMA], Operations: [{ op: 'remove', path: 'title' }] }),
          'GET, POST',
        ],
        [app.auth.delete('/Groups'), 'GET, POST'],
        [app.auth.post(`/Users/${ids[0]}`).send({}), 'GET, PUT, PATCH, DELETE'],
        [app.http.post(`${SCIM}/Schemas`), 'GET'],
      ] as const) {
        const res = await call;
        expectScimError(res, 405);
        expect(res.headers.allow).toBe(allow);
      }
      // authentication still comes first on the protected paths
      expectScimError(await app.http.patch(`${SCIM}/Users`), 401);
    });
    it.each(['userName', 'userName eq', 'userName xx "a"', '(userName eq "a"', 'emails[type eq "work"'])(
      'bad filter %j → 400 invalidFilter',
      async (filter) => {
        expectScimError(await app.auth.get('/Users').query({ filter }), 400, 'invalidFilter');
      },
    );
    it('bad PATCH path → 400 invalidPath, remove without path → 400 noTarget; nothing changes', async () => {
      const before = await app.auth.get(`/Users/${ids[1]}`).expect(200);
      expectScimError(
        await app.auth.patch(`/Users/${ids[1]}`).send({
          schemas: [PATCH_SCHEMA],
          Operations: [{ op: 'replace', path: 'emails[type eq', value: 'x' }],
        }),
        400,
        'invalidPath',
      );
      expectScimError(
        await app.auth
          .patch(`/Users/${ids[1]}`)
          .send({ schemas: [PATCH_SCHEMA], Operations: [{ op: 'remove' }] }),
        400,
        'noTarget',
      );
      const after = await app.auth.get(`/Users/${ids[1]}`).expect(200);
      // (meta.location differs only by supertest's ephemeral port)
      expect({ ...after.body, meta: after.body.meta.version }).toEqual({
        ...before.body,
        meta: before.body.meta.version,
      });
    });
  });

  describe('uniqueness', () => {
    it('userName is unique case-insensitively → 409 uniqueness', async () => {
      expectScimError(await app.auth.post('/Users').send(userBody('USER01@example.com')), 409, 'uniqueness');
    });
    it('renaming onto another user → 409, the user keeps its name', async () => {
      const res = await app.auth.patch(`/Users/${ids[2]}`).send({
        schemas: [PATCH_SCHEMA],
        Operations: [{ op: 'replace', path: 'userName', value: 'user03@example.com' }],
      });
      expectScimError(res, 409, 'uniqueness');
      expect((await app.auth.get(`/Users/${ids[2]}`)).body.userName).toBe('user02@example.com');
    });
    it('group displayName is unique → 409', async () => {
      await app.auth
        .post('/Groups')
        .send({ schemas: [GROUP_SCHEMA], displayName: 'Unique Group' })
        .expect(201);
      expectScimError(
        await app.auth.post('/Groups').send({ schemas: [GROUP_SCHEMA], displayName: 'unique group' }),
        409,
        'uniqueness',
      );
    });
    it('concurrent creates of one userName: exactly one 201', async () => {
      const results = await Promise.all(
        Array.from({ length: 6 }, () => app.auth.post('/Users').send(userBody('race@example.com'))),
      );
      expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409, 409]);
    });
  });

  describe('lists (RFC 7644 §3.4.2)', () => {
    it('empty result is 200 with Resources: []', async () => {
      const res = await app.auth
        .get('/Users')
        .query({ filter: 'userName eq "nobody@example.com"' })
        .expect(200);
      expect(res.body).toMatchObject({ totalResults: 0, Resources: [], startIndex: 1 });
    });
    it('userName eq is case-insensitive; attribute names too', async () => {
      const res = await app.auth
        .get('/Users')
        .query({ filter: 'USERNAME eq "User05@EXAMPLE.com"' })
        .expect(200);
      expect(res.body.totalResults).toBe(1);
      expect(res.body.Resources[0].id).toBe(ids[5]);
    });
    it('externalId eq, and/or/not, grouping, pr, complex filters', async () => {
      const q = async (filter: string) =>
        (await app.auth.get('/Users').query({ filter, count: 50 }).expect(200)).body.totalResults as number;
      expect(await q('externalId eq "ext-7"')).toBe(1);
      expect(await q('externalId eq "EXT-7"')).toBe(0); // externalId is caseExact
      expect(await q('userName sw "user0" and active eq true')).toBe(6);
      expect(await q('userName eq "user01@example.com" or userName eq "user02@example.com"')).toBe(2);
      expect(await q('not (active eq true) and userName sw "user"')).toBe(4);
      expect(await q('title pr and userName sw "user"')).toBe(4);
      expect(await q('(title eq "Engineer" or externalId eq "ext-11") and active eq false')).toBe(2);
      expect(await q('emails[type eq "work" and value co "user1"]')).toBe(2);
      expect(await q('emails.value ew "@example.com" and userName sw "user1"')).toBe(2);
      expect(await q('meta.created gt "2000-01-01T00:00:00Z" and userName sw "user"')).toBe(12);
    });
    it('pages with startIndex/count; count=0 returns only the total', async () => {
      const all = await app.auth.get('/Users').query({ filter: 'userName sw "user"', count: 50 }).expect(200);
      const page = await app.auth
        .get('/Users')
        .query({ filter: 'userName sw "user"', startIndex: 3, count: 4 })
        .expect(200);
      expect(page.body).toMatchObject({ totalResults: 12, startIndex: 3, itemsPerPage: 4 });
      expect(page.body.Resources.map((r: { id: string }) => r.id)).toEqual(
        all.body.Resources.slice(2, 6).map((r: { id: string }) => r.id),
      );
      const none = await app.auth.get('/Users').query({ count: 0 }).expect(200);
      expect(none.body.Resources).toEqual([]);
      expect(none.body.totalResults).toBeGreaterThanOrEqual(12);
    });
    it('count is capped at maxResults', async () => {
      const res = await app.auth.get('/Users').query({ count: 1000 }).expect(200);
      expect(res.body.itemsPerPage).toBeLessThanOrEqual(50);
    });
    it('sortBy/sortOrder, in SQL and in memory', async () => {
      const desc = await app.auth
        .get('/Users')
        .query({ filter: 'userName sw "user"', sortBy: 'userName', sortOrder: 'descending', count: 3 })
        .expect(200);
      expect(desc.body.Resources.map((r: { userName: string }) => r.userName)).toEqual([
        'user11@example.com',
        'user10@example.com',
        'user09@example.com',
      ]);
      const byName = await app.auth
        .get('/Users')
        .query({ filter: 'userName sw "user"', sortBy: 'name.givenName', count: 2 })
        .expect(200);
      expect(byName.body.Resources.map((r: { userName: string }) => r.userName)).toEqual([
        'user00@example.com',
        'user01@example.com',
      ]);
    });
    it('attributes / excludedAttributes project; id and schemas always returned', async () => {
      const res = await app.auth
        .get(`/Users/${ids[0]}`)
        .query({ attributes: 'userName,name.givenName' })
        .expect(200);
      expect(
        Object.keys(res.body)
          .filter((k) => k !== 'meta')
          .sort(),
      ).toEqual(['id', 'name', 'schemas', 'userName']);
      expect(res.body.name).toEqual({ givenName: 'user00' });
      const ex = await app.auth
        .get('/Users')
        .query({ filter: `id eq "${ids[0]}"`, excludedAttributes: 'emails,name' })
        .expect(200);
      expect(ex.body.Resources[0].emails).toBeUndefined();
      expect(ex.body.Resources[0].userName).toBe('user00@example.com');
    });
    it('POST /.search takes the same parameters in the body', async () => {
      const res = await app.auth
        .post('/Users/.search')
        .send({
          schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'],
          filter: 'userName sw "user1"',
          startIndex: 1,
          count: 10,
          attributes: ['userName'],
        })
        .expect(200);
      expect(res.body.totalResults).toBe(2);
      expect(res.body.Resources[0].emails).toBeUndefined();
    });
  });

  describe('meta and ETags (RFC 7644 §3.14)', () => {
    it('returns ETag = meta.version; If-Match mismatch → 412 and nothing changes', async () => {
      const got = await app.auth.get(`/Users/${ids[4]}`).expect(200);
      expect(got.headers.etag).toBe(got.body.meta.version);
      expect(got.body.meta.location).toMatch(new RegExp(`^http://.+/scim/v2/Users/${ids[4]}$`));
      const patch = {
        schemas: [PATCH_SCHEMA],
        Operations: [{ op: 'replace', path: 'nickName', value: 'N' }],
      };
      expectScimError(await app.auth.patch(`/Users/${ids[4]}`).set('If-Match', 'W/"999"').send(patch), 412);
      const ok = await app.auth
        .patch(`/Users/${ids[4]}`)
        .set('If-Match', got.headers.etag!)
        .send(patch)
        .expect(200);
      expect(ok.body.meta.version).not.toBe(got.body.meta.version);
      expect(Date.parse(ok.body.meta.lastModified)).toBeGreaterThanOrEqual(
        Date.parse(got.body.meta.lastModified),
      );
    });
  });

  it('a PATCH or PUT that changes nothing keeps version and lastModified (RFC 7644 §3.5.2.1, catalog RX-03, RM-02)', async () => {
    const got = await app.auth.get(`/Users/${ids[9]}`).expect(200);
    const email = got.body.emails[0] as Record<string, unknown>;
    const noop = await app.auth
      .patch(`/Users/${ids[9]}`)
      .send({
        schemas: [PATCH_SCHEMA],
        Operations: [
          { op: 'add', path: 'emails', value: [email] },
          { op: 'replace', path: 'active', value: 'False' },
        ],
      })
      .expect(200);
    expect(noop.body.emails).toEqual([email]);
    expect(noop.headers.etag).toBe(got.headers.etag);
    const stamp = (meta: Record<string, unknown>) => [meta.version, meta.created, meta.lastModified];
    expect(stamp(noop.body.meta)).toEqual(stamp(got.body.meta));
    const { id: _id, meta: _meta, groups: _groups, ...same } = got.body as Record<string, unknown>;
    const put = await app.auth
      .put(`/Users/${ids[9]}`)
      .send({ ...same, password: 'not-stored' })
      .expect(200);
    expect(stamp(put.body.meta)).toEqual(stamp(got.body.meta));
    const changed = await app.auth
      .patch(`/Users/${ids[9]}`)
      .send({ schemas: [PATCH_SCHEMA], Operations: [{ op: 'add', path: 'nickName', value: 'Nine' }] })
      .expect(200);
    expect(changed.body.meta.version).not.toBe(got.body.meta.version);
    expect(changed.body.meta.created).toBe(got.body.meta.created);
  });

  it('If-None-Match with the current version → 304 without a body; an old one → 200', async () => {
    const got = await app.auth.get(`/Users/${ids[3]}`).expect(200);
    const same = await app.auth.get(`/Users/${ids[3]}`).set('If-None-Match', got.headers.etag!);
    expect(same.status).toBe(304);
    expect(same.text ?? '').toBe('');
    await app.auth.get(`/Users/${ids[3]}`).set('If-None-Match', 'W/"0"').expect(200);
  });

  describe('delete (catalog RE-10)', () => {
    it('204 with an empty body, then 404', async () => {
      const created = await app.auth.post('/Users').send(userBody('gone@example.com')).expect(201);
      const del = await app.auth.delete(`/Users/${created.body.id}`).expect(204);
      expect(del.text).toBe('');
      expectScimError(await app.auth.get(`/Users/${created.body.id}`), 404);
      expectScimError(await app.auth.delete(`/Users/${created.body.id}`), 404);
    });
  });

  it('passwords are accepted but never stored nor returned (catalog CE-6, OK-13)', async () => {
    const created = await app.auth
      .post('/Users')
      .send(userBody('pw@example.com', { password: 'S3cret!pass' }))
      .expect(201);
    expect(created.body.password).toBeUndefined();
    await app.auth
      .patch(`/Users/${created.body.id}`)
      .send({ schemas: [PATCH_SCHEMA], Operations: [{ op: 'replace', path: 'password', value: 'N3w!pass' }] })
      .expect(200);
    const row = await app.bridge.handle.db.scimUser.findUnique({ where: { id: created.body.id } });
    expect(row?.data).not.toMatch(/pass'|S3cret|N3w/);
  });

  it('a PATCH that would change the id → 400 mutability', async () => {
    const res = await app.auth.patch(`/Users/${ids[6]}`).send({
      schemas: [PATCH_SCHEMA],
      Operations: [{ op: 'replace', value: { id: 'other-id', nickName: 'x' } }],
    });
    expectScimError(res, 400, 'mutability');
  });

  it('the token is never echoed in any response', async () => {
    const res = await app.auth.get('/Users').query({ count: 1 });
    expect(JSON.stringify(res.body)).not.toContain(TEST_TOKEN);
  });
});
