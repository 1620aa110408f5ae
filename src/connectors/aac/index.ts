// Factory of the AAC connector. Takes plain, already-validated values (env parsing happens in src/config).
import type { Connector } from '../../core/connector.js';
import { clockOf, type ConnectorDeps } from '../deps.js';
import { HttpClient, type RateLimitConfig } from '../http-client.js';
import { DEFAULT_RETRY, type RetryConfig } from '../retry-policy.js';
import { AacApi } from './aac-api.js';
import { AacConnector } from './connector.js';
import { AacTokenProvider } from './token-provider.js';

export interface AacConnectorConfig {
  /** AAC_API_URL, e.g. `https://us1.alteryxcloud.com` (the `/v4` paths are appended) */
  apiUrl: string;
  /** AAC_TOKEN_URL; default: the access/refresh token's `iss` + `/token` (docs/reference/upstream-contracts.md A.2.2) */
  tokenUrl?: string | undefined;
  /** AAC_CLIENT_ID (public) */
  clientId: string;
  /** AAC_REFRESH_TOKEN: seeds the credential store; later rotations live in the store */
  initialRefreshToken: string;
  /** AAC_WORKSPACE_ID; default: discovered with `GET /v4/workspaces/current` */
  workspaceId?: string | number | undefined;
  /** credential-store key of the token state; default `aac:oauth:<clientId>` */
  credentialKey?: string | undefined;
  /** per-attempt timeout; default 10 000 ms */
  timeoutMs?: number | undefined;
  /** default: 4 attempts, 250 ms base, 5 s max backoff, server-asked waits honoured up to 30 s */
  retry?: Partial<RetryConfig> | undefined;
  /** default: 10 requests/s, 4 in flight */
  rateLimit?: Partial<RateLimitConfig> | undefined;
  /** micro-batch window for invites and (un)suspends; default 10 ms */
  batchWindowMs?: number | undefined;
  /** the window while batches keep coming (a burst); default 30 ms */
  busyBatchWindowMs?: number | undefined;
  /** largest invite/suspend batch; default 100 */
  maxBatchSize?: number | undefined;
  /** refresh the access token this long before it expires (at most half its lifetime); default 30 000 ms */
  refreshSkewMs?: number | undefined;
  /** how long one replica's claim to refresh blocks the others if it dies; default 15 000 ms */
  refreshLeaseMs?: number | undefined;
  /** access-token lifetime when neither `expires_in` nor `exp` says; default 300 000 ms (A.2.2) */
  defaultAccessTokenTtlMs?: number | undefined;
}

export const AAC_DEFAULTS = {
  timeoutMs: 10_000,
  rateLimit: { requestsPerSecond: 10, maxConcurrent: 4 },
  batchWindowMs: 10,
  busyBatchWindowMs: 30,
  maxBatchSize: 100,
  refreshSkewMs: 30_000,
  refreshLeaseMs: 15_000,
  defaultAccessTokenTtlMs: 300_000,
} as const;

export function createAacConnector(config: AacConnectorConfig, deps: ConnectorDeps): Connector {
  const logger = deps.logger;
  const http = new HttpClient({
    target: 'aac',
    baseUrl: config.apiUrl,
    timeoutMs: config.timeoutMs ?? AAC_DEFAULTS.timeoutMs,
    retry: { ...DEFAULT_RETRY, ...config.retry },
    rateLimit: { ...AAC_DEFAULTS.rateLimit, ...config.rateLimit },
    logger,
    observer: deps.observer,
  });
  const tokens = new AacTokenProvider({
    http,
    store: deps.credentialStore,
    credentialKey: config.credentialKey ?? `aac:oauth:${config.clientId}`,
    clientId: config.clientId,
    initialRefreshToken: config.initialRefreshToken,
    tokenUrl: config.tokenUrl,
    refreshSkewMs: config.refreshSkewMs ?? AAC_DEFAULTS.refreshSkewMs,
    refreshLeaseMs: config.refreshLeaseMs ?? AAC_DEFAULTS.refreshLeaseMs,
    defaultAccessTokenTtlMs: config.defaultAccessTokenTtlMs ?? AAC_DEFAULTS.defaultAccessTokenTtlMs,
    logger,
    observer: deps.observer,
    now: clockOf(deps),
  });
  // The provider sends its token calls through the same client (same limits, same audit trail).
  http.useTokenProvider(tokens);
  const api = new AacApi(http, config.workspaceId === undefined ? undefined : String(config.workspaceId));
  return new AacConnector({
    api,
    http,
    tokens,
    batchWindowMs: config.batchWindowMs ?? AAC_DEFAULTS.batchWindowMs,
    busyBatchWindowMs: config.busyBatchWindowMs ?? AAC_DEFAULTS.busyBatchWindowMs,
    maxBatchSize: config.maxBatchSize ?? AAC_DEFAULTS.maxBatchSize,
    logger,
  });
}

export type { ConnectorDeps };
