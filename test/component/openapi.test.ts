// Keeps openapi.yaml true to the bridge: the document is well-formed OpenAPI 3.1, every route the routers declare is
// documented, every documented operation is served (never the "No SCIM endpoint" 404) and answers only documented
// status codes and media types, and the request examples are the IdP bodies in test/fixtures/idp.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Router } from 'express';
import type supertest from 'supertest';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { GroupsService } from '../../src/app/groups.service.js';
import type { ProvisioningGateway, RequestOutcome } from '../../src/app/provisioning-gateway.js';
import type { UsersService } from '../../src/app/users.service.js';
import { healthRouter } from '../../src/http/health.router.js';
import { metricsRouter } from '../../src/http/metrics.js';
import { discoveryRouter, scimRouter } from '../../src/http/scim.router.js';
import {
  GROUP_SCHEMA,
  PATCH_SCHEMA,
  TEST_TOKEN,
  startTestApp,
  userBody,
  type TestApp,
} from '../support/test-app.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const FIXTURES = path.join(ROOT, 'test/fixtures/idp');
const SEARCH_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:SearchRequest';
const ERROR_REF = '#/components/schemas/Error';

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;
type Method = (typeof METHODS)[number];

/**
 * The routes src/http/scim.router.ts and src/http/health.router.ts declare (`ALL` = `router.all`). Written out so a
 * reader sees the surface; the first test proves it equals what the Express routers really hold.
 */
const DECLARED_ROUTES: ReadonlyArray<readonly [method: string, path: string]> = [
  ['GET', '/healthz'],
  ['GET', '/readyz'],
  ['GET', '/metrics'],
  ['GET', '/ServiceProviderConfig'],
  ['GET', '/ResourceTypes'],
  ['GET', '/ResourceTypes/:id'],
  ['GET', '/Schemas'],
  ['GET', '/Schemas/:id'],
  // 405 with Allow for the other methods on the discovery paths, then on /Users and /Groups (catalog RE-12)
  ['ALL', '/ServiceProviderConfig'],
  ['ALL', '/ResourceTypes'],
  ['ALL', '/ResourceTypes/:id'],
  ['ALL', '/Schemas'],
  ['ALL', '/Schemas/:id'],
  ['GET', '/Users'],
  ['POST', '/Users/.search'],
  ['POST', '/Users'],
  ['GET', '/Users/:id'],
  ['PUT', '/Users/:id'],
  ['PATCH', '/Users/:id'],
  ['DELETE', '/Users/:id'],
  ['GET', '/Groups'],
  ['POST', '/Groups/.search'],
  ['POST', '/Groups'],
  ['GET', '/Groups/:id'],
  ['PUT', '/Groups/:id'],
  ['PATCH', '/Groups/:id'],
  ['DELETE', '/Groups/:id'],
  ['ALL', '/Users'],
  ['ALL', '/Groups'],
  ['ALL', '/Users/:id'],
  ['ALL', '/Groups/:id'],
  ['ALL', '/Bulk'],
  ['ALL', '/Me'],
  ['POST', '/.search'],
];

// ---------------------------------------------------------------------------------------------------------------
// Reading the document

const serverSchema = z.object({ url: z.string() });
const operationSchema = z.object({
  operationId: z.string(),
  summary: z.string().optional(),
  description: z.string().optional(),
  tags: z.array(z.string()).optional(),
  security: z.array(z.record(z.string(), z.array(z.string()))).optional(),
  parameters: z.array(z.unknown()).optional(),
  requestBody: z.unknown().optional(),
  responses: z.record(z.string(), z.unknown()),
});
type Operation = z.infer<typeof operationSchema>;
const pathItemSchema = z.object({
  servers: z.array(serverSchema).optional(),
  parameters: z.array(z.unknown()).optional(),
  get: operationSchema.optional(),
  post: operationSchema.optional(),
  put: operationSchema.optional(),
  patch: operationSchema.optional(),
  delete: operationSchema.optional(),
});
type PathItem = z.infer<typeof pathItemSchema>;
const specSchema = z.object({
  openapi: z.string(),
  info: z.object({ title: z.string().min(1), version: z.string(), description: z.string().min(1) }),
  servers: z.array(serverSchema).min(1),
  security: z.array(z.record(z.string(), z.array(z.string()))),
  paths: z.record(z.string(), pathItemSchema),
  components: z.object({
    securitySchemes: z.record(z.string(), z.object({ type: z.string(), scheme: z.string().optional() })),
    schemas: z.record(z.string(), z.unknown()),
    examples: z.record(z.string(), z.unknown()).optional(),
  }),
});
const parameterSchema = z.object({ name: z.string(), in: z.string(), example: z.unknown().optional() });
const responseSchema = z.object({
  headers: z.record(z.string(), z.unknown()).optional(),
  content: z.record(z.string(), z.object({ schema: z.unknown().optional() })).optional(),
});
const requestBodySchema = z.object({
  required: z.boolean().optional(),
  content: z.record(z.string(), z.unknown()),
});
const fixtureSchema = z.object({ request: z.object({ body: z.unknown() }) });

