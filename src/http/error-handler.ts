// The last middleware: anything thrown becomes a SCIM error body (RFC 7644 §3.12, catalog CE-2). Unexpected
// errors are logged with the request id and answered 500 without internals; database outages answer 503; the
// client errors Express itself raises (a path parameter with malformed percent-encoding) keep their 4xx.
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from '../shared/logger.js';
import { ScimError } from '../scim/errors.js';
import { sendScimError } from './scim-response.js';

function isDatabaseUnavailable(err: unknown): boolean {
  const name = (err as { name?: string } | null)?.name ?? '';
  const message = (err as { message?: string } | null)?.message ?? '';
  return (
    name === 'PrismaClientInitializationError' ||
    /ECONNREFUSED|Can't reach database|database is locked|SQLITE_BUSY|Connection terminated/i.test(message)
  );
}

/**
 * A 4xx that Express or its router raised before any SCIM code ran: `GET /Users/%ZZ` makes the router's
 * decodeURIComponent fail with a URIError marked status 400. That is the client's mistake, not a 500 (catalog RE-14
 * wants 500 only for unexpected failures). Other client errors count only when marked `expose` (the http-errors
 * convention of Express's middleware), so that no stray `status` of an upstream error reaches the IdP. The details
 * are ours: the router's message would echo the raw path.
 */
function clientError(err: unknown): ScimError | undefined {
  if (err instanceof URIError)
    return new ScimError(400, undefined, 'The request URL has malformed percent-encoding.');
  const { status, expose } = (err ?? {}) as { status?: unknown; expose?: unknown };
  if (
    expose === true &&
    typeof status === 'number' &&
    Number.isInteger(status) &&
    status >= 400 &&
    status < 500
  )
    return new ScimError(status, undefined, `The request could not be processed (HTTP ${status}).`);
  return undefined;
}

export function scimErrorHandler(logger: Logger) {
  // Express recognises error middleware by its four parameters.
  return (err: unknown, req: Request, res: Response, _next: NextFunction): void => {
    if (res.headersSent) {
      res.end();
      return;
    }
    if (err instanceof ScimError) {
      sendScimError(res, err);
      return;
    }
    const client = clientError(err);
    if (client) {
      sendScimError(res, client);
      return;
    }
    const requestId = req.ctx?.requestId;
    if (isDatabaseUnavailable(err)) {
      logger.error({ err, requestId }, 'database unavailable');
      sendScimError(res, new ScimError(503, undefined, 'The bridge database is unavailable; retry later.'), {
        'Retry-After': '5',
      });
      return;
    }
    logger.error({ err, requestId }, 'unhandled error');
    sendScimError(
      res,
      new ScimError(500, undefined, `Internal error (request id ${requestId ?? 'unknown'}).`),
    );
  };
}
