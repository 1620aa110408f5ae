// `POST {base}/oauth2/token` (docs/reference/upstream-contracts.md B.2): client_credentials with the key/secret in a Basic header or in the
// form body (Part D #22). Extra `scope`/`resource` fields are ignored.
import express, { type Router } from 'express';
import type { ServerSimulator } from '../simulator.js';
import { secretsEqual } from '../tokens.js';

interface ClientCredentials {
  clientId: string;
  clientSecret: string;
}

class TokenError extends Error {
  constructor(
    readonly error: string,
    readonly description: string,
  ) {
    super(description);
  }
}

/**
 * RFC 6749 §2.3.1 percent-encodes id and secret before Base64; most clients send them raw. A value that is not valid
 * percent-encoding (e.g. a lone `%`) is taken as-is instead of failing the request with a 500.
 */
function percentDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

function fromBasicHeader(header: string | undefined): ClientCredentials | undefined {
  const match = /^Basic\s+(\S+)$/i.exec(header ?? '');
  if (!match?.[1]) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return {
    clientId: percentDecode(decoded.slice(0, colon)),
    clientSecret: percentDecode(decoded.slice(colon + 1)),
  };
}

function formField(body: unknown, name: string): string | undefined {
  const value =
    typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[name] : undefined;
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function fromForm(body: unknown): ClientCredentials | undefined {
  const clientId = formField(body, 'client_id');
  const clientSecret = formField(body, 'client_secret');
  return clientId !== undefined && clientSecret !== undefined ? { clientId, clientSecret } : undefined;
}

export function tokenRouter(sim: ServerSimulator): Router {
  const router = express.Router();
  router.post('/oauth2/token', express.urlencoded({ extended: false, limit: '16kb' }), (req, res) => {
    try {
      if (!req.is('application/x-www-form-urlencoded'))
        throw new TokenError('invalid_request', 'The request must be form-encoded.');
      const grantType = formField(req.body, 'grant_type');
      if (grantType !== 'client_credentials')
        throw new TokenError('unsupported_grant_type', 'Only client_credentials is supported.');
      const style = sim.settings.token_auth_style;
      const credentials =
        (style !== 'form' ? fromBasicHeader(req.get('authorization')) : undefined) ??
        (style !== 'basic' ? fromForm(req.body) : undefined);
      if (!credentials)
        throw new TokenError(
          'invalid_client',
          'Client credentials are missing or were sent in an unsupported way.',
        );
      const stored = sim.runtime.store.credentials.get(credentials.clientId);
      if (!stored || !secretsEqual(credentials.clientSecret, stored.secret))
        throw new TokenError('invalid_client', 'The client credentials are invalid.');
      // B.2: "An admin must first enable API Access for that user" (Admin → Users → API Access = Yes).
      if (sim.runtime.store.users.get(stored.userId)?.isApiEnabled !== true)
        throw new TokenError('invalid_client', 'API access is not enabled for this user.');
      res.setHeader('Cache-Control', 'no-store');
      res.json(sim.runtime.tokens.issue(stored.userId, credentials.clientId));
    } catch (error) {
      if (!(error instanceof TokenError)) throw error;
      res
        .status(400)
        .setHeader('Cache-Control', 'no-store')
        .json({ error: error.error, error_description: error.description });
    }
  });
  return router;
}