const raw: unknown = parse(fs.readFileSync(path.join(ROOT, 'openapi.yaml'), 'utf8'));
const spec = specSchema.parse(raw);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Resolves a local JSON pointer (`#/components/…`) in the document; throws when it points nowhere. */
function resolvePointer(ref: string): unknown {
  if (!ref.startsWith('#/')) throw new Error(`only local $refs are used: ${ref}`);
  let node: unknown = raw;
  for (const token of ref.slice(2).split('/')) {
    const key = token.replace(/~1/g, '/').replace(/~0/g, '~');
    if (!isRecord(node) || !(key in node)) throw new Error(`unresolved $ref ${ref}`);
    node = node[key];
  }
  return node;
}

/** Follows `$ref` until a concrete object. */
function deref(node: unknown): unknown {
  let current = node;
  for (let hops = 0; isRecord(current) && typeof current.$ref === 'string'; hops++) {
    if (hops > 10) throw new Error('$ref cycle');
    current = resolvePointer(current.$ref);
  }
  return current;
}

/** Every `$ref` of the document, not counting example data (SCIM resources carry `$ref` attributes of their own). */
function collectRefs(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) node.forEach((n) => collectRefs(n, out));
  else if (isRecord(node)) {
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string') out.push(value);
      else if (key === 'example') continue;
      else if (key === 'examples' && isRecord(value)) {
        // a map of Example Objects: follow their references, skip their values
        for (const example of Object.values(value))
          if (isRecord(example) && typeof example.$ref === 'string') out.push(example.$ref);
      } else if (key !== 'examples') collectRefs(value, out);
    }
  }
  return out;
}

interface DocumentedOperation {
  method: Method;
  path: string;
  /** e.g. "PATCH /Groups/{id}" */
  key: string;
  op: Operation;
  item: PathItem;
}

const OPERATIONS: DocumentedOperation[] = Object.entries(spec.paths).flatMap(([p, item]) =>
  METHODS.flatMap((method) => {
    const op = item[method];
    return op ? [{ method, path: p, key: `${method.toUpperCase()} ${p}`, op, item }] : [];
  }),
);

/** The URL path prefix of an operation: the path's own server (health endpoints) or the document's. */
function prefixOf(item: PathItem): string {
  const url = item.servers?.[0]?.url ?? spec.servers[0]!.url;
  return new URL(url).pathname.replace(/\/+$/, '');
}

function needsToken(op: Operation): boolean {
  return (op.security ?? spec.security).length > 0;
}

function documentedResponse(op: Operation, status: number): z.infer<typeof responseSchema> | undefined {
  const response = op.responses[String(status)];
  return response === undefined ? undefined : responseSchema.parse(deref(response));
}

function pathParameters(item: PathItem, op: Operation): Array<z.infer<typeof parameterSchema>> {
  return [...(item.parameters ?? []), ...(op.parameters ?? [])]
    .map((p) => parameterSchema.parse(deref(p)))
    .filter((p) => p.in === 'path');
}

/** The routes an Express router holds, as [METHOD, path] (`router.all` → `ALL`). Reads Express's layer stack. */
function routesOf(router: Router): Array<[string, string]> {
  // An Express router is a function carrying its layers in `stack`.
  const stack = z
    .array(
      z.object({
        route: z.object({ path: z.string(), methods: z.record(z.string(), z.boolean()) }).optional(),
      }),
    )
    .parse(Reflect.get(router, 'stack'));
  return stack.flatMap(({ route }) =>
    route
      ? Object.keys(route.methods).map((m): [string, string] => [
          m === '_all' ? 'ALL' : m.toUpperCase(),
          route.path,
        ])
      : [],
  );
}

const toOpenApiPath = (expressPath: string): string => expressPath.replace(/:(\w+)/g, '{$1}');

/**
 * Checks a body against a documented schema with Ajv (JSON Schema 2020-12, the dialect of OpenAPI 3.1). Every
 * component schema is registered under its document path, so `$ref`s resolve as in the document; strict mode refuses
 * any keyword it does not know, so none is silently skipped (OpenAPI's `example` is declared as an annotation;
 * formats stay annotations).
 */
const ajv = new Ajv2020({ strict: true, strictTypes: false, validateFormats: false, allErrors: true });
ajv.addKeyword({ keyword: 'example' });
const DOCUMENT = 'https://openapi.invalid/';

/** Local references (`#/components/schemas/X`) as absolute ids, so that they resolve from any schema node. */
function withDocumentRefs(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withDocumentRefs);
  if (!isRecord(node)) return node;
  return Object.fromEntries(
    Object.entries(node).map(([key, value]) => [
      key,
      key === '$ref' && typeof value === 'string' && value.startsWith('#/')
        ? DOCUMENT + value.slice(2)
        : withDocumentRefs(value),
    ]),
  );
}
for (const [name, schema] of Object.entries(spec.components.schemas))
  ajv.addSchema({ ...(withDocumentRefs(schema) as object), $id: `${DOCUMENT}components/schemas/${name}` });

const validators = new Map<unknown, ValidateFunction>();

