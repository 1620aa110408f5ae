// Per-request context: the request id (ours, or the caller's X-Request-Id when it is a sane token), the id of the
// bearer token that authenticated the request, and the absolute SCIM base URL used for meta.location.
import crypto from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';

export interface RequestContext {
  requestId: string;
  tokenId: string | null;
  /** e.g. https://bridge.example.com/scim/v2 (no trailing slash) */
  baseUrl: string;
}

declare module 'express-serve-static-core' {
  interface Request {
    ctx: RequestContext;
  }
}

const SAFE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export function requestContext(publicUrl: string | undefined, scimPath: string) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const incoming = req.get('x-request-id');
    const requestId = incoming && SAFE_REQUEST_ID.test(incoming) ? incoming : crypto.randomUUID();
    const origin = publicUrl
      ? publicUrl.replace(/\/+$/, '')
      : `${req.protocol}://${req.get('host') ?? 'localhost'}`;
    req.ctx = { requestId, tokenId: null, baseUrl: origin + scimPath };
    res.setHeader('X-Request-Id', requestId);
    next();
  };
}
