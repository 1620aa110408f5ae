// Alteryx Server OAuth2 client credentials (docs/reference/upstream-contracts.md B.2):
//   POST {base}/oauth2/token  grant_type=client_credentials, credentials in a Basic header (default) or the form.
// No refresh token: the token is cached until shortly before `expires_in` and fetched again after that or
// after a 401. Concurrent callers share one fetch.
import type { CallContext } from '../../core/connector.js';
import { UpstreamError } from '../../core/errors.js';
import { NO_OBSERVER, type UpstreamObserver } from '../../core/observability.js';
import type { HttpClient, TokenProvider } from '../http-client.js';
import { silentLogger, type LoggerLike } from '../../shared/log.js';
import { SingleFlight } from '../single-flight.js';
import { tokenErrorSchema, tokenResponseSchema } from './schemas.js';

export type ServerTokenAuthStyle = 'basic' | 'form';

export interface ServerTokenProviderOptions {
  http: HttpClient;
  clientId: string;
  clientSecret: string;
  authStyle: ServerTokenAuthStyle;
  /** fetch a new token this long before expiry (at most half the lifetime) */
  refreshSkewMs: number;
  /** lifetime assumed when `expires_in` is missing (B.2: 60 minutes) */
  defaultTtlMs: number;
  logger?: LoggerLike | undefined;
  observer?: UpstreamObserver | undefined;
  now?: (() => number) | undefined;
}

interface CachedToken {
  token: string;
  issuedAt: number;
  expiresAt: number;
}

export class ServerTokenProvider implements TokenProvider {
  private readonly flight = new SingleFlight<string>();
  private readonly now: () => number;
  private readonly logger: LoggerLike;
  private cached: CachedToken | undefined;
  private style: ServerTokenAuthStyle;

  constructor(private readonly options: ServerTokenProviderOptions) {
    this.style = options.authStyle;
    this.now = options.now ?? Date.now;
    this.logger = options.logger ?? silentLogger;
  }

  async getAccessToken(ctx: CallContext): Promise<string> {
    if (this.cached && this.isFresh(this.cached)) return this.cached.token;
    return this.flight.run(() => this.fetchToken(ctx));
  }

  async renewAfterUnauthorized(refused: string, ctx: CallContext): Promise<string> {
    if (this.cached && this.cached.token !== refused && this.isFresh(this.cached)) return this.cached.token;
    if (this.cached?.token === refused) this.cached = undefined;
    const renewed = await this.flight.run(() => this.fetchToken(ctx));
    // A flight started before the 401 may hand back the refused token: then renew on our own.
    return renewed === refused ? await this.fetchToken(ctx) : renewed;
  }

  /**
   * Tries the configured credential style first; if the server refuses it, the other style once (B.2: both are
   * seen in the wild, Part D #22). The style that worked is kept for later fetches.
   */
  private async fetchToken(ctx: CallContext): Promise<string> {
    try {
      return await this.fetchTokenWith(this.style, ctx);
    } catch (error) {
      if (!(error instanceof UpstreamError) || error.kind !== 'auth') throw error;
      const other: ServerTokenAuthStyle = this.style === 'basic' ? 'form' : 'basic';
      const token = await this.fetchTokenWith(other, ctx).catch(() => {
        throw error;
      });
      this.logger.info(
        { target: 'server', authStyle: other },
        'Server token endpoint accepted the other credential style',
      );
      this.style = other;
      return token;
    }
  }

  /** One token request, counted in `scim_bridge_token_refresh_total{target="server"}`. */
  private async fetchTokenWith(authStyle: ServerTokenAuthStyle, ctx: CallContext): Promise<string> {
    const observer = this.options.observer ?? NO_OBSERVER;
    try {
      const token = await this.requestToken(authStyle, ctx);
      observer.tokenRefresh('server', 'ok');
      return token;
    } catch (error) {
      observer.tokenRefresh(
        'server',
        error instanceof UpstreamError && error.kind === 'auth' ? 'refused' : 'error',
      );
      throw error;
    }
  }

  private async requestToken(authStyle: ServerTokenAuthStyle, ctx: CallContext): Promise<string> {
    const { clientId, clientSecret } = this.options;
    const form: Record<string, string> = { grant_type: 'client_credentials' };
    const headers: Record<string, string> = {};
    if (authStyle === 'basic') {
      headers.Authorization = `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`;
    } else {
      form.client_id = clientId;
      form.client_secret = clientSecret;
    }
    const response = await this.options.http.request({
      method: 'POST',
      path: '/oauth2/token',
      form,
      headers,
      authenticated: false,
      // A second client-credentials grant only issues another token: harmless to repeat.
      safeToRepeat: true,
      acceptStatuses: [400, 401, 403],
      ctx,
    });
    if (response.status >= 400) {
      const error = tokenErrorSchema.safeParse(response.data);
      const code = error.success ? error.data.error : `status ${response.status}`;
      throw new UpstreamError(
        'server',
        'auth',
        `Server refused the API key/secret (${code}); check SERVER_CLIENT_ID/SERVER_CLIENT_SECRET and API access`,
        response.status,
      );
    }
    const parsed = tokenResponseSchema.safeParse(response.data);
    if (!parsed.success)
      throw new UpstreamError('server', 'transient', 'Server token endpoint returned an unexpected body');
    const issuedAt = this.now();
    const ttlMs =
      parsed.data.expires_in !== undefined ? parsed.data.expires_in * 1000 : this.options.defaultTtlMs;
    this.cached = { token: parsed.data.access_token, issuedAt, expiresAt: issuedAt + ttlMs };
    this.logger.debug(
      { target: 'server', requestId: ctx.requestId, expiresInMs: ttlMs },
      'Server access token obtained',
    );
    return parsed.data.access_token;
  }

  private isFresh(token: CachedToken): boolean {
    const skew = Math.min(this.options.refreshSkewMs, (token.expiresAt - token.issuedAt) / 2);
    return token.expiresAt - this.now() > skew;
  }
}
