// Reads claims from a JWT without verifying it. The bridge only uses the claims as hints (expiry for proactive
// refresh, `iss` to derive the AAC token URL, docs/reference/upstream-contracts.md A.2.2); the upstream verifies its own tokens.
import { z } from 'zod';

const claimsSchema = z
  .object({
    iss: z.string().optional(),
    exp: z.number().optional(),
    client_id: z.string().optional(),
  })
  .loose();

export type JwtClaims = z.infer<typeof claimsSchema>;

/** The payload claims, or undefined when the token is not a JWT with a JSON payload. */
export function decodeJwtClaims(token: string): JwtClaims | undefined {
  const parts = token.split('.');
  if (parts.length !== 3 || !parts[1]) return undefined;
  try {
    const json: unknown = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
    const parsed = claimsSchema.safeParse(json);
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
