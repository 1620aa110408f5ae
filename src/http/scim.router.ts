// The SCIM 2.0 endpoints (RFC 7644 §3). Thin: each route reads the request, calls a use-case, writes the response.
// Our own routes rather than scimmy-routers (ADR 0001): per-request context, Express 5 query handling, SQL paging
// and member deltas are ours; scimmy supplies the schema definitions behind the discovery documents.
import { Router, type NextFunction, type Request, type Response } from 'express';
import type { GroupsService } from '../app/groups.service.js';
import type { UsersService } from '../app/users.service.js';
import type { ListQuery, ListResult } from '../app/list-resources.js';
import type { WriteContext } from '../app/write-context.js';
import { ScimError } from '../scim/errors.js';
import type { InputLimits } from '../scim/limits.js';
import { assertNoDiscoveryFilter, listResponse, parseListParams, type ListParams } from '../scim/list.js';
import { project } from '../scim/projection.js';
import { etagMatches, etagOf } from '../scim/render.js';
import {
  resourceTypeById,
  resourceTypes,
  schemaById,
  schemaDocuments,
  serviceProviderConfig,
  type ResourceTypeName,
} from '../scim/schemas.js';
import { sendScim } from './scim-response.js';
import type { JsonObject as Doc } from '../scim/values.js';

export interface ScimRouterDeps {
  users: UsersService;
  groups: GroupsService;
  maxResults: number;
  maxPayloadBytes: number;
  /** the configured input limits: the filter limits apply where filters are parsed */
  input?: InputLimits;
}

function writeContext(req: Request): WriteContext {
  return {
    requestId: req.ctx.requestId,
    tokenId: req.ctx.tokenId,
    path: req.baseUrl + req.path,
    baseUrl: req.ctx.baseUrl,
  };
}

function ifMatch(req: Request): string | undefined {
  return req.get('if-match') ?? undefined;
}

function projection(req: Request) {
  const params = parseListParams(req.query, { maxResults: 1 });
  return { attributes: params.attributes, excludedAttributes: params.excludedAttributes };
}

function hasProjection(req: Request): boolean {
  return Object.keys(req.query).some((k) => /^(excluded)?attributes$/i.test(k));
}

function sendResource(
  res: Response,
  status: number,
  resource: Doc,
  type: ResourceTypeName,
  req: Request,
): void {
  const meta = resource.meta as { version?: string; location?: string } | undefined;
  const headers: Record<string, string> = {};
  if (meta?.version) headers.ETag = meta.version;
  if (status === 201 && meta?.location) headers.Location = meta.location;
  sendScim(res, status, project(resource, projection(req), type), headers);
}

/** RFC 7644 §3.14: a GET whose If-None-Match names the current version answers 304 without a body. */
function notModified(req: Request, res: Response, resource: Doc): boolean {
  const version = (resource.meta as { version?: string } | undefined)?.version;
  const number = /"(\d+)"/.exec(version ?? '')?.[1];
  if (!version || number === undefined || !etagMatches(req.get('if-none-match'), Number(number)))
    return false;
  res.status(304).setHeader('ETag', version).end();
  return true;
}

/** Members are only read when the response will carry them (`excludedAttributes=members` is Entra's habit). */
function wantsMembers(params: Pick<ListParams, 'attributes' | 'excludedAttributes'>): boolean {
  const excluded = (params.excludedAttributes ?? []).some((a) => /^members$/i.test(a));
  const included =
    params.attributes === undefined || params.attributes.some((a) => /^members(\.|$)/i.test(a));
  return included && !excluded;
}

function listParams(req: Request, source: unknown, maxResults: number, input?: InputLimits): ListParams {
  return parseListParams(source, { maxResults, defaultCount: Math.min(100, maxResults), filter: input });
}

type ResourceWrite<T> = (id: string, body: unknown, ctx: WriteContext, ifMatch?: string) => Promise<T>;

/** PUT and PATCH of one resource (RFC 7644 §3.5): the use-case's resource, answered 200 with its ETag. */
function answerWith(type: ResourceTypeName, write: ResourceWrite<Doc>) {
  return async (req: Request<{ id: string }>, res: Response): Promise<void> => {
    sendResource(res, 200, await write(req.params.id, req.body, writeContext(req), ifMatch(req)), type, req);
  };
}

