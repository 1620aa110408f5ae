// Assembles the AAC simulator: controls under /__sim/, the token endpoint, and the same IAM handlers on `/v4` and
// `/iam/v1` (docs/reference/upstream-contracts.md A.1), with groups and a few listings on `/v4` only.
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import { faultMiddleware } from '../shared/faults.js';
import { requestLogMiddleware } from '../shared/request-log.js';
import { AacControl } from './control.js';
import { createAacControlRouter } from './control-routes.js';
import { AacError, aacErrorBody, sendAacError } from './errors.js';
import {
  bearerAuth,
  jsonMediaTypeOnly,
  rateLimit,
  requestIdHeader,
  routeNotFound,
  sendTooManyRequests,
  surfaceGate,
  tokenOf,
} from './middleware.js';
import { mountGroupRoutes } from './routes/groups.js';
import { mountMembershipRoutes } from './routes/membership.js';
import { mountPeopleRoutes } from './routes/people.js';
import { mountRoleRoutes } from './routes/roles.js';
import { tokenEndpoint } from './routes/token.js';
import { mountWorkspaceRoutes } from './routes/workspaces.js';
import { AacSimulator, type AacSimulatorConfig } from './simulator.js';

export interface AacSimulatorApp {
  app: Express;
  control: AacControl;
  simulator: AacSimulator;
}

function isBodyParseError(error: unknown): boolean {
  return (
    typeof error === 'object' && error !== null && 'type' in error && error.type === 'entity.parse.failed'
  );
}

function errorHandler(error: unknown, _req: Request, res: Response, _next: NextFunction): void {
  if (error instanceof AacError) return sendAacError(res, error);
  if (isBodyParseError(error)) return sendAacError(res, AacError.validation('Malformed JSON body'));
  const status =
    typeof error === 'object' && error !== null && 'status' in error ? Number(error.status) : 500;
  if (status === 413)
    return sendAacError(
      res,
      new AacError(413, 'PayloadTooLargeException', 'Payload Too Large', 'request body too large'),
    );
  res
    .status(500)
    .json(
      aacErrorBody(
        'InternalServerError',
        'Internal Server Error',
        error instanceof Error ? error.message : 'unexpected error',
      ),
    );
}

export function createAacSimulatorApp(config: AacSimulatorConfig): AacSimulatorApp {
  const simulator = new AacSimulator(config);
  const control = new AacControl(simulator);
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);

  app.use(requestIdHeader);
  app.use(requestLogMiddleware(simulator.log, simulator.clock));
  app.use('/__sim', createAacControlRouter(control));
  app.use(
    faultMiddleware(simulator.faults, (req, res, status, retryAfterSeconds) => {
      if (status === 429)
        return sendTooManyRequests(res, simulator, retryAfterSeconds, `${req.method} ${req.path}`);
      const name = status === 503 ? 'ServiceUnavailableException' : 'InternalServerError';
      res.status(status).json(aacErrorBody(name, 'Simulated failure', 'injected by the simulator'));
    }),
  );
  app.use(tokenEndpoint(simulator));
  app.use(surfaceGate(simulator));

  const shared = express.Router();
  const v4Only = express.Router();
  mountWorkspaceRoutes(shared, v4Only, simulator);
  mountPeopleRoutes(shared, v4Only, simulator);
  mountMembershipRoutes(shared, v4Only, simulator);
  mountRoleRoutes(shared, v4Only, simulator);
  mountGroupRoutes(v4Only, simulator);
  // Legacy token listing (A.2.3), kept as a cheap "whoami": the bearer token is valid if this answers 200.
  v4Only.get('/apiAccessTokens', (_req, res) => {
    tokenOf(res);
    res.json({ data: [], count: 0 });
  });

  const pipeline = [
    jsonMediaTypeOnly,
    express.json({ limit: '5mb' }),
    bearerAuth(simulator),
    rateLimit(simulator),
  ];
  // Groups and the other v4-only routes are not on the gateway surface: they fall through to RouteNotFound there.
  app.use('/v4', ...pipeline, shared, v4Only);
  app.use('/iam/v1', ...pipeline, shared);
  app.use(routeNotFound);
  app.use(errorHandler);
  return { app, control, simulator };
}
