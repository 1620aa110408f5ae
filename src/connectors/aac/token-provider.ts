// AAC OAuth 2.0 refresh-token grant with rotation (docs/reference/upstream-contracts.md A.2.2):
//   POST {tokenUrl}  grant_type=refresh_token&refresh_token=…&client_id=…  →  {access_token, refresh_token, expires_in}
// Every use of a refresh token invalidates it, so the current token pair lives in the CredentialStore and is
// written there (compare-and-set) before the new refresh token can be spent again.
//
// Several replicas share one store. A replica that needs a fresh access token:
//   1. re-reads the stored state; if it holds a valid access token another replica obtained, it uses that one;
//   2. otherwise claims the right to refresh by compare-and-set of a short lease; a loser waits and re-reads;
//   3. spends the stored refresh token, then stores the new pair (compare-and-set on the claimed version).
// So two replicas never present the same refresh token, and a restart continues with the last rotated token.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { CallContext } from '../../core/connector.js';
import type { CredentialStore, StoredCredential } from '../../core/credential-store.js';
import { UpstreamError } from '../../core/errors.js';
import { NO_OBSERVER, type UpstreamObserver } from '../../core/observability.js';
import type { HttpClient, TokenProvider } from '../http-client.js';
import { decodeJwtClaims } from '../jwt.js';
import { silentLogger, type LoggerLike } from '../../shared/log.js';
import { SingleFlight } from '../single-flight.js';
import { tokenErrorSchema, tokenResponseSchema } from './schemas.js';
import { sleep } from '../../shared/collections.js';

export interface AacTokenProviderOptions {
  http: HttpClient;
  store: CredentialStore;
  /** store key of this connector's token state */
  credentialKey: string;
  clientId: string;
  /** AAC_REFRESH_TOKEN: used only when the store holds nothing yet, or when the stored token turns out spent */
  initialRefreshToken: string;
  /** AAC_TOKEN_URL; when absent it is derived from a token's `iss` claim + `/token` */
  tokenUrl?: string | undefined;
  /** refresh this long before the access token expires (capped at half its lifetime) */
  refreshSkewMs: number;
  /** how long a replica's claim to refresh stays valid if it dies mid-refresh */
  refreshLeaseMs: number;
  /** lifetime assumed when neither `expires_in` nor the JWT `exp` says (A.2.2: 5 minutes) */
  defaultAccessTokenTtlMs: number;
  logger?: LoggerLike | undefined;
  /** metrics: refresh outcomes and the expiry of the refresh token in use */
  observer?: UpstreamObserver | undefined;
  now?: (() => number) | undefined;
}

/** What the store holds under `credentialKey` (JSON). A bare string value is read as a refresh token. */
const tokenStateSchema = z.object({
  refreshToken: z.string().min(1),
  accessToken: z.string().min(1).optional(),
  /** epoch ms */
  accessTokenIssuedAt: z.number().optional(),
  /** epoch ms */
  accessTokenExpiresAt: z.number().optional(),
  /** a replica is refreshing until this epoch ms */
  refreshingUntil: z.number().optional(),
  refreshingBy: z.string().optional(),
});
type TokenState = z.infer<typeof tokenStateSchema>;

interface CachedAccessToken {
  token: string;
  issuedAt: number;
  expiresAt: number;
}

const LEASE_POLL_MS = 25;

export class AacTokenProvider implements TokenProvider {
  private readonly owner = randomUUID();
  private readonly flight = new SingleFlight<string>();
  private readonly logger: LoggerLike;
  private readonly observer: UpstreamObserver;
  private readonly now: () => number;
  private cached: CachedAccessToken | undefined;
  /** the refresh token whose expiry was last reported */
  private reportedRefreshToken: string | undefined;
  private knownIssuer: string | undefined;
  private initialTokenTried = false;

  constructor(private readonly options: AacTokenProviderOptions) {
    this.logger = options.logger ?? silentLogger;
    this.observer = options.observer ?? NO_OBSERVER;
    this.now = options.now ?? Date.now;
  }

