// Server's OAuth2 client-credentials tokens (docs/reference/upstream-contracts.md B.2): opaque bearer strings, 60 minutes by default, no
// refresh token. Token strings stay inside this module and the token endpoint's answer.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { SimClock } from '../shared/clock.js';
import type { ServerSettings } from './settings.js';

export interface ServerTokenRecord {
  userId: string;
  clientId: string;
  issuedAt: number;
  expiresAt: number;
}

export function secretsEqual(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export class ServerTokenService {
  private readonly tokens = new Map<string, ServerTokenRecord>();

  constructor(
    private readonly clock: SimClock,
    private readonly settings: () => ServerSettings,
  ) {}

  issue(
    userId: string,
    clientId: string,
  ): { access_token: string; token_type: 'bearer'; expires_in: number } {
    const now = this.clock.now();
    const ttl = this.settings().token_ttl_s;
    const token = randomBytes(32).toString('base64url');
    this.tokens.set(token, { userId, clientId, issuedAt: now, expiresAt: now + ttl * 1000 });
    // OWIN reports one second less than the configured lifetime (3599 for 60 minutes).
    return { access_token: token, token_type: 'bearer', expires_in: ttl - 1 };
  }

  verify(token: string): ServerTokenRecord | undefined {
    const record = this.tokens.get(token);
    return record && record.expiresAt > this.clock.now() ? record : undefined;
  }

  expireAll(): number {
    const now = this.clock.now();
    let count = 0;
    for (const record of this.tokens.values()) {
      if (record.expiresAt > now) count += 1;
      record.expiresAt = Math.min(record.expiresAt, now);
    }
    return count;
  }

  describe() {
    const now = this.clock.now();
    return [...this.tokens.values()].map((r) => ({
      userId: r.userId,
      clientId: r.clientId,
      issuedAt: new Date(r.issuedAt).toISOString(),
      expiresAt: new Date(r.expiresAt).toISOString(),
      expired: r.expiresAt <= now,
    }));
  }
}