/** The problems of `value` against `schemaNode` (a node of openapi.yaml), as `path: message` lines. */
function conformance(schemaNode: unknown, value: unknown): string[] {
  let validate = validators.get(schemaNode);
  if (!validate) {
    validate = ajv.compile(withDocumentRefs(schemaNode) as object);
    validators.set(schemaNode, validate);
  }
  if (validate(value)) return [];
  return (validate.errors ?? []).map((e) => `$${e.instancePath}: ${e.message ?? e.keyword}`);
}

/** Deep equality where a fixture string holding `{placeholder}`s matches any value with something in their place. */
function matchesFixture(example: unknown, fixture: unknown): boolean {
  if (typeof fixture === 'string' && /\{\w+\}/.test(fixture)) {
    const pattern = fixture
      .split(/\{\w+\}/)
      .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('.+');
    return typeof example === 'string' && new RegExp(`^${pattern}$`).test(example);
  }
  if (Array.isArray(fixture))
    return (
      Array.isArray(example) &&
      example.length === fixture.length &&
      fixture.every((f, i) => matchesFixture(example[i], f))
    );
  if (isRecord(fixture)) {
    if (!isRecord(example)) return false;
    const keys = Object.keys(fixture);
    return (
      keys.length === Object.keys(example).length && keys.every((k) => matchesFixture(example[k], fixture[k]))
    );
  }
  return example === fixture;
}

// ---------------------------------------------------------------------------------------------------------------

