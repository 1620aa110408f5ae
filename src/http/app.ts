// Builds the Express application; never listens (tests drive it with supertest, main.ts listens).
import express, { type NextFunction, type Request, type Response } from 'express';
import { pinoHttp } from 'pino-http';
import type { GroupsService } from '../app/groups.service.js';
import type { UsersService } from '../app/users.service.js';
import { ScimError } from '../scim/errors.js';
import { DEFAULT_LIMITS, type InputLimits } from '../scim/limits.js';
import type { Logger } from '../shared/logger.js';
import { bearerAuth, type AuthFailureReason, type TokenVerifier } from './auth.js';
import { jsonBody } from './body.js';
import { scimErrorHandler } from './error-handler.js';
import { healthRouter, type ReadinessSource } from './health.router.js';
import { inputGuard } from './input-guard.js';
import { httpMetrics, metricsHandler, type HttpMeasurement, type MetricsEndpoint } from './metrics.js';
import { requestContext } from './request-context.js';
import { discoveryRouter, scimRouter } from './scim.router.js';

export const SCIM_PATH = '/scim/v2';

export interface AppDeps {
  logger: Logger;
  tokens: TokenVerifier;
  users: UsersService;
  groups: GroupsService;
  readiness: ReadinessSource;
  /** Prometheus metrics; absent = no /metrics route and no per-request measurement (BRIDGE_METRICS=off) */
  metrics?:
    | (MetricsEndpoint & {
        httpRequest(m: HttpMeasurement): void;
        scimAuthFailure(reason: AuthFailureReason): void;
      })
    | undefined;
  maxBodyBytes: number;
  maxResults: number;
  publicUrl?: string | undefined;
  /** BRIDGE_TRUST_PROXY as Express's `trust proxy` value; false (the default) trusts no X-Forwarded-* header */
  trustProxy?: boolean | number | string;
  /** the configured input limits (src/scim/limits.ts); the defaults when absent */
  limits?: InputLimits;
}

export function createApp(deps: AppDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  // X-Forwarded-* count only from proxies the admin declared (BRIDGE_TRUST_PROXY); see request-context.ts.
  const trustProxy = deps.trustProxy ?? false;
  app.set('trust proxy', trustProxy);
  const inputLimits = deps.limits ?? DEFAULT_LIMITS;
  app.set('query parser', 'simple');

  const { metrics } = deps;
  if (metrics) {
    app.use(httpMetrics((m) => metrics.httpRequest(m), [SCIM_PATH]));
    app.get('/metrics', metricsHandler(metrics));
  }
  app.use(healthRouter(deps.readiness));

  const scim = express.Router({ caseSensitive: false });
  scim.use(requestContext({ publicUrl: deps.publicUrl, trustProxy: trustProxy !== false }, SCIM_PATH));
  scim.use(
    pinoHttp({
      logger: deps.logger,
      genReqId: (req) => (req as Request).ctx.requestId,
      // The same top-level key as every other log line of the work this request causes (runner, connectors).
      customProps: (req) => ({ requestId: (req as Request).ctx.requestId }),
      customLogLevel: (_req, res, err) =>
        err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info',
      // Query strings may carry filters with personal data: log the path only.
      serializers: {
        req: (req: { id: string; method: string; url: string }) => ({
          id: req.id,
          method: req.method,
          path: req.url.split('?')[0],
        }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
    }),
  );
  const limits = { maxResults: deps.maxResults, maxPayloadBytes: deps.maxBodyBytes, input: inputLimits };
  scim.use(discoveryRouter(limits));
  // Authentication before body parsing: a bad token with a bad body answers 401, not 400 (docs/reference/notes.md deviation 12).
  scim.use(bearerAuth(deps.tokens, (reason) => metrics?.scimAuthFailure(reason)));
  scim.use(jsonBody(deps.maxBodyBytes));
  scim.use(inputGuard(inputLimits));
  scim.use(scimRouter({ users: deps.users, groups: deps.groups, ...limits }));
  scim.use((req: Request, _res: Response, next: NextFunction) => {
    next(new ScimError('noEndpoint', `No SCIM endpoint ${req.method} ${req.baseUrl}${req.path}.`));
  });
  scim.use(scimErrorHandler(deps.logger));

  // Okta's base URL guidance ends in a slash, so some clients send `/scim/v2//Users`: fold repeated slashes.
  app.use((req: Request, _res: Response, next: NextFunction) => {
    if (req.url.includes('//')) {
      const [path, query] = req.url.split('?', 2) as [string, string | undefined];
      req.url = path.replace(/\/{2,}/g, '/') + (query !== undefined ? `?${query}` : '');
    }
    next();
  });
  app.use(SCIM_PATH, scim);
  app.use((req: Request, res: Response) => {
    res
      .status(404)
      .json({ error: 'not found', detail: `Nothing at ${req.path}; the SCIM API is under ${SCIM_PATH}.` });
  });
  return app;
}
