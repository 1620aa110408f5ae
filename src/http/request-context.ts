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
/** A host name or IP literal with an optional port: nothing else may become part of meta.location. */
const SAFE_HOST =
  /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?)*|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

export interface OriginSettings {
  /** BRIDGE_PUBLIC_URL: when set, the only origin ever used */
  publicUrl?: string | undefined;
  /** BRIDGE_TRUST_PROXY is set: X-Forwarded-Proto/-Host of a trusted proxy (Express's `trust proxy`) count */
  trustProxy: boolean;
}

/** The address and port this request arrived on: what the server listens on, never what the client claims. */
function listenOrigin(req: Request): string {
  let address = req.socket.localAddress ?? '127.0.0.1';
  if (address.startsWith('::ffff:')) address = address.slice('::ffff:'.length);
  const host = address.includes(':') ? `[${address}]` : address;
  return `http://${host}:${req.socket.localPort ?? 80}`;
}

/**
 * The origin of meta.location and Location, from trusted settings only (issue 8: a reflected Host header let any
 * client plant its own host in stored-looking URLs): BRIDGE_PUBLIC_URL; else, behind a proxy the admin declared with
 * BRIDGE_TRUST_PROXY, the X-Forwarded-Host/-Proto that proxy sent; else the listen address. The Host header itself
 * is never used.
 */
export function trustedOrigin(req: Request, settings: OriginSettings): string {
  if (settings.publicUrl) return settings.publicUrl.replace(/\/+$/, '');
  if (settings.trustProxy && req.get('x-forwarded-host')) {
    // With `trust proxy` set, Express reads X-Forwarded-Host/-Proto only when the peer is a trusted proxy; from
    // anyone else req.host is the Host header, which is exactly what must not be used.
    const trusted = (req.app.get('trust proxy fn') as (addr: string, i: number) => boolean)(
      req.socket.remoteAddress ?? '',
      0,
    );
    const host = req.host;
    if (trusted && SAFE_HOST.test(host)) return `${req.protocol === 'https' ? 'https' : 'http'}://${host}`;
  }
  return listenOrigin(req);
}

export function requestContext(settings: OriginSettings, scimPath: string) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const incoming = req.get('x-request-id');
    const requestId = incoming && SAFE_REQUEST_ID.test(incoming) ? incoming : crypto.randomUUID();
    req.ctx = { requestId, tokenId: null, baseUrl: trustedOrigin(req, settings) + scimPath };
    res.setHeader('X-Request-Id', requestId);
    next();
  };
}