  async getAccessToken(ctx: CallContext): Promise<string> {
    if (this.cached && this.isFresh(this.cached)) return this.cached.token;
    return this.flight.run(() => this.obtain(ctx, undefined));
  }

  async renewAfterUnauthorized(refused: string, ctx: CallContext): Promise<string> {
    if (this.cached && this.cached.token !== refused && this.isFresh(this.cached)) return this.cached.token;
    if (this.cached?.token === refused) this.cached = undefined;
    const renewed = await this.flight.run(() => this.obtain(ctx, refused));
    // A flight started before the 401 may hand back the refused token: then renew on our own.
    return renewed === refused ? await this.obtain(ctx, refused) : renewed;
  }

  /** Re-read, adopt another replica's token, or claim and refresh. `refused` is never adopted again. */
  private async obtain(ctx: CallContext, refused: string | undefined): Promise<string> {
    const deadline = this.now() + this.options.refreshLeaseMs * 2;
    for (;;) {
      const stored = await this.readState();
      const { state } = stored;
      if (state.accessToken && state.accessToken !== refused) {
        const candidate = {
          token: state.accessToken,
          issuedAt: state.accessTokenIssuedAt ?? 0,
          expiresAt: state.accessTokenExpiresAt ?? 0,
        };
        if (this.isFresh(candidate)) {
          this.cached = candidate;
          return candidate.token;
        }
      }
      const leaseHeld =
        state.refreshingUntil !== undefined &&
        state.refreshingUntil > this.now() &&
        state.refreshingBy !== this.owner;
      if (leaseHeld) {
        if (this.now() > deadline) {
          throw new UpstreamError(
            'aac',
            'transient',
            'another replica is refreshing the AAC token; gave up waiting',
          );
        }
        await sleep(LEASE_POLL_MS);
        continue;
      }
      const claimed = await this.claim(stored);
      if (!claimed) continue; // someone else wrote first: re-read and maybe use their token
      const token = await this.refreshWithClaim(claimed, ctx);
      if (token !== undefined) return token;
      // undefined: the refresh token was spent but the store now offers another one; go round again.
    }
  }

  private async claim(stored: { state: TokenState; version: string }): Promise<StoredClaim | undefined> {
    const claimedState: TokenState = {
      ...stored.state,
      refreshingUntil: this.now() + this.options.refreshLeaseMs,
      refreshingBy: this.owner,
    };
    const won = await this.options.store.compareAndSet(
      this.options.credentialKey,
      stored.version,
      JSON.stringify(claimedState),
    );
    if (!won) return undefined;
    const reread = await this.options.store.get(this.options.credentialKey);
    if (!reread) return undefined;
    const state = parseState(reread);
    if (state.refreshingBy !== this.owner) return undefined;
    return { state, version: reread.version };
  }

  /** Spends the claimed refresh token. Returns the access token, or undefined when the caller should re-read. */
  private async refreshWithClaim(claim: StoredClaim, ctx: CallContext): Promise<string | undefined> {
    const spent = claim.state.refreshToken;
    let outcome: RefreshOutcome;
    try {
      outcome = await this.callTokenEndpoint(spent, ctx);
    } catch (error) {
      this.observer.tokenRefresh(
        'aac',
        error instanceof UpstreamError && error.kind === 'auth' ? 'refused' : 'error',
      );
      await this.release(claim);
      throw error;
    }
    this.observer.tokenRefresh('aac', outcome.kind === 'issued' ? 'ok' : 'refused');
    if (outcome.kind === 'refused') return this.handleRefused(claim, outcome.description);

    const { accessToken, refreshToken, issuedAt, expiresAt } = outcome;
    const next: TokenState = {
      // A.2.2 rotation is the norm; if the upstream did not send a new refresh token the old one stays valid.
      refreshToken: refreshToken ?? spent,
      accessToken,
      accessTokenIssuedAt: issuedAt,
      accessTokenExpiresAt: expiresAt,
    };
    await this.persist(claim, spent, next);
    this.cached = { token: accessToken, issuedAt, expiresAt };
    this.reportRefreshTokenExpiry(next.refreshToken);
    this.logger.info(
      { target: 'aac', requestId: ctx.requestId, expiresAt: new Date(expiresAt).toISOString() },
      'AAC access token refreshed',
    );
    return accessToken;
  }