describe('openapi.yaml', () => {
  it('is OpenAPI 3.1 with info, servers, bearer security and resolvable $refs', () => {
    expect(spec.openapi).toMatch(/^3\.1\.\d+$/);
    expect(spec.info.version).toBe('0.1.0');
    expect(spec.info.description).toMatch(/Alteryx Analytics Cloud/);
    expect(spec.info.description).toMatch(/Alteryx Server/);
    expect(spec.servers[0]!.url).toBe('http://localhost:8080/scim/v2');
    expect(spec.components.securitySchemes.bearer).toEqual({ type: 'http', scheme: 'bearer' });
    expect(spec.security).toEqual([{ bearer: [] }]);
    for (const name of [
      'User',
      'Group',
      'Member',
      'PatchOp',
      'ListResponse',
      'SearchRequest',
      'Error',
      'ServiceProviderConfig',
    ])
      expect(spec.components.schemas, name).toHaveProperty(name);
    const refs = collectRefs(raw);
    expect(refs.length).toBeGreaterThan(100);
    for (const ref of refs) expect(() => resolvePointer(ref), ref).not.toThrow();
    const ids = OPERATIONS.map((o) => o.op.operationId);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('the schema check refuses bodies that break the document (a number status, a missing detail)', () => {
    const error = { schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '400', detail: 'bad' };
    expect(conformance({ $ref: ERROR_REF }, error)).toEqual([]);
    expect(conformance({ $ref: ERROR_REF }, { ...error, status: 400 })).not.toEqual([]);
    expect(conformance({ $ref: ERROR_REF }, { schemas: error.schemas, status: '400' })).not.toEqual([]);
  });

  it('declares the RFC 7644 §3.12 Error with status as a string and the scimType keywords', () => {
    const error = z
      .object({
        required: z.array(z.string()),
        properties: z.object({
          status: z.object({ type: z.literal('string') }),
          scimType: z.object({ enum: z.array(z.string()) }),
          detail: z.object({ type: z.literal('string') }),
        }),
      })
      .parse(spec.components.schemas.Error);
    expect(error.required).toEqual(expect.arrayContaining(['schemas', 'status']));
    expect(error.properties.scimType.enum).toEqual(
      expect.arrayContaining([
        'invalidFilter',
        'invalidSyntax',
        'invalidPath',
        'noTarget',
        'invalidValue',
        'mutability',
        'uniqueness',
      ]),
    );
  });

  it('documents SCIM errors as application/scim+json Error bodies, and accepts both JSON media types', () => {
    for (const { key, op, path: p } of OPERATIONS) {
      if (p === '/healthz' || p === '/readyz' || p === '/metrics') continue;
      for (const status of Object.keys(op.responses).filter((s) => Number(s) >= 400)) {
        const content = documentedResponse(op, Number(status))?.content;
        expect(Object.keys(content ?? {}), `${key} ${status}`).toEqual(['application/scim+json']);
        expect(content?.['application/scim+json']?.schema, `${key} ${status}`).toEqual({ $ref: ERROR_REF });
      }
      if (op.requestBody !== undefined) {
        const body = requestBodySchema.parse(deref(op.requestBody));
        expect(Object.keys(body.content).sort(), key).toEqual(['application/json', 'application/scim+json']);
      }
    }
  });

  it('describes the upstream effects and the bounded wait on every SCIM write', () => {
    const writes = OPERATIONS.filter(
      (o) => /^\/(Users|Groups)(\/\{id\})?$/.test(o.path) && o.method !== 'get',
    );
    expect(writes.map((w) => w.key)).toHaveLength(8);
    for (const { key, op } of writes) {
      const text = op.description ?? '';
      expect(text, key).toMatch(/BRIDGE_UPSTREAM_DEADLINE_MS/);
      expect(text, key).toMatch(/AAC/);
      expect(text, key).toMatch(/Server/);
      expect(text, key).toMatch(/undo|undone|restores|reverts/);
      expect(text, key).toMatch(/stays\s+queued/);
      expect(text, key).toMatch(/409 uniqueness/);
    }
  });

  it('request examples are the IdP bodies of test/fixtures/idp they name', () => {
    const examples = Object.entries(spec.components.examples ?? {});
    const fromFixtures = examples.flatMap(([name, ex]) => {
      const parsed = z.object({ 'x-fixture': z.string().optional(), value: z.unknown() }).parse(ex);
      return parsed['x-fixture'] ? [{ name, file: parsed['x-fixture'], value: parsed.value }] : [];
    });
    expect(fromFixtures.length).toBeGreaterThanOrEqual(10);
    for (const { name, file, value } of fromFixtures) {
      const fixture = fixtureSchema.parse(JSON.parse(fs.readFileSync(path.join(FIXTURES, file), 'utf8')));
      expect(matchesFixture(value, fixture.request.body), `${name} vs ${file}`).toBe(true);
    }
  });

  it('every request and response example conforms to the schema it illustrates', () => {
    const mediaSchema = z.object({
      schema: z.unknown().optional(),
      example: z.unknown().optional(),
      examples: z.record(z.string(), z.unknown()).optional(),
    });
    const contentOf = (node: unknown) =>
      Object.entries(
        z.object({ content: z.record(z.string(), mediaSchema).optional() }).parse(deref(node)).content ?? {},
      );
    let checked = 0;
    for (const { key, op } of OPERATIONS) {
      const bodies = [
        ...(op.requestBody === undefined
          ? []
          : contentOf(op.requestBody).map(([m, c]) => [`${key} request ${m}`, c] as const)),
        ...Object.entries(op.responses).flatMap(([status, r]) =>
          contentOf(r).map(([m, c]) => [`${key} ${status} ${m}`, c] as const),
        ),
      ];
      for (const [label, media] of bodies) {
        if (media.schema === undefined) continue;
        const examples = [
          ...(media.example === undefined ? [] : [media.example]),
          ...Object.values(media.examples ?? {}).map(
            (e) => z.object({ value: z.unknown() }).parse(deref(e)).value,
          ),
        ];
        for (const example of examples) {
          expect(conformance(media.schema, example), label).toEqual([]);
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(50);
  });

  it('the declared-route list is what the Express routers hold', () => {
    const deps = {
      users: {} as unknown as UsersService,
      groups: {} as unknown as GroupsService,
      maxResults: 1,
      maxPayloadBytes: 1,
    };
    const actual = [
      ...routesOf(healthRouter({ report: async () => ({ ready: true, checks: [] }) })),
      ...routesOf(metricsRouter({ render: async () => ({ contentType: 'text/plain', body: '' }) })),
      ...routesOf(discoveryRouter(deps)),
      ...routesOf(scimRouter(deps)),
    ];
    const key = ([m, p]: readonly [string, string]) => `${m} ${p}`;
    expect(actual.map(key).sort()).toEqual(DECLARED_ROUTES.map(key).sort());
  });

  it('documents every declared route, and declares every documented operation', () => {
    for (const [method, expressPath] of DECLARED_ROUTES) {
      const item = spec.paths[toOpenApiPath(expressPath)];
      expect(item, `${method} ${expressPath}`).toBeDefined();
      const documented = METHODS.filter((m) => item?.[m] !== undefined);
      if (method === 'ALL') expect(documented.length, expressPath).toBeGreaterThan(0);
      else expect(documented, `${method} ${expressPath}`).toContain(method.toLowerCase());
    }
    for (const { key, method, path: p } of OPERATIONS) {
      const declared = DECLARED_ROUTES.some(
        ([m, ep]) => toOpenApiPath(ep) === p && (m === 'ALL' || m.toLowerCase() === method),
      );
      expect(declared, key).toBe(true);
    }
  });
});

describe('openapi.yaml against the running bridge (sqlite)', () => {
  let app: TestApp;
  let userId = '';
  let groupId = '';

  beforeAll(async () => {
    app = await startTestApp('sqlite');
    const user = await app.auth.post('/Users').send(userBody('openapi.user@example.com')).expect(201);
    userId = String(user.body.id);
    const group = await app.auth
      .post('/Groups')
      .send({ schemas: [GROUP_SCHEMA], displayName: 'OpenAPI group', members: [{ value: userId }] })
      .expect(201);
    groupId = String(group.body.id);
  });
  afterAll(() => app?.close());

  /** Minimal valid bodies, for every operation whose request body the document marks required. */
  const bodies: Record<string, () => unknown> = {
    'POST /Users': () => userBody('openapi.created@example.com'),
    'POST /Users/.search': () => ({
      schemas: [SEARCH_SCHEMA],
      filter: 'userName eq "openapi.user@example.com"',
      count: 10,
    }),
    'PUT /Users/{id}': () => userBody('openapi.user@example.com', { displayName: 'Replaced' }),
    'PATCH /Users/{id}': () => ({
      schemas: [PATCH_SCHEMA],
      Operations: [{ op: 'replace', path: 'displayName', value: 'Patched' }],
    }),
    'POST /Groups': () => ({ schemas: [GROUP_SCHEMA], displayName: 'OpenAPI created group' }),
    'POST /Groups/.search': () => ({ schemas: [SEARCH_SCHEMA], filter: 'displayName eq "OpenAPI group"' }),
    'PUT /Groups/{id}': () => ({
      schemas: [GROUP_SCHEMA],
      displayName: 'OpenAPI group',
      members: [{ value: userId }],
    }),
    'PATCH /Groups/{id}': () => ({
      schemas: [PATCH_SCHEMA],
      Operations: [
        { op: 'remove', path: `members[value eq "${userId}"]` },
        { op: 'add', path: 'members', value: [{ value: userId }] },
      ],
    }),
  };

  function urlOf({ path: p, item, op }: DocumentedOperation): string {
    const ids: Record<string, string> = { '/Users/{id}': userId, '/Groups/{id}': groupId };
    let url = p;
    for (const param of pathParameters(item, op)) {
      const value = ids[p] ?? (typeof param.example === 'string' ? param.example : undefined);
      if (value === undefined) throw new Error(`${p}: no value for path parameter ${param.name}`);
      url = url.replace(`{${param.name}}`, encodeURIComponent(value));
    }
    return prefixOf(item) + url;
  }

  function request(method: Method, url: string, token: boolean): supertest.Test {
    const t = app.http[method](url);
    return token ? t.set('Authorization', `Bearer ${TEST_TOKEN}`) : t;
  }

  /** The bridge's "no such route" answers: the SCIM one under /scim/v2 and the app's plain one elsewhere. */
  function isRouteMiss(res: supertest.Response): boolean {
    const body: unknown = res.body;
    return (
      res.status === 404 &&
      isRecord(body) &&
      ((typeof body.detail === 'string' && body.detail.startsWith('No SCIM endpoint')) ||
        body.error === 'not found')
    );
  }

  function expectDocumented(o: DocumentedOperation, res: supertest.Response, label = o.key): void {
    expect(isRouteMiss(res), `${label}: route missing`).toBe(false);
    expect(Object.keys(o.op.responses), `${label} answered ${res.status}: ${res.text}`).toContain(
      String(res.status),
    );
    const documented = documentedResponse(o.op, res.status);
    const mediaTypes = Object.keys(documented?.content ?? {});
    if (mediaTypes.length > 0) {
      const received = String(res.headers['content-type'] ?? '')
        .split(';')[0]!
        .trim();
      expect(mediaTypes, `${label} ${res.status} content-type`).toContain(received);
      const schema = documented?.content?.[received]?.schema;
      if (schema !== undefined)
        expect(conformance(schema, res.body), `${label} ${res.status} body`).toEqual([]);
    }
    for (const header of Object.keys(documented?.headers ?? {}).filter(
      (h) => h === 'ETag' || h === 'Location',
    ))
      expect(res.headers[header.toLowerCase()], `${label} ${res.status} ${header}`).toBeTruthy();
  }

  // DELETEs last, so that the resources the other operations address still exist.
  const ordered = [...OPERATIONS].sort(
    (a, b) => Number(a.method === 'delete') - Number(b.method === 'delete'),
  );

  it.each(ordered.map((o) => [o.key, o] as const))(
    '%s is served and answers a documented status',
    async (_key, o) => {
      const body = requestBodySchema
        .optional()
        .parse(o.op.requestBody === undefined ? undefined : deref(o.op.requestBody));
      const make = bodies[o.key];
      if (body?.required) expect(make, `${o.key}: the test needs a minimal body`).toBeDefined();
      let req = request(o.method, urlOf(o), needsToken(o.op));
      if (make) req = req.set('Content-Type', 'application/scim+json').send(JSON.stringify(make()));
      const res = await req;
      expectDocumented(o, res);
      // The minimal bodies are valid: only the endpoints documented as unsupported may fail.
      if (o.op.tags?.includes('Not supported')) expect(res.status).toBe(501);
      else expect(res.status, `${o.key}: ${res.text}`).toBeLessThan(300);
    },
  );

  it('PATCH /Groups/{id} with attributes answers the documented 200 with the projected group', async () => {
    const o = OPERATIONS.find((x) => x.key === 'PATCH /Groups/{id}')!;
    const group = await app.auth
      .post('/Groups')
      .send({ schemas: [GROUP_SCHEMA], displayName: 'OpenAPI projected group' })
      .expect(201);
    const res = await app.auth.patch(`/Groups/${String(group.body.id)}?attributes=displayName`).send({
      schemas: [PATCH_SCHEMA],
      Operations: [{ op: 'replace', path: 'displayName', value: 'OpenAPI renamed' }],
    });
    expect(res.status).toBe(200);
    expectDocumented(o, res, 'PATCH /Groups/{id}?attributes=displayName');
    expect(res.body).toMatchObject({ displayName: 'OpenAPI renamed' });
  });

  it('operations documented as secured answer 401 without a token; the others answer without one', async () => {
    for (const o of OPERATIONS) {
      const res = await request(o.method, urlOf(o), false);
      if (needsToken(o.op)) {
        expect(res.status, o.key).toBe(401);
        expectDocumented(o, res);
        expect(res.headers['www-authenticate'], o.key).toMatch(/^Bearer/);
      } else {
        expect(res.status, o.key).not.toBe(401);
        expectDocumented(o, res);
      }
    }
  });
});

/** The scimType keywords the examples of a documented error response show. */
function documentedScimTypes(op: Operation, status: number): string[] {
  const mediaSchema = z.object({
    example: z.unknown().optional(),
    examples: z.record(z.string(), z.unknown()).optional(),
  });
  const response = z
    .object({ content: z.object({ 'application/scim+json': mediaSchema }).optional() })
    .parse(deref(op.responses[String(status)]));
  const media = response.content?.['application/scim+json'] ?? {};
  const values = [
    media.example,
    ...Object.values(media.examples ?? {}).map((e) => z.object({ value: z.unknown() }).parse(deref(e)).value),
  ];
  return values.flatMap((v) => (isRecord(v) && typeof v.scimType === 'string' ? [v.scimType] : []));
}

function operation(key: string): Operation {
  const found = OPERATIONS.find((o) => o.key === key);
  if (!found) throw new Error(`${key} is not documented`);
  return found.op;
}

describe('documented errors happen as documented (sqlite)', () => {
  let app: TestApp;
  let userId = '';
  let groupId = '';

  beforeAll(async () => {
    app = await startTestApp('sqlite', { env: { BRIDGE_MAX_BODY_BYTES: '4096' } });
    userId = String(
      (await app.auth.post('/Users').send(userBody('errors.user@example.com')).expect(201)).body.id,
    );
    const group = await app.auth
      .post('/Groups')
      .send({ schemas: [GROUP_SCHEMA], displayName: 'Errors group' })
      .expect(201);
    groupId = String(group.body.id);
  });
  afterAll(() => app?.close());

  const patch = (operations: unknown[]) => ({ schemas: [PATCH_SCHEMA], Operations: operations });
  const cases: Array<{ key: string; status: number; scimType?: string; send: () => supertest.Test }> = [
    {
      key: 'GET /Users',
      status: 400,
      scimType: 'invalidFilter',
      send: () => app.auth.get('/Users?filter=favouriteColour eq "x"'),
    },
    {
      key: 'GET /Users',
      status: 400,
      scimType: 'invalidValue',
      send: () => app.auth.get('/Users?count=ten'),
    },
    {
      key: 'GET /Groups',
      status: 400,
      scimType: 'invalidFilter',
      send: () => app.auth.get('/Groups?filter=displayName eq'),
    },
    {
      key: 'POST /Users/.search',
      status: 400,
      scimType: 'invalidFilter',
      send: () => app.auth.post('/Users/.search').send({ schemas: [SEARCH_SCHEMA], filter: '(' }),
    },
    {
      key: 'POST /Users',
      status: 400,
      scimType: 'invalidSyntax',
      send: () => app.auth.post('/Users').send('{"userName":'),
    },
    {
      key: 'POST /Users',
      status: 400,
      scimType: 'invalidValue',
      send: () => app.auth.post('/Users').send({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'] }),
    },
    {
      key: 'PUT /Groups/{id}',
      status: 400,
      scimType: 'invalidValue',
      send: () =>
        app.auth
          .put(`/Groups/${groupId}`)
          .send({ schemas: [GROUP_SCHEMA], displayName: 'Errors group', members: [{ value: 'nobody' }] }),
    },
    {
      key: 'PATCH /Groups/{id}',
      status: 404,
      send: () =>
        app.auth.patch('/Groups/no-such-group').send({
          schemas: [PATCH_SCHEMA],
          Operations: [{ op: 'add', path: 'members', value: [{ value: userId }] }],
        }),
    },
    {
      key: 'DELETE /Groups/{id}',
      status: 412,
      send: () => app.auth.delete(`/Groups/${groupId}`).set('If-Match', 'W/"999"'),
    },
    {
      key: 'POST /Users',
      status: 409,
      scimType: 'uniqueness',
      send: () => app.auth.post('/Users').send(userBody('ERRORS.user@example.com')),
    },
    {
      key: 'POST /Users',
      status: 413,
      send: () => app.auth.post('/Users').send(userBody('big@example.com', { nickName: 'x'.repeat(8000) })),
    },
    {
      key: 'POST /Users',
      status: 415,
      send: () => app.auth.post('/Users').set('Content-Type', 'text/plain').send('hello'),
    },
    {
      key: 'POST /Groups',
      status: 409,
      scimType: 'uniqueness',
      send: () => app.auth.post('/Groups').send({ schemas: [GROUP_SCHEMA], displayName: 'errors GROUP' }),
    },
    {
      key: 'POST /Groups',
      status: 400,
      scimType: 'invalidValue',
      send: () =>
        app.auth
          .post('/Groups')
          .send({ schemas: [GROUP_SCHEMA], displayName: 'Ghosts', members: [{ value: 'no-such-user' }] }),
    },
    { key: 'GET /Users/{id}', status: 404, send: () => app.auth.get('/Users/no-such-user') },
    { key: 'GET /Groups/{id}', status: 404, send: () => app.auth.get('/Groups/no-such-group') },
    {
      key: 'PUT /Users/{id}',
      status: 412,
      send: () =>
        app.auth.put(`/Users/${userId}`).set('If-Match', 'W/"999"').send(userBody('errors.user@example.com')),
    },
    {
      key: 'DELETE /Users/{id}',
      status: 412,
      send: () => app.auth.delete(`/Users/${userId}`).set('If-Match', 'W/"999"'),
    },
    {
      key: 'PATCH /Users/{id}',
      status: 400,
      scimType: 'invalidPath',
      send: () =>
        app.auth
          .patch(`/Users/${userId}`)
          .send(patch([{ op: 'replace', path: 'favouriteColour', value: 'red' }])),
    },
    {
      key: 'PATCH /Users/{id}',
      status: 400,
      scimType: 'noTarget',
      send: () => app.auth.patch(`/Users/${userId}`).send(patch([{ op: 'remove' }])),
    },
    {
      key: 'PATCH /Users/{id}',
      status: 400,
      scimType: 'mutability',
      send: () =>
        app.auth
          .patch(`/Users/${userId}`)
          .send(patch([{ op: 'replace', path: 'meta.created', value: '2020-01-01T00:00:00Z' }])),
    },
    { key: 'GET /Schemas', status: 403, send: () => app.http.get('/scim/v2/Schemas?filter=id eq "x"') },
    {
      key: 'GET /ResourceTypes/{id}',
      status: 404,
      send: () => app.http.get('/scim/v2/ResourceTypes/Printer'),
    },
  ];

  it.each(cases.map((c) => [`${c.key} → ${c.status}${c.scimType ? ` ${c.scimType}` : ''}`, c] as const))(
    '%s',
    async (_label, c) => {
      const res = await c.send();
      expect(res.status, res.text).toBe(c.status);
      const op = operation(c.key);
      expect(Object.keys(op.responses), c.key).toContain(String(c.status));
      expect(res.body).toMatchObject({ status: String(c.status) });
      expect(conformance({ $ref: ERROR_REF }, res.body)).toEqual([]);
      if (c.scimType) {
        expect(res.body.scimType).toBe(c.scimType);
        expect(documentedScimTypes(op, c.status), `${c.key} ${c.status} examples`).toContain(c.scimType);
      }
    },
  );
});

describe('upstream outcomes are answered as documented (sqlite, a scripted provisioning gateway)', () => {
  let app: TestApp;
  /** What the next awaited request reports: done, still pending at the deadline, or rejected with this upstream status. */
  let next: RequestOutcome = { state: 'done' };
  const gateway: ProvisioningGateway = {
    targets: ['server'],
    enqueueUser: () => Promise.resolve(),
    enqueueGroup: () => Promise.resolve(),
    awaitRequest: () => Promise.resolve(next),
    labelOf: () => 'Alteryx Server',
  };
  let userId = '';
  let groupId = '';

  beforeAll(async () => {
    app = await startTestApp('sqlite', { provisioning: gateway });
    userId = String(
      (await app.auth.post('/Users').send(userBody('upstream.user@example.com')).expect(201)).body.id,
    );
    groupId = String(
      (
        await app.auth
          .post('/Groups')
          .send({ schemas: [GROUP_SCHEMA], displayName: 'Upstream group' })
          .expect(201)
      ).body.id,
    );
  });
  afterAll(() => app?.close());

  const writes: Array<[key: string, send: () => supertest.Test]> = [
    ['POST /Users', () => app.auth.post('/Users').send(userBody('upstream.new@example.com'))],
    [
      'PUT /Users/{id}',
      () => app.auth.put(`/Users/${userId}`).send(userBody('upstream.user@example.com', { title: 'Put' })),
    ],
    [
      'PATCH /Users/{id}',
      () =>
        app.auth
          .patch(`/Users/${userId}`)
          .send({ schemas: [PATCH_SCHEMA], Operations: [{ op: 'replace', path: 'active', value: false }] }),
    ],
    ['DELETE /Users/{id}', () => app.auth.delete(`/Users/${userId}`)],
    [
      'POST /Groups',
      () => app.auth.post('/Groups').send({ schemas: [GROUP_SCHEMA], displayName: 'Upstream new group' }),
    ],
    [
      'PUT /Groups/{id}',
      () =>
        app.auth
          .put(`/Groups/${groupId}`)
          .send({ schemas: [GROUP_SCHEMA], displayName: 'Upstream group', members: [{ value: userId }] }),
    ],
    [
      'PATCH /Groups/{id}',
      () =>
        app.auth.patch(`/Groups/${groupId}`).send({
          schemas: [PATCH_SCHEMA],
          Operations: [{ op: 'replace', path: 'displayName', value: 'Upstream renamed' }],
        }),
    ],
    ['DELETE /Groups/{id}', () => app.auth.delete(`/Groups/${groupId}`)],
  ];

  it.each(writes)(
    '%s: a permanent rejection is a documented 400 invalidValue or 409 uniqueness, and undone',
    async (key, send) => {
      const op = operation(key);
      const before = await app.auth.get('/Users?count=0').expect(200);
      const groupsBefore = await app.auth.get('/Groups?count=0').expect(200);
      for (const [status, expected, scimType] of [
        [400, 400, 'invalidValue'],
        [409, 409, 'uniqueness'],
      ] as const) {
        next = { state: 'rejected', target: 'server', status, message: 'rejected by the test' };
        const res = await send();
        expect(res.status, res.text).toBe(expected);
        expect(res.body.scimType).toBe(scimType);
        expect(conformance({ $ref: ERROR_REF }, res.body)).toEqual([]);
        expect(Object.keys(op.responses), key).toContain(String(expected));
        expect(documentedScimTypes(op, expected), `${key} ${expected} examples`).toContain(scimType);
      }
      // Undone: the user and group counts are what they were, and the addressed resources still exist.
      next = { state: 'done' };
      expect((await app.auth.get('/Users?count=0')).body.totalResults).toBe(before.body.totalResults);
      expect((await app.auth.get('/Groups?count=0')).body.totalResults).toBe(groupsBefore.body.totalResults);
      await app.auth.get(`/Users/${userId}`).expect(200);
      await app.auth.get(`/Groups/${groupId}`).expect(200);
    },
  );

  it('work still pending at the deadline stays queued and the IdP gets its documented success', async () => {
    next = { state: 'pending', targets: ['server'] };
    const res = await app.auth.post('/Users').send(userBody('upstream.pending@example.com'));
    next = { state: 'done' };
    expect(res.status).toBe(201);
    expect(Object.keys(operation('POST /Users').responses)).toContain('201');
  });
});

describe('request examples replayed against the bridge (sqlite)', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp('sqlite');
  });
  afterAll(() => app?.close());

  const fixtureRequestSchema = z.object({
    request: z.object({ method: z.string(), path: z.string(), body: z.unknown() }),
    expect: z.object({ status: z.union([z.number(), z.array(z.number())]) }),
  });

  /** Each (operation, fixture) pair the document shows as a request example. */
  const replays = OPERATIONS.flatMap((o) => {
    if (o.op.requestBody === undefined) return [];
    const media = z
      .object({
        content: z.object({
          'application/scim+json': z.object({ examples: z.record(z.string(), z.unknown()).optional() }),
        }),
      })
      .parse(deref(o.op.requestBody)).content['application/scim+json'];
    return Object.values(media.examples ?? {}).flatMap((e) => {
      const file = z.object({ 'x-fixture': z.string().optional() }).parse(deref(e))['x-fixture'];
      return file ? [{ o, file }] : [];
    });
  });

  it('every IdP example is attached to an operation', () => {
    expect(replays.length).toBeGreaterThanOrEqual(12);
  });

  it.each(replays.map((r) => [`${r.o.key} with ${r.file}`, r] as const))(
    '%s',
    async (_label, { o, file }) => {
      const fixture = fixtureRequestSchema.parse(
        JSON.parse(fs.readFileSync(path.join(FIXTURES, file), 'utf8')),
      );
      // The example sits on the operation the IdP sends it to.
      expect(fixture.request.method.toLowerCase()).toBe(o.method);
      expect(fixture.request.path.replace(/\{(uid|gid)\}/, '{id}')).toBe(o.path);

      const text = JSON.stringify(fixture.request.body) + fixture.request.path;
      const used = (name: string) => text.includes(`{${name}}`);
      const ids: Record<string, string> = {};
      const cleanup: string[] = [];
      const newUser = async (name: string) => {
        const res = await app.auth
          .post('/Users')
          .send(userBody(`replay.${name}@example.com`))
          .expect(201);
        cleanup.push(`/Users/${String(res.body.id)}`);
        return String(res.body.id);
      };
      for (const name of ['u1', 'u2', 'u3', 'managerId', 'uid'])
        if (used(name)) ids[name] = await newUser(name);
      if (used('gid')) {
        const members = ids.u2 ? [{ value: ids.u2 }] : [];
        const res = await app.auth
          .post('/Groups')
          .send({ schemas: [GROUP_SCHEMA], displayName: 'Replay group', members })
          .expect(201);
        ids.gid = String(res.body.id);
        cleanup.unshift(`/Groups/${ids.gid}`);
      }
      const fill = (s: string) => s.replace(/\{(\w+)\}/g, (whole, name: string) => ids[name] ?? whole);

      const res = await app.auth[o.method](fill(fixture.request.path)).send(
        fill(JSON.stringify(fixture.request.body)),
      );
      const expected = [fixture.expect.status].flat();
      expect(expected, `${file}: ${res.status} ${res.text}`).toContain(res.status);
      expect(Object.keys(o.op.responses), file).toContain(String(res.status));
      if (res.status === 201)
        cleanup.unshift(new URL(String(res.headers.location)).pathname.replace(/^\/scim\/v2/, ''));
      for (const p of cleanup) await app.auth.delete(p);
    },
  );
});
