// Properties over real HTTP on a real database (SQLite, and PostgreSQL when TEST_POSTGRES_URL is set), with
// fuzzed requests (test/fuzz/arbitraries.ts): lists with hostile filters and sort keys, /.search bodies, resource
// bodies, PatchOp bodies and raw bodies.
//  1. every response is a 2xx or a valid RFC 7644 §3.12 error (error URN, `status` as the HTTP status in a string,
//     a non-empty `detail`, a Table 9 `scimType` if any, the SCIM media type), and never a 5xx;
//  2. a rejected request (4xx) changes nothing stored: users, groups, memberships, tokens and the audit trail are
//     the same before and after it.
// The server is a real listening one with the process's client-error handler, so that Node's own refusals
// (a URL over 16 KiB) are checked too.
import type { Server } from 'node:http';
import fc from 'fast-check';
import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answerClientErrors } from '../../src/http/client-error.js';
import { databaseKinds } from '../support/databases.js';
import { GROUP_SCHEMA, SCIM, TEST_TOKEN, startTestApp, type TestApp } from '../support/test-app.js';
import {
  FUZZ_SEED,
  attributeName,
  filterText,
  fuzzParameters,
  fuzzTimeout,
  hostileJson,
  hostileString,
  patchBody,
  userBody,
} from './arbitraries.js';

/** runs per database inside `npm test` (a few seconds each); FUZZ_RUNS overrides */
const RUNS = 250;

const ERROR_URN = 'urn:ietf:params:scim:api:messages:2.0:Error';
const SCIM_TYPES = new Set([
  'invalidFilter',
  'tooMany',
  'uniqueness',
  'mutability',
  'invalidSyntax',
  'invalidPath',
  'noTarget',
  'invalidValue',
  'invalidVers',
  'sensitive',
]);

type Target = 'user' | 'group' | 'missing';

interface FuzzRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** path under /scim/v2; `{user}`/`{group}` are replaced by the seeded ids */
  path: string;
  query?: Record<string, string>;
  body?: unknown;
  /** a raw body, sent as is */
  raw?: string;
  contentType?: string;
}

/** What a network would make of the text: URLs carry UTF-8, in which an unpaired surrogate becomes U+FFFD. */
const wellFormed = (text: string): string => Buffer.from(text, 'utf8').toString('utf8');

/** A query parameter present in `tenths` out of ten requests. */
const sometimes = <T>(arb: fc.Arbitrary<T>, tenths: number): fc.Arbitrary<T | undefined> =>
  fc.oneof({ weight: 10 - tenths, arbitrary: fc.constant(undefined) }, { weight: tenths, arbitrary: arb });

/** List parameters: a filter most of the time, the others less often, each mostly valid. */
const listQuery = fc
  .record({
    filter: sometimes(filterText, 8),
    sortBy: sometimes(
      fc.oneof(
        {
          weight: 4,
          arbitrary: fc.constantFrom('userName', 'displayName', 'meta.created', 'title', 'id', 'emails'),
        },
        { weight: 1, arbitrary: attributeName },
      ),
      3,
    ),
    sortOrder: sometimes(fc.constantFrom('ascending', 'descending', 'up', ''), 2),
    startIndex: sometimes(
      fc.oneof(
        { weight: 4, arbitrary: fc.integer({ min: -5, max: 50 }).map(String) },
        { weight: 1, arbitrary: hostileString(4) },
      ),
      2,
    ),
    count: sometimes(
      fc.oneof(
        { weight: 4, arbitrary: fc.integer({ min: -5, max: 5000 }).map(String) },
        { weight: 1, arbitrary: hostileString(4) },
      ),
      2,
    ),
    attributes: sometimes(fc.oneof(attributeName, fc.constant('userName,emails,__proto__')), 2),
    excludedAttributes: sometimes(fc.constantFrom('members', 'emails', 'constructor'), 2),
  })
  .map(
    (query) =>
      Object.fromEntries(Object.entries(query).filter(([, v]) => v !== undefined)) as Record<string, string>,
  );

