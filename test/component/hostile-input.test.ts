// Issue 8: the request edge under hostile input, through real HTTP on a real database. One regression test per
// defect of the report (named after it), and every input limit exceeded once: a 4xx SCIM error, never a 500 or a
// hang, and nothing stored changes. The property-based fuzzer (test/fuzz) covers the space between these cases.
import { Writable } from 'node:stream';
import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadEnv } from '../../src/config/env.js';
import { buildBridge } from '../../src/container.js';
import { answerClientErrors } from '../../src/http/client-error.js';
import { createLogger } from '../../src/shared/logger.js';
import { createTestDatabase, databaseKinds } from '../support/databases.js';
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

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

interface Res {
  status: number;
  body: Record<string, unknown>;
  headers: Record<string, string>;
}

function expectScimError(res: Res, status: number, scimType?: string, detail?: RegExp): void {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/scim\+json/);
  expect(res.body.schemas).toEqual([ERROR_SCHEMA]);
  expect(res.body.status).toBe(String(status));
  if (scimType) expect(res.body.scimType).toBe(scimType);
  if (detail) expect(res.body.detail).toMatch(detail);
}

const patch = (...operations: unknown[]) => ({ schemas: [PATCH_SCHEMA], Operations: operations });

describe.each(databaseKinds())('hostile input (%s)', (kind) => {
  let app: TestApp;
  let userId: string;
  let groupId: string;
  /** the stored user and group, to compare around each rejected request */
  const snapshot = async () => ({
    user: (await app.auth.get(`/Users/${userId}`).expect(200)).body as Record<string, unknown>,
    group: (await app.auth.get(`/Groups/${groupId}`).expect(200)).body as Record<string, unknown>,
    users: ((await app.auth.get('/Users?count=0').expect(200)).body as { totalResults: number }).totalResults,
  });

  beforeAll(async () => {
    app = await startTestApp(kind, {
      env: {
        // small limits, so that each can be exceeded with a small request
        // a fixed origin: each supertest request has its own port, and locations are part of the snapshots
        BRIDGE_PUBLIC_URL: 'https://bridge.test',
        BRIDGE_MAX_FILTER_LENGTH: '30000',
        BRIDGE_MAX_FILTER_DEPTH: '8',
        BRIDGE_MAX_FILTER_CLAUSES: '50',
        BRIDGE_MAX_PATCH_OPERATIONS: '20',
        BRIDGE_MAX_PATCH_MEMBERS: '30',
        BRIDGE_MAX_STRING_LENGTH: '300',
        BRIDGE_MAX_JSON_DEPTH: '12',
      },
    });
    userId = (
      await app.auth
        .post('/Users')
        .send(userBody('alice@example.com', { title: 'Engineer', active: false }))
        .expect(201)
    ).body.id as string;
    groupId = (
      await app.auth
        .post('/Groups')
        .send({ schemas: [GROUP_SCHEMA], displayName: 'Team', members: [{ value: userId }] })
        .expect(201)
    ).body.id as string;
  });
  afterAll(() => app.close());

  describe('defect 1: Unicode white space in a filter or PATCH path', () => {
    it.each(['\u00A0', '\u3000', '\uFEFF', '\u2028', '\u000B'])(
      'U+%s answers at once, read as a space',
      async (c) => {
        const res = await app.auth.get(
          `/Users?filter=${encodeURIComponent(`userName${c}eq${c}"alice@example.com"`)}`,
        );
        expect(res.status).toBe(200);
        expect(res.body.totalResults).toBe(1);
        await app.auth
          .patch(`/Users/${userId}`)
          .send(patch({ op: 'replace', path: `emails[type${c}eq${c}"work"].display`, value: 'Work' }))
          .expect(200);
      },
    );
  });

  describe('defect 2: 500s that must be 400s', () => {
    it.each([
      ['(', ')', 5000],
      // URL-encoded, 5 000 of these exceed Node's 16 KiB header limit (431 before any code of ours runs)
      ['not (', ')', 2000],
      ['emails[', ']', 1000],
    ])(
      'a GET filter nested thousands of levels with %s is 400 invalidFilter',
      async (open, close, levels) => {
        const filter = `${open.repeat(levels)}userName eq "x"${close.repeat(levels)}`;
        expectScimError(
          await app.auth.get(`/Users?filter=${encodeURIComponent(filter)}`),
          400,
          'invalidFilter',
          /BRIDGE_MAX_FILTER_DEPTH/,
        );
      },
    );
    it('10 000 levels through .search and a PATCH path are 400, not a stack overflow', async () => {
      const before = await snapshot();
      const deep = `${'('.repeat(10_000)}a pr${')'.repeat(10_000)}`;
      expectScimError(await app.auth.post('/Users/.search').send({ filter: deep }), 400, 'invalidFilter');
      expectScimError(
        await app.auth
          .patch(`/Users/${userId}`)
          .send(patch({ op: 'remove', path: `emails${'[a'.repeat(10_000)}${']'.repeat(10_000)}` })),
        400,
        'invalidPath',
      );
      expect(await snapshot()).toEqual(before);
    });
    it.each(['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'noSuchAttribute'])(
      'sortBy=%s is 400 invalidValue',
      async (sortBy) => {
        expectScimError(await app.auth.get(`/Users?sortBy=${sortBy}`), 400, 'invalidValue', /sort/i);
        expectScimError(await app.auth.get(`/Groups?sortBy=${sortBy}`), 400, 'invalidValue', /sort/i);
      },
    );
    it('sortBy on a known attribute still sorts (in SQL and in memory)', async () => {
      await app.auth.get('/Users?sortBy=userName&sortOrder=descending').expect(200);
      await app.auth.get('/Users?sortBy=title').expect(200);
      await app.auth.get('/Groups?sortBy=displayName').expect(200);
    });
    it('1 000 or/and clauses are 400 invalidFilter before the database; the limit itself is served', async () => {
      for (const join of [' or ', ' and ']) {
        const clauses = (n: number) => Array.from({ length: n }, (_, i) => `userName eq "u${i}"`).join(join);
        expectScimError(
          await app.auth.post('/Users/.search').send({ filter: clauses(1000) }),
          400,
          'invalidFilter',
          /BRIDGE_MAX_FILTER_CLAUSES/,
        );
        await app.auth
          .post('/Users/.search')
          .send({ filter: clauses(50) })
          .expect(200);
        const members = Array.from({ length: 50 }, (_, i) => `members.value eq "u${i}"`).join(join);
        await app.auth.post('/Groups/.search').send({ filter: members }).expect(200);
      }
    });
    it('a lone surrogate is 400 invalidFilter in a filter and 400 invalidValue in a stored value', async () => {
      const before = await snapshot();
      const search = await app.auth.post('/Users/.search').send('{"filter":"displayName co \\"\\ud800\\""}');
      expectScimError(search, 400, 'invalidFilter', /surrogate/);
      const raw = await app.auth.post('/Users/.search').send('{"filter":"displayName co \\"x\\ud800\\""}');
      expectScimError(raw, 400, 'invalidFilter', /surrogate/);
      const get = await app.auth.get(`/Users?filter=${encodeURIComponent('displayName co "\\udfff"')}`);
      expectScimError(get, 400, 'invalidFilter', /surrogate/);
      const post = await app.auth.post('/Users').send('{"userName":"x\\ud800y@example.com"}');
      expectScimError(post, 400, 'invalidValue', /surrogate/);
      const put = await app.auth
        .put(`/Users/${userId}`)
        .send(`{"userName":"alice@example.com","title":"\\udc00"}`);
      expectScimError(put, 400, 'invalidValue', /surrogate/);
      const key = await app.auth.post('/Users').send('{"userName":"k@example.com","\\ud800":1}');
      expectScimError(key, 400, 'invalidValue', /surrogate/);
      const group = await app.auth
        .patch(`/Groups/${groupId}`)
        .send(
          `{"schemas":["${PATCH_SCHEMA}"],"Operations":[{"op":"replace","path":"displayName","value":"\\ud800"}]}`,
        );
      expectScimError(group, 400, 'invalidValue', /surrogate/);
      expect(await snapshot()).toEqual(before);
    });
  });

  describe('defect 3: the bearer token is read from the Authorization header only (RFC 6750 §2.3)', () => {
    it('a token in the query is 401 with a SCIM error that says where to send it', async () => {
      const res = await app.http.get(`${SCIM}/Users?access_token=${TEST_TOKEN}`);
      expectScimError(res, 401, undefined, /Authorization: Bearer/);
      expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
    });
    it('also with a valid header: a URL token is refused, whatever its case', async () => {
      expectScimError(await app.auth.get(`/Users?ACCESS_TOKEN=${TEST_TOKEN}`), 401, undefined, /URL/);
    });
    it('a token in a form or JSON body is not read', async () => {
      const form = await app.http
        .post(`${SCIM}/Users`)
        .set('Content-Type', 'application/x-www-form-urlencoded')
        .send(`access_token=${TEST_TOKEN}`);
      expectScimError(form, 401, undefined, /Authorization: Bearer/);
      const json = await app.http
        .post(`${SCIM}/Users`)
        .set('Content-Type', 'application/scim+json')
        .send({ access_token: TEST_TOKEN, ...userBody('body-token@example.com') });
      expectScimError(json, 401);
    });
  });

  describe('defect 7: lenient cases, decided (docs/input-rules.md)', () => {
    it.each([
      ['""', ''],
      ['null', null],
      ['"  "', '  '],
    ])('active: %s is 400 invalidValue on POST, PUT and PATCH; remove active too', async (_name, active) => {
      const before = await snapshot();
      expectScimError(
        await app.auth.post('/Users').send(userBody('empty-active@example.com', { active })),
        400,
        'invalidValue',
        /active/,
      );
      expectScimError(
        await app.auth.put(`/Users/${userId}`).send(userBody('alice@example.com', { active })),
        400,
        'invalidValue',
      );
      for (const op of [
        { op: 'replace', path: 'active', value: active },
        { op: 'replace', value: { active } },
        { op: 'remove', path: 'active' },
      ])
        expectScimError(
          await app.auth.patch(`/Users/${userId}`).send(patch(op)),
          400,
          'invalidValue',
          /active/,
        );
      // the user stays deactivated
      expect(await snapshot()).toEqual(before);
      expect(before.user.active).toBe(false);
    });
    it('manager as a plain string (Entra, catalog EN-22) is coerced to {value}', async () => {
      const res = await app.auth
        .patch(`/Users/${userId}`)
        .send(patch({ op: 'Add', path: `${ENTERPRISE}:manager`, value: 'boss-id' }))
        .expect(200);
      expect(res.body[ENTERPRISE]).toEqual({ manager: { value: 'boss-id' } });
      await app.auth
        .patch(`/Users/${userId}`)
        .send(patch({ op: 'Remove', path: `${ENTERPRISE}:manager` }))
        .expect(200);
    });
    it('PATCH emails: {} is 400 invalidValue (not a silent wipe), with a path and path-less', async () => {
      const before = await snapshot();
      for (const op of [
        { op: 'replace', path: 'emails', value: {} },
        { op: 'add', path: 'emails', value: {} },
        { op: 'replace', value: { emails: {} } },
        { op: 'add', value: { emails: { unknown: 1 } } },
      ])
        expectScimError(
          await app.auth.patch(`/Users/${userId}`).send(patch(op)),
          400,
          'invalidValue',
          /emails/,
        );
      expect(await snapshot()).toEqual(before);
      // an empty array still clears (RFC 7643 §2.5), and null too (catalog CE-5)
      expect(before.user.emails).toBeDefined();
    });
    it('keys differing only in case (userName and USERNAME) are 400 invalidSyntax, at any level', async () => {
      const before = await snapshot();
      const top = await app.auth
        .post('/Users')
        .send('{"userName":"a1@example.com","USERNAME":"a2@example.com"}');
      expectScimError(top, 400, 'invalidSyntax', /"userName" and "USERNAME"/);
      const nested = await app.auth
        .put(`/Users/${userId}`)
        .send('{"userName":"alice@example.com","name":{"givenName":"A","GivenName":"B"}}');
      expectScimError(nested, 400, 'invalidSyntax', /\/name/);
      const ops = await app.auth
        .patch(`/Users/${userId}`)
        .send(
          `{"schemas":["${PATCH_SCHEMA}"],"Operations":[{"op":"replace","OP":"add","path":"title","value":"x"}]}`,
        );
      expectScimError(ops, 400, 'invalidSyntax');
      expect(await snapshot()).toEqual(before);
    });
  });

  describe('input limits: each exceeded one is a 400 naming its variable, and nothing changes', () => {
    it('filter length, nesting and clauses (invalidFilter)', async () => {
      const long = `userName eq "${'x'.repeat(30_000)}"`;
      expectScimError(
        await app.auth.post('/Users/.search').send({ filter: long }),
        400,
        'invalidFilter',
        /BRIDGE_MAX_FILTER_LENGTH/,
      );
      expectScimError(
        await app.auth.get(
          `/Groups?filter=${encodeURIComponent(`${'('.repeat(9)}displayName pr${')'.repeat(9)}`)}`,
        ),
        400,
        'invalidFilter',
        /nesting \(9 levels\) exceeds the limit of 8 \(BRIDGE_MAX_FILTER_DEPTH\)/,
      );
      const many = Array.from({ length: 51 }, () => 'title pr').join(' and ');
      expectScimError(
        await app.auth.get(`/Users?filter=${encodeURIComponent(many)}`),
        400,
        'invalidFilter',
        /clause count \(51\) exceeds the limit of 50 \(BRIDGE_MAX_FILTER_CLAUSES\)/,
      );
    });
    it('PATCH operations, members and paths', async () => {
      const before = await snapshot();
      const ops = Array.from({ length: 21 }, () => ({ op: 'replace', path: 'title', value: 'x' }));
      expectScimError(
        await app.auth.patch(`/Users/${userId}`).send(patch(...ops)),
        400,
        'invalidValue',
        /operations \(21\) exceeds the limit of 20 \(BRIDGE_MAX_PATCH_OPERATIONS\)/,
      );
      const members = (n: number, from = 0) =>
        Array.from({ length: n }, (_, i) => ({ value: `m${from + i}` }));
      expectScimError(
        await app.auth
          .patch(`/Groups/${groupId}`)
          .send(
            patch(
              { op: 'add', path: 'members', value: members(20) },
              { op: 'add', value: { members: members(11, 20) } },
            ),
          ),
        400,
        'invalidValue',
        /member values in the PATCH request \(31\) exceeds the limit of 30 \(BRIDGE_MAX_PATCH_MEMBERS\)/,
      );
      expectScimError(
        await app.auth
          .patch(`/Groups/${groupId}`)
          .send(patch({ op: 'remove', path: `members[${'('.repeat(9)}value eq "x"${')'.repeat(9)}]` })),
        400,
        'invalidPath',
        /BRIDGE_MAX_FILTER_DEPTH/,
      );
      expectScimError(
        await app.auth.patch(`/Users/${userId}`).send(
          patch({
            op: 'replace',
            value: { [`emails[${'('.repeat(9)}type eq "work"${')'.repeat(9)}].value`]: 'x' },
          }),
        ),
        400,
        'invalidPath',
        /BRIDGE_MAX_FILTER_DEPTH/,
      );
      expect(await snapshot()).toEqual(before);
      // at the limit, it is served
      await app.auth
        .patch(`/Users/${userId}`)
        .send(patch(...ops.slice(0, 20)))
        .expect(200);
      await app.auth
        .patch(`/Users/${userId}`)
        .send(patch({ op: 'replace', path: 'title', value: 'Engineer' }))
        .expect(200);
    });
    it('string length and JSON nesting of a body (invalidValue)', async () => {
      const before = await snapshot();
      expectScimError(
        await app.auth.post('/Users').send(userBody('long@example.com', { title: 'x'.repeat(301) })),
        400,
        'invalidValue',
        /string at \/title \(301 characters\) exceeds the limit of 300 \(BRIDGE_MAX_STRING_LENGTH\)/,
      );
      let deep: unknown = 'x';
      for (let i = 0; i < 20; i++) deep = [deep];
      expectScimError(
        await app.auth.post('/Users').send(userBody('deep@example.com', { unknownAttribute: deep })),
        400,
        'invalidValue',
        /BRIDGE_MAX_JSON_DEPTH/,
      );
      const hugeDepth = `{"userName":"d@example.com","x":${'['.repeat(100_000)}${']'.repeat(100_000)}}`;
      expectScimError(
        await app.auth.post('/Users').send(hugeDepth),
        400,
        'invalidValue',
        /BRIDGE_MAX_JSON_DEPTH/,
      );
      expect(await snapshot()).toEqual(before);
    });
  });
});

describe('defect 4: a revoked SCIM_TOKEN stays revoked across restarts', () => {
  it('the restart keeps it revoked and its log says so and how to replace it', async () => {
    const db = await createTestDatabase('sqlite');
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const env = loadEnv({ DATABASE_URL: db.url, SCIM_TOKEN: TEST_TOKEN, LOG_LEVEL: 'info' });
    const start = () => buildBridge({ env, logger: createLogger('info', sink) });
    try {
      const first = await start();
      await supertest(first.app)
        .get(`${SCIM}/Users`)
        .set('Authorization', `Bearer ${TEST_TOKEN}`)
        .expect(200);
      const [envToken] = (await first.tokens.list()).filter((t) => t.source === 'env');
      expect(await first.tokens.revoke(envToken!.id)).not.toBeNull();
      await first.close();
      expect(lines.join('')).not.toMatch(/SCIM_TOKEN is revoked/);

      const second = await start();
      try {
        const res = await supertest(second.app)
          .get(`${SCIM}/Users`)
          .set('Authorization', `Bearer ${TEST_TOKEN}`);
        expect(res.status).toBe(401);
        const warning = lines
          .map((l) => JSON.parse(l) as Record<string, unknown>)
          .find((l) => /SCIM_TOKEN is revoked/.test(String(l.msg)));
        expect(warning).toMatchObject({ level: 40, tokenId: envToken!.id });
        expect(String(warning!.msg)).toMatch(/Set SCIM_TOKEN to a new value/);
        expect(lines.join('')).not.toContain(TEST_TOKEN);
      } finally {
        await second.close();
      }

      // a new value works at once (and the old one stays revoked)
      const rotated = await buildBridge({
        env: { ...env, SCIM_TOKEN: 'another-token-0123456789' },
        logger: createLogger('silent'),
      });
      try {
        await supertest(rotated.app)
          .get(`${SCIM}/Users`)
          .set('Authorization', 'Bearer another-token-0123456789')
          .expect(200);
        await supertest(rotated.app)
          .get(`${SCIM}/Users`)
          .set('Authorization', `Bearer ${TEST_TOKEN}`)
          .expect(401);
      } finally {
        await rotated.close();
      }
    } finally {
      await db.drop();
    }
  });
});

describe('defect 5: meta.location behind a proxy', () => {
  it('ignores a forged Host header and X-Forwarded-* without BRIDGE_TRUST_PROXY', async () => {
    const app = await startTestApp('sqlite');
    try {
      const res = await app.auth
        .post('/Users')
        .set('Host', 'evil.example.com')
        .set('X-Forwarded-Host', 'evil.example.com')
        .set('X-Forwarded-Proto', 'https')
        .send(userBody('host@example.com'))
        .expect(201);
      const location = (res.body.meta as { location: string }).location;
      expect(location).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/scim\/v2\/Users\//);
      expect(res.headers.location).toBe(location);
      const got = await app.auth.get(`/Users/${res.body.id as string}`).set('Host', 'evil.example.com');
      expect(JSON.stringify(got.body)).not.toMatch(/evil/);
      await app.auth.delete(`/Users/${res.body.id as string}`).expect(204);
    } finally {
      await app.close();
    }
  });

  const locationWith = async (env: Record<string, string>, headers: Record<string, string>) => {
    const app = await startTestApp('sqlite', { env });
    try {
      const req = app.auth.post('/Users');
      for (const [k, v] of Object.entries(headers)) req.set(k, v);
      const res = await req.send(userBody('proxy@example.com')).expect(201);
      return (res.body.meta as { location: string }).location;
    } finally {
      await app.close();
    }
  };
  const forwarded = {
    'X-Forwarded-Host': 'scim.example.com',
    'X-Forwarded-Proto': 'https',
    Host: 'evil.example.com',
  };

  it('BRIDGE_PUBLIC_URL wins over everything', async () => {
    expect(
      await locationWith(
        { BRIDGE_PUBLIC_URL: 'https://bridge.example.org/', BRIDGE_TRUST_PROXY: 'loopback' },
        forwarded,
      ),
    ).toMatch(/^https:\/\/bridge\.example\.org\/scim\/v2\/Users\//);
  });
  it('X-Forwarded-Host/-Proto count when BRIDGE_TRUST_PROXY trusts the peer', async () => {
    expect(await locationWith({ BRIDGE_TRUST_PROXY: 'loopback' }, forwarded)).toMatch(
      /^https:\/\/scim\.example\.com\/scim\/v2\/Users\//,
    );
  });
  it('not from a peer outside BRIDGE_TRUST_PROXY, and never a malformed host', async () => {
    expect(await locationWith({ BRIDGE_TRUST_PROXY: '10.0.0.0/8' }, forwarded)).toMatch(
      /^http:\/\/127\.0\.0\.1:\d+\//,
    );
    expect(
      await locationWith(
        { BRIDGE_TRUST_PROXY: 'true' },
        { 'X-Forwarded-Host': 'evil.example.com/path?x=<script>' },
      ),
    ).toMatch(/^http:\/\/127\.0\.0\.1:\d+\//);
  });
  it('a malformed BRIDGE_TRUST_PROXY stops the start', () => {
    expect(() => loadEnv({ BRIDGE_TRUST_PROXY: 'everyone' })).toThrow(/BRIDGE_TRUST_PROXY/);
    expect(loadEnv({ BRIDGE_TRUST_PROXY: 'loopback, 10.0.0.0/8, ::1' }).BRIDGE_TRUST_PROXY).toBeDefined();
  });
});

describe("requests Node's HTTP parser refuses", () => {
  it('a URL over 16 KiB is 431 with a SCIM error body, not a bare status line', async () => {
    const app = await startTestApp('sqlite');
    const server = app.bridge.app.listen(0, '127.0.0.1');
    answerClientErrors(server);
    try {
      await new Promise((resolve) => server.once('listening', resolve));
      const { port } = server.address() as { port: number };
      const res = await fetch(`http://127.0.0.1:${port}${SCIM}/Users?filter=${'('.repeat(20_000)}`, {
        headers: { Authorization: `Bearer ${TEST_TOKEN}` },
      });
      expect(res.status).toBe(431);
      expect(res.headers.get('content-type')).toMatch(/^application\/scim\+json/);
      expect(await res.json()).toMatchObject({ schemas: [ERROR_SCHEMA], status: '431' });
    } finally {
      server.close();
      await app.close();
    }
  });
});
