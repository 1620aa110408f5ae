// Factory of the Alteryx Server connector. Takes plain, already-validated values (env parsing is in src/config).
import type { Connector } from '../../core/connector.js';
import { clockOf, type ConnectorDeps } from '../deps.js';
import { HttpClient, type RateLimitConfig } from '../http-client.js';
import { DEFAULT_RETRY, type RetryConfig } from '../retry-policy.js';
import { ServerConnector, type ServerDeleteMode } from './connector.js';
import { ServerApi } from './server-api.js';
import { ServerTokenProvider, type ServerTokenAuthStyle } from './token-provider.js';

export interface ServerConnectorConfig {
  /** SERVER_API_URL, e.g. `https://server.example.com/webapi` (`/v3/...` and `/oauth2/token` are appended) */
  apiUrl: string;
  /** SERVER_CLIENT_ID: a Curator's API access key */
  clientId: string;
  /** SERVER_CLIENT_SECRET */
  clientSecret: string;
  /** SERVER_DEFAULT_ROLE for created users; default `Evaluated` */
  defaultRole?: string | undefined;
  /** SERVER_GROUP_ROLE for created usergroups; default `Viewer` */
  groupRole?: string | undefined;
  /** SERVER_DELETE_MODE; default `deactivate` */
  deleteMode?: ServerDeleteMode | undefined;
  /** how the token request carries the credentials (B.2, Part D #22); default `basic` */
  tokenAuthStyle?: ServerTokenAuthStyle | undefined;
  /** per-attempt timeout; default 10 000 ms */
  timeoutMs?: number | undefined;
  /** default: 4 attempts, 250 ms base, 5 s max backoff, server-asked waits honoured up to 30 s */
  retry?: Partial<RetryConfig> | undefined;
  /** default: 10 requests/s, 4 in flight (B.8: no documented limits; protect a self-hosted server) */
  rateLimit?: Partial<RateLimitConfig> | undefined;
  /** fetch a new token this long before it expires (at most half its lifetime); default 60 000 ms */
  refreshSkewMs?: number | undefined;
  /** token lifetime when `expires_in` is missing; default 3 600 000 ms (B.2) */
  defaultTokenTtlMs?: number | undefined;
}

export const SERVER_DEFAULTS = {
  defaultRole: 'Evaluated',
  groupRole: 'Viewer',
  deleteMode: 'deactivate',
  tokenAuthStyle: 'basic',
  timeoutMs: 10_000,
  rateLimit: { requestsPerSecond: 10, maxConcurrent: 4 },
  refreshSkewMs: 60_000,
  defaultTokenTtlMs: 3_600_000,
} as const;

export function createServerConnector(
  config: ServerConnectorConfig,
  deps: Partial<ConnectorDeps> = {},
): Connector {
  const http = new HttpClient({
    target: 'server',
    baseUrl: config.apiUrl,
    timeoutMs: config.timeoutMs ?? SERVER_DEFAULTS.timeoutMs,
    retry: { ...DEFAULT_RETRY, ...config.retry },
    rateLimit: { ...SERVER_DEFAULTS.rateLimit, ...config.rateLimit },
    logger: deps.logger,
    observer: deps.observer,
  });
  const tokens = new ServerTokenProvider({
    http,
    clientId: config.clientId,
    clientSecret: config.clientSecret,
    authStyle: config.tokenAuthStyle ?? SERVER_DEFAULTS.tokenAuthStyle,
    refreshSkewMs: config.refreshSkewMs ?? SERVER_DEFAULTS.refreshSkewMs,
    defaultTtlMs: config.defaultTokenTtlMs ?? SERVER_DEFAULTS.defaultTokenTtlMs,
    logger: deps.logger,
    observer: deps.observer,
    now: clockOf(deps),
  });
  http.useTokenProvider(tokens);
  return new ServerConnector({
    api: new ServerApi(http),
    http,
    tokens,
    defaultRole: config.defaultRole ?? SERVER_DEFAULTS.defaultRole,
    groupRole: config.groupRole ?? SERVER_DEFAULTS.groupRole,
    deleteMode: config.deleteMode ?? SERVER_DEFAULTS.deleteMode,
  });
}