  /** Writes the new pair. Retries the CAS while the store still holds the token we spent (nobody else rotated). */
  private async persist(claim: StoredClaim, spent: string, next: TokenState): Promise<void> {
    let version = claim.version;
    for (let tries = 0; tries < 5; tries++) {
      if (await this.options.store.compareAndSet(this.options.credentialKey, version, JSON.stringify(next)))
        return;
      const current = await this.options.store.get(this.options.credentialKey);
      if (!current || parseState(current).refreshToken !== spent) break;
      version = current.version;
    }
    this.logger.error(
      { target: 'aac', key: this.options.credentialKey },
      'could not store the rotated AAC refresh token: another writer replaced the state',
    );
  }

  private async handleRefused(claim: StoredClaim, description: string): Promise<string | undefined> {
    const current = await this.options.store.get(this.options.credentialKey);
    const currentState = current ? parseState(current) : undefined;
    // Another writer stored a newer token meanwhile (e.g. a replica whose lease we overtook): use it.
    if (current && currentState && currentState.refreshToken !== claim.state.refreshToken) return undefined;
    // The operator may have put a brand-new token into AAC_REFRESH_TOKEN after the stored one died: try it once.
    const initial = this.options.initialRefreshToken;
    if (!this.initialTokenTried && initial !== claim.state.refreshToken && current) {
      this.initialTokenTried = true;
      await this.options.store.compareAndSet(
        this.options.credentialKey,
        current.version,
        JSON.stringify({ refreshToken: initial } satisfies TokenState),
      );
      return undefined;
    }
    await this.release(claim);
    throw new UpstreamError(
      'aac',
      'auth',
      `AAC refused the refresh token (spent, revoked or expired): ${description}. ` +
        'Generate a new token pair in AAC and set AAC_REFRESH_TOKEN.',
      400,
    );
  }

  /** Drops our lease so other replicas need not wait for it to expire. */
  private async release(claim: StoredClaim): Promise<void> {
    const { refreshingUntil: _until, refreshingBy: _by, ...rest } = claim.state;
    await this.options.store
      .compareAndSet(this.options.credentialKey, claim.version, JSON.stringify(rest))
      .catch(() => false);
  }

  private async callTokenEndpoint(refreshToken: string, ctx: CallContext): Promise<RefreshOutcome> {
    const tokenUrl = this.resolveTokenUrl(refreshToken);
    // Not safe to repeat after an ambiguous failure: the upstream may have rotated the token already. The
    // client still repeats 429 and refused connections, where nothing was spent.
    const response = await this.options.http.request({
      method: 'POST',
      path: tokenUrl,
      form: { grant_type: 'refresh_token', refresh_token: refreshToken, client_id: this.options.clientId },
      authenticated: false,
      safeToRepeat: false,
      acceptStatuses: [400, 401],
      ctx,
    });
    if (response.status === 400 || response.status === 401) {
      const error = tokenErrorSchema.safeParse(response.data);
      const code = error.success ? error.data.error : 'unknown_error';
      if (code === 'invalid_grant' || response.status === 401) {
        return { kind: 'refused', description: code };
      }
      throw new UpstreamError(
        'aac',
        'auth',
        `AAC token endpoint answered ${response.status}: ${code}`,
        response.status,
      );
    }
    const parsed = tokenResponseSchema.safeParse(response.data);
    if (!parsed.success) {
      throw new UpstreamError('aac', 'transient', 'AAC token endpoint returned an unexpected body');
    }
    const body = parsed.data;
    const claims = decodeJwtClaims(body.access_token);
    if (claims?.iss) this.knownIssuer = claims.iss;
    const ttlMs =
      body.expires_in !== undefined
        ? body.expires_in * 1000
        : claims?.exp !== undefined
          ? claims.exp * 1000 - this.now()
          : this.options.defaultAccessTokenTtlMs;
    const issuedAt = this.now();
    return {
      kind: 'issued',
      accessToken: body.access_token,
      refreshToken: body.refresh_token,
      issuedAt,
      expiresAt: issuedAt + Math.max(0, ttlMs),
    };
  }