/** DELETE of one resource (RFC 7644 §3.6): 204. */
function answerDeleted(remove: ResourceWrite<void>) {
  return async (req: Request<{ id: string }>, res: Response): Promise<void> => {
    await remove(req.params.id, undefined, writeContext(req), ifMatch(req));
    res.status(204).end();
  };
}

export function scimRouter(deps: ScimRouterDeps): Router {
  const router = Router({ caseSensitive: false });
  const { users, groups } = deps;

  // An id with U+0000 (`/Users/%00`) cannot exist, and PostgreSQL fails on it in a query: 404 before any lookup
  // (catalog RE-14: no 500 for what the client sent).
  router.param('id', (req: Request, _res: Response, next: NextFunction, id: string) => {
    if (!id.includes('\u0000')) return next();
    next(
      new ScimError(
        'resource_not_found',
        `${/^\/groups/i.test(req.path) ? 'Group' : 'User'} ${JSON.stringify(id)} not found.`,
      ),
    );
  });

  /** A list or .search (RFC 7644 §3.4.2, §3.4.3): the query's parameters, the use-case's page, projected. */
  async function answerList(
    req: Request,
    res: Response,
    source: unknown,
    type: ResourceTypeName,
    list: (query: ListQuery, params: ListParams) => Promise<ListResult>,
  ) {
    const params = listParams(req, source, deps.maxResults, deps.input);
    const query: ListQuery = {
      filter: params.filter,
      startIndex: params.startIndex,
      count: params.count,
      sortBy: params.sortBy,
      sortOrder: params.sortOrder,
    };
    const result = await list(query, params);
    const resources = result.resources.map((r) => project(r, params, type));
    sendScim(res, 200, listResponse(resources, result.totalResults, params.startIndex, resources.length));
  }
  const listUsers = (req: Request, res: Response, source: unknown) =>
    answerList(req, res, source, 'User', (query) => users.list(query, req.ctx.baseUrl));
  const listGroups = (req: Request, res: Response, source: unknown) =>
    answerList(req, res, source, 'Group', (query, params) =>
      groups.list(query, req.ctx.baseUrl, wantsMembers(params)),
    );

  // Users (RFC 7644 §3.3, §3.4, §3.5, §3.6)
  router.get('/Users', (req, res) => listUsers(req, res, req.query));
  router.post('/Users/.search', (req, res) => listUsers(req, res, req.body));
  router.post('/Users', async (req, res) => {
    sendResource(res, 201, await users.create(req.body, writeContext(req)), 'User', req);
  });
  router.get('/Users/:id', async (req, res) => {
    const user = await users.get(req.params.id, req.ctx.baseUrl);
    if (!notModified(req, res, user)) sendResource(res, 200, user, 'User', req);
  });
  router.put(
    '/Users/:id',
    answerWith('User', (...a) => users.replace(...a)),
  );
  router.patch(
    '/Users/:id',
    answerWith('User', (...a) => users.patch(...a)),
  );
  router.delete(
    '/Users/:id',
    answerDeleted((id, _body, ctx, match) => users.delete(id, ctx, match)),
  );

  // Groups
  router.get('/Groups', (req, res) => listGroups(req, res, req.query));
  router.post('/Groups/.search', (req, res) => listGroups(req, res, req.body));
  router.post('/Groups', async (req, res) => {
    sendResource(res, 201, await groups.create(req.body, writeContext(req)), 'Group', req);
  });
  router.get('/Groups/:id', async (req, res) => {
    const group = await groups.get(req.params.id, req.ctx.baseUrl, wantsMembers(projection(req)));
    if (!notModified(req, res, group)) sendResource(res, 200, group, 'Group', req);
  });
  router.put(
    '/Groups/:id',
    answerWith('Group', (...a) => groups.replace(...a)),
  );
  router.patch('/Groups/:id', async (req, res) => {
    const stored = await groups.patch(req.params.id, req.body, writeContext(req), ifMatch(req));
    // Entra and Okta prefer 204 for group PATCH (catalog §7, §15): a 20 000-member body helps nobody. With
    // `attributes`/`excludedAttributes` the RFC requires 200 with the (projected) resource (catalog RP-12).
    if (!hasProjection(req)) {
      res.status(204).setHeader('ETag', etagOf(stored.version)).end();
      return;
    }
    const group = await groups.get(stored.id, req.ctx.baseUrl, wantsMembers(projection(req)));
    sendResource(res, 200, group, 'Group', req);
  });
  router.delete(
    '/Groups/:id',
    answerDeleted((id, _body, ctx, match) => groups.delete(id, ctx, match)),
  );

  methodNotAllowed(router, ['/Users', '/Groups'], 'GET, POST');
  methodNotAllowed(router, ['/Users/:id', '/Groups/:id'], 'GET, PUT, PATCH, DELETE');

  // Not supported (advertised as such in /ServiceProviderConfig)
  router.all('/Bulk', () => {
    throw new ScimError('notImplemented', 'Bulk operations are not supported (see /ServiceProviderConfig).');
  });
  router.all('/Me', () => {
    throw new ScimError(
      'notImplemented',
      '/Me is not supported: the bridge authenticates IdP clients, not users.',
    );
  });
  router.post('/.search', () => {
    throw new ScimError(
      'notImplemented',
      'Searching from the root is not supported; use /Users/.search or /Groups/.search.',
    );
  });
  return router;
}

