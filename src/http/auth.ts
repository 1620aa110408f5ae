// Bearer-token authentication for /scim/v2 with passport-http-bearer. Failures answer 401 with a SCIM error body
// (catalog §2: Okta's SPEC test checks the body), never passport's plain-text default.
// Only the Authorization header carries the token. passport-http-bearer also reads `access_token` from the query
// (and from a parsed body); RFC 6750 §2.3 advises against URL tokens (proxies and access logs keep URLs), and
// neither IdP sends one, so a request with `access_token` in its query is refused before the strategy runs. The
// body is parsed only after authentication (app.ts), so the strategy never sees a body token.
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import passport from 'passport';
import { Strategy as BearerStrategy } from 'passport-http-bearer';
import { ScimError } from '../scim/errors.js';
import { sendScimError } from './scim-response.js';

export interface TokenVerifier {
  /** the id of the active token, or null */
  verify(token: string): Promise<string | null>;
}

interface AuthenticatedToken {
  tokenId: string;
}

/** `missing`: no bearer token sent; `invalid`: a token that is unknown or revoked; `url_token`: a token in the URL. */
export type AuthFailureReason = 'missing' | 'invalid' | 'url_token';

export function bearerAuth(
  verifier: TokenVerifier,
  onFailure: (reason: AuthFailureReason) => void = () => undefined,
): RequestHandler {
  const authenticator = new passport.Passport();
  authenticator.use(
    new BearerStrategy((token, done) => {
      verifier.verify(token).then(
        (tokenId) => done(null, tokenId ? ({ tokenId } satisfies AuthenticatedToken) : false),
        (err: unknown) => done(err),
      );
    }),
  );
  const unauthorized = (res: Response, detail: string) =>
    sendScimError(res, new ScimError('unauthorized', detail), { 'WWW-Authenticate': 'Bearer realm="scim"' });
  return (req: Request, res: Response, next: NextFunction) => {
    if (Object.keys(req.query).some((k) => k.toLowerCase() === 'access_token')) {
      onFailure('url_token');
      return unauthorized(
        res,
        'A token in the URL (access_token) is not accepted: send it as Authorization: Bearer <token> (RFC 6750 §2.3). ' +
          'Treat a token that was sent in a URL as exposed and replace it.',
      );
    }
    const handler = authenticator.authenticate(
      'bearer',
      { session: false },
      (err: unknown, user: AuthenticatedToken | false | undefined) => {
        if (err) return next(err);
        if (!user) {
          onFailure(req.get('authorization') ? 'invalid' : 'missing');
          return unauthorized(
            res,
            req.get('authorization')
              ? 'The bearer token is not valid.'
              : 'Authentication required: send Authorization: Bearer <token> (a token in the URL or the body is not accepted).',
          );
        }
        req.ctx.tokenId = user.tokenId;
        next();
      },
    ) as RequestHandler;
    handler(req, res, next);
  };
}