const target = fc.constantFrom<Target>('user', 'group', 'missing');
const idPath = (kind: 'Users' | 'Groups', t: Target) =>
  `/${kind}/${t === 'missing' ? 'no-such-id' : kind === 'Users' ? '{user}' : '{group}'}`;

const request: fc.Arbitrary<FuzzRequest> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc
      .tuple(fc.constantFrom('/Users', '/Groups'), listQuery)
      .map(([path, query]): FuzzRequest => ({ method: 'GET', path, query: mapValues(query, wellFormed) })),
  },
  {
    weight: 3,
    arbitrary: fc
      .tuple(fc.constantFrom('/Users/.search', '/Groups/.search'), listQuery, fc.option(hostileJson))
      .map(([path, body, extra]): FuzzRequest => ({
        method: 'POST',
        path,
        body: extra === null ? body : { ...body, [String(Object.keys(body).length)]: extra },
      })),
  },
  { weight: 3, arbitrary: userBody.map((body): FuzzRequest => ({ method: 'POST', path: '/Users', body })) },
  {
    weight: 2,
    arbitrary: fc
      .tuple(target, userBody)
      .map(([t, body]): FuzzRequest => ({ method: 'PUT', path: idPath('Users', t), body })),
  },
  {
    weight: 4,
    arbitrary: fc
      .tuple(target, patchBody)
      .map(([t, body]): FuzzRequest => ({ method: 'PATCH', path: idPath('Users', t), body })),
  },
  {
    weight: 4,
    arbitrary: fc
      .tuple(target, patchBody)
      .map(([t, body]): FuzzRequest => ({ method: 'PATCH', path: idPath('Groups', t), body })),
  },
  {
    weight: 2,
    arbitrary: fc
      .tuple(hostileString(20), hostileJson, fc.nat(1_000_000))
      .map(([name, members, n]): FuzzRequest => ({
        method: 'POST',
        path: '/Groups',
        body: { schemas: [GROUP_SCHEMA], displayName: `${name}${n}`, members },
      })),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(
        fc.constantFrom<FuzzRequest['method']>('POST', 'PUT', 'PATCH'),
        fc.constantFrom('/Users', '/Groups', '/Users/{user}', '/Groups/{group}', '/Users/.search'),
        hostileString(80),
        fc.constantFrom(
          'application/scim+json',
          'application/json',
          'text/plain',
          'application/json; charset=latin1',
        ),
      )
      .map(([method, path, raw, contentType]): FuzzRequest => ({ method, path, raw, contentType })),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom('/Users', '/Groups'), hostileString(12))
      .map(([kind, id]): FuzzRequest => ({
        method: 'DELETE',
        path: `${kind}/${encodeURIComponent(wellFormed(id))}x`,
      })),
  },
);

/** Precondition and request-id headers: well-formed, stale, or printable junk (header values must be Latin-1). */
const headerValue = fc.oneof(
  fc.constantFrom('*', 'W/"1"', '"1"', 'W/"2", W/"1"', 'W/"999"', ''),
  fc.string({ unit: 'grapheme-ascii', maxLength: 60 }),
);
/** On one request in five, so that most writes still get past the precondition. */
const extraHeaders = fc.oneof(
  { weight: 4, arbitrary: fc.constant({}) },
  {
    weight: 1,
    arbitrary: fc.record(
      { 'If-Match': headerValue, 'If-None-Match': headerValue, 'X-Request-Id': headerValue },
      { requiredKeys: [] },
    ),
  },
);

function mapValues(record: Record<string, string>, fn: (v: string) => string): Record<string, string> {
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, fn(v)]));
}

function expectScimAnswer(res: supertest.Response, label: string): void {
  expect(res.status, label).toBeLessThan(500);
  if (res.status < 400) return;
  expect(res.headers['content-type'], label).toMatch(/^application\/scim\+json/);
  const body = res.body as Record<string, unknown>;
  expect(body.schemas, label).toEqual([ERROR_URN]);
  expect(body.status, label).toBe(String(res.status));
  expect(typeof body.detail === 'string' && body.detail.length > 0, label).toBe(true);
  if (body.scimType !== undefined)
    expect(typeof body.scimType === 'string' && SCIM_TYPES.has(body.scimType), label).toBe(true);
}