/**
 * Discovery (RFC 7644 §4): served without a token, as IdP setup wizards probe them first. Every one of them ignores
 * paging and answers a `filter` with 403 (catalog D-06), the single documents included.
 */
export function discoveryRouter(deps: Pick<ScimRouterDeps, 'maxResults' | 'maxPayloadBytes'>): Router {
  const router = Router({ caseSensitive: false });
  router.get('/ServiceProviderConfig', (req, res) => {
    assertNoDiscoveryFilter(req.query);
    sendScim(
      res,
      200,
      serviceProviderConfig(req.ctx.baseUrl, {
        maxResults: deps.maxResults,
        maxPayloadBytes: deps.maxPayloadBytes,
      }),
    );
  });
  router.get('/ResourceTypes', (req, res) => {
    assertNoDiscoveryFilter(req.query);
    const all = resourceTypes(req.ctx.baseUrl);
    sendScim(res, 200, listResponse(all, all.length));
  });
  router.get('/ResourceTypes/:id', (req, res) => {
    assertNoDiscoveryFilter(req.query);
    const found = resourceTypeById(req.ctx.baseUrl, req.params.id);
    if (!found) throw new ScimError('resource_not_found', `Resource type ${req.params.id} not found.`);
    sendScim(res, 200, found);
  });
  router.get('/Schemas', (req, res) => {
    assertNoDiscoveryFilter(req.query);
    const all = schemaDocuments(req.ctx.baseUrl);
    sendScim(res, 200, listResponse(all, all.length));
  });
  router.get('/Schemas/:id', (req, res) => {
    assertNoDiscoveryFilter(req.query);
    const found = schemaById(req.ctx.baseUrl, req.params.id);
    if (!found) throw new ScimError('resource_not_found', `Schema ${req.params.id} not found.`);
    sendScim(res, 200, found);
  });
  const discoveryPaths = [
    '/ServiceProviderConfig',
    '/ResourceTypes',
    '/ResourceTypes/:id',
    '/Schemas',
    '/Schemas/:id',
  ];
  methodNotAllowed(router, discoveryPaths, 'GET');
  return router;
}

/**
 * A known path asked with a method it does not serve: 405 with `Allow` and a SCIM error body (catalog RE-12; an
 * empty 405 made Entra's validator fail), rather than the 404 of an unknown path. Declared after the real routes.
 * OPTIONS keeps Express's own answer.
 */
function methodNotAllowed(router: Router, paths: string[], allow: string): void {
  for (const path of paths) {
    router.all(path, (req: Request, res: Response, next: NextFunction) => {
      if (req.method === 'OPTIONS') return next();
      res.setHeader('Allow', allow);
      throw new ScimError(
        'methodNotAllowed',
        `${req.method} is not supported on ${req.baseUrl}${req.path}; use ${allow}.`,
      );
    });
  }
}
