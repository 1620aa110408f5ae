// Cross-cutting behaviour of the Server v3 API (docs/reference/upstream-contracts.md B.2, B.3).
import express, { type NextFunction, type Request, type Response } from 'express';
import { ServerError } from './errors.js';
import type { ServerSimulator } from './simulator.js';
import type { ServerTokenRecord } from './tokens.js';

const parseJson = express.json({ limit: '5mb', strict: false });
const parseForm = express.urlencoded({ extended: false, limit: '1mb' });

/** B.3: JSON and form bodies; anything else (XML included, which the simulator does not speak) answers 415. */
export function jsonOrFormBody(req: Request, res: Response, next: NextFunction): void {
  const hasBody =
    req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
  if (!hasBody) return next();
  if (req.is('application/json') || req.is('text/json')) return parseJson(req, res, next);
  if (req.is('application/x-www-form-urlencoded')) return parseForm(req, res, next);
  next(
    new ServerError(
      415,
      `The request entity's media type '${req.get('content-type') ?? ''}' is not supported for this resource.`,
    ),
  );
}

/** B.2: `Authorization: Bearer <token>` from /oauth2/token; missing, unknown or expired → 401. */
export function bearerAuth(sim: ServerSimulator) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const match = /^Bearer\s+(\S+)$/i.exec(req.get('authorization') ?? '');
    const record = match?.[1] ? sim.runtime.tokens.verify(match[1]) : undefined;
    if (!record) return next(new ServerError(401, 'Authorization has been denied for this request.'));
    res.locals.token = record;
    next();
  };
}

export function tokenOf(res: Response): ServerTokenRecord {
  const token: unknown = res.locals.token;
  if (!token) throw new ServerError(401, 'Authorization has been denied for this request.');
  return token as ServerTokenRecord;
}

/**
 * "Only Curators can use this API endpoint." (B.2); the status is Part D #31. A user whose own role is `Evaluated`
 * gets the highest role of their usergroups (B.6, "evaluated at runtime"), so a Curator group makes them a Curator.
 */
export function curatorOnly(sim: ServerSimulator) {
  return (_req: Request, res: Response, next: NextFunction): void => {
    const { store } = sim.runtime;
    const user = store.users.get(tokenOf(res).userId);
    const isCurator =
      user?.role === 'Curator' ||
      (user?.role === 'Evaluated' &&
        [...(store.groupsOfUser.get(user.id) ?? [])].some((id) => store.groups.get(id)?.role === 'Curator'));
    if (!user || !isCurator || !user.isActive) {
      return next(
        new ServerError(sim.settings.non_curator_status, 'Only Curators can use this API endpoint.'),
      );
    }
    next();
  };
}
