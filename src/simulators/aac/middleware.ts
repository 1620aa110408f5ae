// Cross-cutting behaviour of the AAC API surfaces (docs/reference/upstream-contracts.md A.1, A.2.2, A.4, A.5).
import type { NextFunction, Request, Response } from 'express';
import { requestId } from '../shared/ids.js';
import { AacError, aacErrorBody, sendAacError } from './errors.js';
import type { AacSimulator } from './simulator.js';
import type { AccessTokenRecord } from './tokens.js';

/** Every response carries `x-trifacta-request-id` (A.1). */
export function requestIdHeader(_req: Request, res: Response, next: NextFunction): void {
  res.setHeader('x-trifacta-request-id', requestId());
  next();
}

export type Surface = 'v4' | 'iam/v1';

export function surfaceOf(path: string): Surface | undefined {
  if (path === '/v4' || path.startsWith('/v4/')) return 'v4';
  if (path === '/iam/v1' || path.startsWith('/iam/v1/')) return 'iam/v1';
  return undefined;
}

export function routeNotFound(req: Request, res: Response): void {
  sendAacError(
    res,
    new AacError(404, 'RouteNotFoundException', 'Route not found', `No route for ${req.method} ${req.path}`),
  );
}

/** Part D #6: a surface switched off behaves like an unknown route. Part D #5: the gateway's project-id header. */
export function surfaceGate(sim: AacSimulator) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const surface = surfaceOf(req.path);
    if (!surface) return next();
    if (!sim.settings.surfaces.includes(surface)) return routeNotFound(req, res);
    if (
      surface === 'iam/v1' &&
      sim.settings.require_api_project_id &&
      req.get('x-api-project-id') !== sim.settings.api_project_id
    ) {
      res
        .status(401)
        .json({ fault: { faultstring: 'Invalid ApiKey', detail: { errorcode: 'oauth.v2.InvalidApiKey' } } });
      return;
    }
    next();
  };
}

function hasBody(req: Request): boolean {
  return req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
}

/** A.1: JSON in and out; a body of another media type, or an Accept that excludes JSON, answers 415. */
export function jsonMediaTypeOnly(req: Request, res: Response, next: NextFunction): void {
  if (hasBody(req) && !req.is('application/json')) {
    return sendAacError(
      res,
      new AacError(
        415,
        'UnsupportedMediaTypeException',
        'Unsupported Media Type',
        `Content-Type must be application/json, got ${req.get('content-type') ?? 'none'}`,
      ),
    );
  }
  if (req.get('accept') !== undefined && !req.accepts('application/json')) {
    return sendAacError(
      res,
      new AacError(
        415,
        'UnsupportedMediaTypeException',
        'Unsupported Media Type',
        'Accept must allow application/json',
      ),
    );
  }
  next();
}

/** A.2.2: `Authorization: Bearer <access token>`; unknown, forged or expired → 401 (body per Part D #19). */
export function bearerAuth(sim: AacSimulator) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const header = req.get('authorization') ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    const record = match?.[1] ? sim.runtime.tokens.verifyAccessToken(match[1]) : undefined;
    if (!record) {
      res.status(401);
      if (sim.settings.error_401_body === 'empty') res.end();
      else
        res.json(
          aacErrorBody(
            'UnauthorizedException',
            'Unauthorized',
            match ? 'The access token is invalid or has expired' : 'No access token was given',
          ),
        );
      return;
    }
    res.locals.token = record;
    next();
  };
}

export function tokenOf(res: Response): AccessTokenRecord {
  const token: unknown = res.locals.token;
  if (!token) throw new AacError(401, 'UnauthorizedException', 'Unauthorized', 'No access token was given');
  return token as AccessTokenRecord;
}

/** A.5 / Part D #18: quotas per user and workspace with `x-rate-limit-*` and `x-retry-after` headers. */
export function rateLimit(sim: AacSimulator) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const rules = sim.settings.rate_limits;
    if (rules.length === 0) return next();
    const token = tokenOf(res);
    // Patterns name full paths (`/v4/people`); inside the mounted pipeline req.path has lost its prefix.
    const decision = sim.rateLimiter.check(
      rules,
      req.method,
      req.baseUrl + req.path,
      token.personId,
      token.workspaceId,
      sim.clock.now(),
      res,
    );
    if (!decision || decision.allowed) return next();
    sendTooManyRequests(
      res,
      sim,
      decision.retryAfterSeconds,
      decision.quotaName,
      `(Max. ${decision.limit} requests allowed per minute per ${decision.scope}.)`,
    );
  };
}

/**
 * A.5: a 429 as the spec's example shows it: `x-retry-after` in seconds (plus the standard `Retry-After` when Part D
 * #18's `rate_limit_standard_retry_after` is on) and a `TooManyRequestsException` whose details name the quota and
 * the wait. Used by the quotas and by injected 429 faults alike.
 */
export function sendTooManyRequests(
  res: Response,
  sim: AacSimulator,
  retryAfterSeconds: number,
  quotaName: string,
  maxText?: string,
): void {
  res.setHeader('x-retry-after', String(retryAfterSeconds));
  if (sim.settings.rate_limit_standard_retry_after) res.setHeader('Retry-After', String(retryAfterSeconds));
  const wait = `Wait ${retryAfterSeconds} seconds before making a new request.`;
  sendAacError(
    res,
    new AacError(
      429,
      'TooManyRequestsException',
      'Too Many Requests',
      `API quota reached for "${quotaName}". ${wait}${maxText ? ` ${maxText}` : ''}`,
    ),
  );
}

/** Resolves `{ws}` (a number, or `current`) and enforces workspace scoping: a token acts only on its own workspace. */
export function workspaceParam(req: Request, res: Response): number {
  const token = tokenOf(res);
  const raw = req.params.ws;
  if (raw === undefined || raw === 'current') return token.workspaceId;
  const id = Number(raw);
  if (!Number.isInteger(id)) throw AacError.validation(`workspace id "${String(raw)}" is not a number`);
  if (id !== token.workspaceId)
    throw AacError.forbidden(
      `This token is scoped to workspace ${token.workspaceId} and cannot act on workspace ${id}`,
    );
  return id;
}
