// The last middleware: anything thrown becomes a SCIM error body (RFC 7644 §3.12, catalog CE-2). Unexpected
// errors are logged with the request id and answered 500 without internals; database outages answer 503.
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
    const requestId = req.ctx?.requestId;
    if (isDatabaseUnavailable(err)) {
      logger.error({ err, requestId }, 'database unavailable');
      sendScimError(res, new ScimError(503, undefined, 'The bridge database is unavailable; retry later.'), {
        'Retry-After': '5',
      });
      return;
    }
    logger.error({ err, requestId }, 'unhandled error');
    sendScimError(res, new ScimError(500, undefined, `Internal error (request id ${requestId ?? 'unknown'}).`));
  };
}
