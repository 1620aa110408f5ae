// The AAC token issuer (the "pingauth" side, docs/reference/upstream-contracts.md A.2.2): refresh-token grant with rotation, JWT-shaped
// tokens signed by the simulator, and the bookkeeping the controls need (expire all access tokens, revoke a refresh
// token). Secrets (token strings) never leave this module except in the token endpoint's answer.
import { randomBytes, randomUUID } from 'node:crypto';
import type { SimClock } from '../shared/clock.js';
import { signJwt, verifyJwt } from '../shared/jwt.js';
import type { AacSettings } from './settings.js';

export interface TokenSubject {
  workspaceId: number;
  personId: number;
  clientId: string;
}

export interface AccessTokenRecord extends TokenSubject {
  jti: string;
  sessionId: string;
  issuedAt: number;
  expiresAt: number;
}

export type RefreshTokenStatus = 'active' | 'used' | 'revoked';

export interface RefreshTokenRecord extends TokenSubject {
  /** public handle for state views and controls; the token string itself is the secret */
  handle: string;
  sessionId: string;
  issuedAt: number;
  expiresAt: number;
  status: RefreshTokenStatus;
}

export interface TokenGrant {
  access_token: string;
  refresh_token: string;
  token_type: 'Bearer';
  expires_in: number;
}

/** RFC 6749 §5.2 error, as Ping answers it. */
export class OAuthError extends Error {
  constructor(
    readonly error: string,
    readonly description: string,
    readonly status = 400,
  ) {
    super(description);
  }
}

export class AacTokenService {
  private readonly secret = randomBytes(32);
  private readonly accessTokens = new Map<string, AccessTokenRecord>();
  /** token string → record: the hot path looks tokens up here instead of re-checking the HMAC on every call */
  private readonly accessTokensByValue = new Map<string, AccessTokenRecord>();
  private readonly refreshTokens = new Map<string, RefreshTokenRecord>();

  constructor(
    private readonly clock: SimClock,
    private readonly settings: () => AacSettings,
  ) {}

  /** Registers a refresh token string chosen by the operator (e.g. `sim-aac-refresh-token-0`); it need not be a JWT. */
  seedRefreshToken(token: string, subject: TokenSubject): void {
    const now = this.clock.now();
    this.refreshTokens.set(token, {
      ...subject,
      handle: randomUUID(),
      sessionId: randomUUID(),
      issuedAt: now,
      expiresAt: now + this.settings().refresh_token_ttl_s * 1000,
      status: 'active',
    });
  }

  /** Issues a brand-new refresh token (a new "Generate" in the UI). */
  issueRefreshToken(issuer: string, subject: TokenSubject): string {
    const now = this.clock.now();
    return this.mintRefreshToken(
      issuer,
      subject,
      randomUUID(),
      now + this.settings().refresh_token_ttl_s * 1000,
    );
  }

  issueAccessToken(
    issuer: string,
    subject: TokenSubject,
    sessionId: string = randomUUID(),
  ): { token: string; expiresIn: number } {
    const now = this.clock.now();
    const ttl = this.settings().access_token_ttl_s;
    const record: AccessTokenRecord = {
      ...subject,
      jti: randomUUID(),
      sessionId,
      issuedAt: now,
      expiresAt: now + ttl * 1000,
    };
    this.accessTokens.set(record.jti, record);
    const token = signJwt(
      {
        iss: issuer,
        sub: String(subject.personId),
        client_id: subject.clientId,
        aud: [`${issuer.replace(/\/[^/]*$/, '')}/v4`, 'alteryxcloud'],
        scope: `openid profile email w:${subject.workspaceId}`,
        sid: sessionId,
        jti: record.jti,
        iat: Math.floor(now / 1000),
        exp: Math.floor(record.expiresAt / 1000),
      },
      this.secret,
    );
    this.accessTokensByValue.set(token, record);
    return { token, expiresIn: ttl };
  }

