// The last middleware: anything thrown becomes a SCIM error body (RFC 7644 §3.12, catalog CE-2). A SCIM protocol
// error is answered as it is; a domain error (src/app/errors.ts, src/core/errors.ts) by its code through the error
// catalogue (src/scim/errors.ts), a database outage included (503, recognised by the store by error class); the
// client errors Express itself raises (a path parameter with malformed percent-encoding) keep their 4xx; anything
// else is logged with the request id and answered 500 without internals.
import type { NextFunction, Request, Response } from 'express';
import { asDomainError, DatabaseUnavailableError } from '../app/errors.js';
import type { LoggerLike } from '../shared/log.js';
import { ERROR_CATALOGUE, ScimError, type ErrorCode } from '../scim/errors.js';
import { sendScimError } from './scim-response.js';

function isCatalogued(code: string): code is ErrorCode {
  return Object.hasOwn(ERROR_CATALOGUE, code);
}

/**
 * A 4xx that Express or its router raised before any SCIM code ran: `GET /Users/%ZZ` makes the router's
 * decodeURIComponent fail with a URIError marked status 400. That is the client's mistake, not a 500 (catalog RE-14
 * wants 500 only for unexpected failures). Other client errors count only when marked `expose` (the http-errors
 * convention of Express's middleware), so that no stray `status` of an upstream error reaches the IdP. The details
 * are ours: the router's message would echo the raw path.
 */
/** The client errors Express's middleware marks with `expose`, by status; any other 4xx is answered 400. */
const CLIENT_ERRORS: Partial<Record<number, ErrorCode>> = {
  400: 'malformedRequest',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'noEndpoint',
  405: 'methodNotAllowed',
  413: 'payloadTooLarge',
  415: 'unsupportedMediaType',
};

function clientError(err: unknown): ScimError | undefined {
  if (err instanceof URIError)
    return new ScimError('malformedRequest', 'The request URL has malformed percent-encoding.');
  const { status, expose } = (err ?? {}) as { status?: unknown; expose?: unknown };
  if (
    expose === true &&
    typeof status === 'number' &&
    Number.isInteger(status) &&
    status >= 400 &&
    status < 500
  )
    return new ScimError(
      CLIENT_ERRORS[status] ?? 'malformedRequest',
      `The request could not be processed (HTTP ${status}).`,
    );
  return undefined;
}

export function scimErrorHandler(logger: LoggerLike) {
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
    const domain = asDomainError(err);
    if (domain instanceof DatabaseUnavailableError) {
      logger.error({ err, requestId }, 'database unavailable');
      sendScimError(res, new ScimError(domain.code, domain.message), { 'Retry-After': '5' });
      return;
    }
    if (domain && isCatalogued(domain.code)) {
      sendScimError(res, new ScimError(domain.code, domain.message));
      return;
    }
    logger.error({ err, requestId }, 'unhandled error');
    sendScimError(res, new ScimError('internal', `Internal error (request id ${requestId ?? 'unknown'}).`));
  };
}