describe.each(databaseKinds())(`HTTP under fuzzed requests (%s, fuzz seed ${FUZZ_SEED})`, (kind) => {
  let app: TestApp;
  let server: Server;
  let http: ReturnType<typeof supertest>;
  const ids = { user: '', group: '' };
  /** answers per method and status, printed at the end: shows what the generated requests reached */
  const histogram = new Map<string, number>();

  /** Everything a request could change, in a comparable form. */
  const snapshot = async () => {
    const db = app.bridge.handle.db;
    const [users, groups, members, tokens, audit] = await Promise.all([
      db.scimUser.findMany({ orderBy: { id: 'asc' } }),
      db.scimGroup.findMany({ orderBy: { id: 'asc' } }),
      db.groupMember.findMany({ orderBy: [{ groupId: 'asc' }, { userId: 'asc' }] }),
      db.apiToken.findMany({ orderBy: { id: 'asc' } }),
      db.auditEvent.count(),
    ]);
    return JSON.stringify({ users, groups, members, tokens, audit });
  };

  beforeAll(async () => {
    app = await startTestApp(kind, { env: { BRIDGE_PUBLIC_URL: 'https://bridge.test' } });
    server = app.bridge.app.listen(0, '127.0.0.1');
    answerClientErrors(server);
    await new Promise((resolve) => server.once('listening', resolve));
    http = supertest(server);
    const auth = (t: supertest.Test) =>
      t.set('Authorization', `Bearer ${TEST_TOKEN}`).set('Content-Type', 'application/scim+json');
    ids.user = (
      await auth(http.post(`${SCIM}/Users`))
        .send({
          userName: 'seed@example.com',
          emails: [{ value: 'seed@example.com', type: 'work' }],
          active: true,
        })
        .expect(201)
    ).body.id as string;
    ids.group = (
      await auth(http.post(`${SCIM}/Groups`))
        .send({ schemas: [GROUP_SCHEMA], displayName: 'Seed group', members: [{ value: ids.user }] })
        .expect(201)
    ).body.id as string;
  });
  afterAll(async () => {
    const counts = [...histogram].sort(([a], [b]) => a.localeCompare(b)).map(([k, n]) => `${k}: ${n}`);
    console.info(`fuzz seed ${FUZZ_SEED} (${kind}), answers by method and status: ${counts.join(', ')}`);
    await new Promise((resolve) => server.close(resolve));
    await app.close();
  });

  it(
    'every answer is a 2xx or an RFC 7644 §3.12 error, never a 5xx; a rejected request changes nothing stored',
    async () => {
      await fc.assert(
        fc.asyncProperty(request, extraHeaders, async (req, headers) => {
          // `{user}`/`{group}` stand for the seeded ids, in paths, query values and bodies alike
          const seeded = (text: string) =>
            text.replaceAll('{user}', ids.user).replaceAll('{group}', ids.group);
          const path = SCIM + seeded(req.path);
          const before = await snapshot();
          let test = http[req.method.toLowerCase() as 'get'](path).set(
            'Authorization',
            `Bearer ${TEST_TOKEN}`,
          );
          for (const [name, value] of Object.entries(headers)) test = test.set(name, value);
          if (req.query) test = test.query(mapValues(req.query, seeded));
          if (req.raw !== undefined)
            test = test.set('Content-Type', req.contentType ?? 'application/scim+json').send(req.raw);
          else if (req.body !== undefined)
            test = test.set('Content-Type', 'application/scim+json').send(seeded(JSON.stringify(req.body)));
          const res = await test;
          const key = `${req.method} ${res.status}`;
          histogram.set(key, (histogram.get(key) ?? 0) + 1);
          const label = `${req.method} ${req.path} → ${res.status} ${res.text.slice(0, 300)}`;
          expectScimAnswer(res, label);
          if (res.status >= 400)
            expect(await snapshot(), `stored state changed by a rejected ${label}`).toBe(before);
        }),
        fuzzParameters(RUNS),
      );
    },
    fuzzTimeout(RUNS, 40),
  );
});