  /** `grant_type=refresh_token`: validates, rotates (Part D #2) and applies the expiry mode (Part D #3). */
  refresh(issuer: string, refreshToken: string, clientId: string): TokenGrant {
    const record = this.refreshTokens.get(refreshToken);
    if (!record) throw new OAuthError('invalid_grant', 'Refresh token does not exist');
    if (record.status !== 'active')
      throw new OAuthError('invalid_grant', 'Refresh token is invalid, revoked, or already used');
    if (record.clientId !== clientId)
      throw new OAuthError('invalid_grant', 'Refresh token was issued to another client');
    const now = this.clock.now();
    if (record.expiresAt <= now) throw new OAuthError('invalid_grant', 'Refresh token is expired');

    const settings = this.settings();
    const expiresAt =
      settings.refresh_token_expiry_mode === 'sliding'
        ? now + settings.refresh_token_ttl_s * 1000
        : record.expiresAt;
    let nextRefreshToken = refreshToken;
    if (settings.refresh_token_rotation) {
      record.status = 'used';
      nextRefreshToken = this.mintRefreshToken(issuer, record, record.sessionId, expiresAt);
    } else {
      record.expiresAt = expiresAt;
    }
    const access = this.issueAccessToken(issuer, record, record.sessionId);
    return {
      access_token: access.token,
      refresh_token: nextRefreshToken,
      token_type: 'Bearer',
      expires_in: access.expiresIn,
    };
  }

  /** The live record behind a bearer token, or undefined when it is forged, unknown or expired. */
  verifyAccessToken(token: string): AccessTokenRecord | undefined {
    // A token string found in the issued set was signed here; anything else must at least carry a valid signature
    // before its `jti` is trusted (a forged or altered token fails here).
    let record = this.accessTokensByValue.get(token);
    if (!record) {
      const jti = verifyJwt(token, this.secret)?.jti;
      record = typeof jti === 'string' ? this.accessTokens.get(jti) : undefined;
    }
    return record && record.expiresAt > this.clock.now() ? record : undefined;
  }

  /** Control: every access token issued so far stops working now. */
  expireAccessTokens(): number {
    const now = this.clock.now();
    let count = 0;
    for (const record of this.accessTokens.values()) {
      if (record.expiresAt > now) count += 1;
      record.expiresAt = Math.min(record.expiresAt, now);
    }
    return count;
  }

  /** Control: revoke one refresh token, by its value or by its public handle. */
  revokeRefreshToken(tokenOrHandle: string): boolean {
    const record =
      this.refreshTokens.get(tokenOrHandle) ??
      [...this.refreshTokens.values()].find((r) => r.handle === tokenOrHandle);
    if (!record) return false;
    record.status = 'revoked';
    return true;
  }

  /** Non-secret metadata for GET /__sim/state. */
  describe() {
    const iso = (ms: number) => new Date(ms).toISOString();
    return {
      accessTokens: [...this.accessTokens.values()].map((r) => ({
        jti: r.jti,
        workspaceId: r.workspaceId,
        personId: r.personId,
        clientId: r.clientId,
        issuedAt: iso(r.issuedAt),
        expiresAt: iso(r.expiresAt),
        expired: r.expiresAt <= this.clock.now(),
      })),
      refreshTokens: [...this.refreshTokens.values()].map((r) => ({
        handle: r.handle,
        sessionId: r.sessionId,
        workspaceId: r.workspaceId,
        personId: r.personId,
        clientId: r.clientId,
        issuedAt: iso(r.issuedAt),
        expiresAt: iso(r.expiresAt),
        status: r.status,
      })),
    };
  }

  private mintRefreshToken(
    issuer: string,
    subject: TokenSubject,
    sessionId: string,
    expiresAt: number,
  ): string {
    const now = this.clock.now();
    const handle = randomUUID();
    // Refresh tokens carry `sid` and `sub` but no `aud`: that is how clients tell them from access tokens (A.2.2).
    const token = signJwt(
      {
        iss: issuer,
        sub: String(subject.personId),
        sid: sessionId,
        jti: handle,
        iat: Math.floor(now / 1000),
        exp: Math.floor(expiresAt / 1000),
      },
      this.secret,
    );
    this.refreshTokens.set(token, {
      workspaceId: subject.workspaceId,
      personId: subject.personId,
      clientId: subject.clientId,
      handle,
      sessionId,
      issuedAt: now,
      expiresAt,
      status: 'active',
    });
    return token;
  }
}