  /** AAC_TOKEN_URL, else `{iss}/token` from a token we hold (A.2.2: the official sample does the same). */
  private resolveTokenUrl(refreshToken: string): string {
    if (this.options.tokenUrl) return this.options.tokenUrl;
    const issuer =
      this.knownIssuer ??
      (this.cached ? decodeJwtClaims(this.cached.token)?.iss : undefined) ??
      decodeJwtClaims(refreshToken)?.iss;
    if (!issuer) {
      throw new UpstreamError(
        'aac',
        'auth',
        'AAC_TOKEN_URL is not set and the tokens carry no issuer to derive it from',
      );
    }
    const url = `${issuer.replace(/\/+$/, '')}/token`;
    assertSafeTokenUrl(url);
    return url;
  }

  private async readState(): Promise<{ state: TokenState; version: string }> {
    const key = this.options.credentialKey;
    let stored = await this.options.store.get(key);
    if (!stored) {
      const seed: TokenState = { refreshToken: this.options.initialRefreshToken };
      await this.options.store.compareAndSet(key, null, JSON.stringify(seed));
      stored = await this.options.store.get(key);
      if (!stored) throw new Error(`credential store did not keep ${key}`);
    }
    const state = parseState(stored);
    this.reportRefreshTokenExpiry(state.refreshToken);
    return { state, version: stored.version };
  }

  /**
   * AAC's token answer does not say when the refresh token expires (docs/reference/upstream-contracts.md A.2.2: `access_token`,
   * `refresh_token`, `expires_in` only); the lifetime picked at generation (1–365 days, A.2.1) is in the refresh
   * token itself, a JWT whose `exp` claim clients read. A token that is not a JWT reports "unknown".
   */
  private reportRefreshTokenExpiry(refreshToken: string): void {
    if (refreshToken === this.reportedRefreshToken) return;
    this.reportedRefreshToken = refreshToken;
    const exp = decodeJwtClaims(refreshToken)?.exp;
    this.observer.refreshTokenExpiry('aac', exp === undefined ? null : exp * 1000);
  }

  /** Fresh = more than the skew left; the skew is at most half the token's lifetime so short tokens stay usable. */
  private isFresh(token: CachedAccessToken): boolean {
    const lifetime = token.expiresAt - token.issuedAt;
    const skew = Math.min(this.options.refreshSkewMs, Math.max(0, lifetime / 2));
    return token.expiresAt - this.now() > skew;
  }
}

interface StoredClaim {
  state: TokenState;
  version: string;
}

type RefreshOutcome =
  | {
      kind: 'issued';
      accessToken: string;
      refreshToken: string | undefined;
      issuedAt: number;
      expiresAt: number;
    }
  | { kind: 'refused'; description: string };

function parseState(stored: StoredCredential): TokenState {
  try {
    const parsed = tokenStateSchema.safeParse(JSON.parse(stored.value));
    if (parsed.success) return parsed.data;
  } catch {
    // not JSON: a bare refresh token written by hand or by an older version
  }
  return { refreshToken: stored.value };
}

/** A derived token URL receives the refresh token: only https, or http on the loopback interface (simulators). */
function assertSafeTokenUrl(url: string): void {
  const parsed = new URL(url);
  const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(parsed.hostname);
  if (parsed.protocol === 'https:' || (parsed.protocol === 'http:' && loopback)) return;
  throw new UpstreamError(
    'aac',
    'auth',
    `refusing to send the refresh token to a non-https token URL (${parsed.origin})`,
  );
}
