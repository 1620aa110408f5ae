// Bearer-token authentication for /scim/v2 with passport-http-bearer. Failures answer 401 with a SCIM error body
// (catalog §2: Okta's SPEC test checks the body), never passport's plain-text default.
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

/** `missing`: no bearer token sent; `invalid`: a token that is unknown or revoked. */
export type AuthFailureReason = 'missing' | 'invalid';

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
  return (req: Request, res: Response, next: NextFunction) => {
    const handler = authenticator.authenticate(
      'bearer',
      { session: false },
      (err: unknown, user: AuthenticatedToken | false | undefined) => {
        if (err) return next(err);
        if (!user) {
          onFailure(req.get('authorization') ? 'invalid' : 'missing');
          const detail = req.get('authorization')
            ? 'The bearer token is not valid.'
            : 'Authentication required: send Authorization: Bearer <token>.';
          return sendScimError(res, new ScimError(401, undefined, detail), {
            'WWW-Authenticate': 'Bearer realm="scim"',
          });
        }
        req.ctx.tokenId = user.tokenId;
        next();
      },
    ) as RequestHandler;
    handler(req, res, next);
  };
}
