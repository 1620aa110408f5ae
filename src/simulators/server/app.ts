// Assembles the Server simulator: controls under /__sim/, and under the Web API base path (Part D #21, default
// `/webapi`) the token endpoint and the v3 users/usergroups API (docs/reference/upstream-contracts.md B).
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import { faultMiddleware } from '../shared/faults.js';
import { requestLogMiddleware } from '../shared/request-log.js';
import { ServerControl } from './control.js';
import { createServerControlRouter } from './control-routes.js';
import { ServerError } from './errors.js';
import { bearerAuth, curatorOnly, jsonOrFormBody } from './middleware.js';
import { tokenRouter } from './routes/token.js';
import { userGroupsRouter } from './routes/usergroups.js';
import { usersRouter } from './routes/users.js';
import { ServerSimulator, type ServerSimulatorConfig } from './simulator.js';

export interface ServerSimulatorApp {
  app: Express;
  control: ServerControl;
  simulator: ServerSimulator;
}

function notFound(req: Request, res: Response): void {
  res
    .status(404)
    .json({ message: `No HTTP resource was found that matches the request URI '${req.originalUrl}'.` });
}

function errorHandler(error: unknown, _req: Request, res: Response, _next: NextFunction): void {
  if (error instanceof ServerError) return void res.status(error.status).json(error.body());
  const type = typeof error === 'object' && error !== null && 'type' in error ? error.type : undefined;
  if (type === 'entity.parse.failed')
    return void res.status(400).json({
      message: 'The request is invalid.',
      modelState: { body: ['The request body is not valid JSON.'] },
    });
  if (type === 'entity.too.large')
    return void res.status(413).json({ message: 'The request entity is too large.' });
  res.status(500).json({ message: 'An error has occurred.' });
}

export function createServerSimulatorApp(config: ServerSimulatorConfig): ServerSimulatorApp {
  const simulator = new ServerSimulator(config);
  const control = new ServerControl(simulator);
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);

  app.use(requestLogMiddleware(simulator.log, simulator.clock));
  app.use('/__sim', createServerControlRouter(control));
  app.use(
    faultMiddleware(simulator.faults, (_req, res, status, retryAfterSeconds) => {
      if (status === 429) res.setHeader('Retry-After', String(retryAfterSeconds));
      res.status(status).json({ message: status === 429 ? 'Too many requests.' : 'An error has occurred.' });
    }),
  );

  const webApi = express.Router();
  webApi.use(tokenRouter(simulator));
  const v3 = express.Router();
  v3.use(bearerAuth(simulator), jsonOrFormBody, curatorOnly(simulator));
  v3.use('/users', usersRouter(simulator));
  v3.use('/usergroups', userGroupsRouter(simulator));
  webApi.use('/v3', v3);

  // The base path is read per request, so changing `base_path` moves the whole API at once.
  app.use((req: Request, res: Response, next: NextFunction) => {
    const base = simulator.settings.base_path;
    if (req.path !== base && !req.path.startsWith(`${base}/`)) return next();
    req.url = req.url.slice(base.length) || '/';
    webApi(req, res, next);
  });
  app.use(notFound);
  app.use(errorHandler);
  return { app, control, simulator };
}
