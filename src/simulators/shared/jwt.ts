// Minimal HS256 JWTs: the AAC simulator issues JWT-shaped tokens because real clients decode them to find the token
// endpoint (`iss` + `/token`) and to tell access from refresh tokens (docs/reference/upstream-contracts.md A.2.2). The simulator verifies its
// own signature, so a token forged or altered by a test is refused.
import { createHmac, timingSafeEqual } from 'node:crypto';

export type JwtClaims = Record<string, unknown>;

function base64UrlJson(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

function signature(secret: Buffer, signingInput: string): string {
  return createHmac('sha256', secret).update(signingInput).digest('base64url');
}

export function signJwt(claims: JwtClaims, secret: Buffer): string {
  const signingInput = `${base64UrlJson({ alg: 'HS256', typ: 'JWT', kid: 'alteryx-simulator' })}.${base64UrlJson(claims)}`;
  return `${signingInput}.${signature(secret, signingInput)}`;
}

/** Returns the claims when the token is a well-formed JWT signed with `secret`, otherwise undefined. */
export function verifyJwt(token: string, secret: Buffer): JwtClaims | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  const [header, payload, given] = parts as [string, string, string];
  const expected = Buffer.from(signature(secret, `${header}.${payload}`));
  const actual = Buffer.from(given);
  if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) return undefined;
  try {
    const claims: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    return typeof claims === 'object' && claims !== null && !Array.isArray(claims)
      ? (claims as JwtClaims)
      : undefined;
  } catch {
    return undefined;
  }
}
