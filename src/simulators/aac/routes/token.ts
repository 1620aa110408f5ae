// The "pingauth" token endpoint (docs/reference/upstream-contracts.md A.2.2): form-encoded refresh_token grant for a public client.
// Served on the AAC simulator's origin at `token_endpoint_path` (Part D #4, default `/as/token`).
import express, { type NextFunction, type Request, type Response } from 'express';
import type { AacSimulator } from '../simulator.js';
import { OAuthError } from '../tokens.js';

const parseForm = express.urlencoded({ extended: false, limit: '16kb' });

function formField(body: unknown, name: string): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const value = (body as Record<string, unknown>)[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function sendOAuthError(res: Response, error: OAuthError): void {
  res
    .status(error.status)
    .setHeader('Cache-Control', 'no-store')
    .json({ error: error.error, error_description: error.description });
}

function exchange(sim: AacSimulator, req: Request, res: Response): void {
  if (!req.is('application/x-www-form-urlencoded')) {
    throw new OAuthError('invalid_request', 'Content-Type must be application/x-www-form-urlencoded');
  }
  const grantType = formField(req.body, 'grant_type');
  if (grantType !== 'refresh_token') {
    throw new OAuthError(
      grantType === undefined ? 'invalid_request' : 'unsupported_grant_type',
      grantType === undefined ? 'grant_type is required' : `grant_type ${grantType} is not supported`,
    );
  }
  const clientId = formField(req.body, 'client_id');
  if (clientId === undefined) throw new OAuthError('invalid_request', 'client_id is required');
  if (clientId !== sim.config.clientId) throw new OAuthError('invalid_client', 'Unknown client_id');
  const refreshToken = formField(req.body, 'refresh_token');
  if (refreshToken === undefined) throw new OAuthError('invalid_request', 'refresh_token is required');
  const origin = `${req.protocol}://${req.get('host') ?? '127.0.0.1'}`;
  const grant = sim.runtime.tokens.refresh(sim.issuer(origin), refreshToken, clientId);
  res.status(200).setHeader('Cache-Control', 'no-store').json(grant);
}

/** Matches the configured path at request time, so changing the setting moves the endpoint at once. */
export function tokenEndpoint(sim: AacSimulator) {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (req.path !== sim.settings.token_endpoint_path) return next();
    if (req.method !== 'POST') {
      res
        .status(405)
        .setHeader('Allow', 'POST')
        .json({ error: 'invalid_request', error_description: 'Use POST' });
      return;
    }
    parseForm(req, res, (parseError?: unknown) => {
      try {
        if (parseError) throw new OAuthError('invalid_request', 'Malformed form body');
        exchange(sim, req, res);
      } catch (error) {
        if (error instanceof OAuthError) sendOAuthError(res, error);
        else next(error);
      }
    });
  };
}
