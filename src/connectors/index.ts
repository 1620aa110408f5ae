// Public surface of the connectors for the composition root (src/container.ts / main.ts).
export { createAacConnector, AAC_DEFAULTS, type AacConnectorConfig } from './aac/index.js';
export { createServerConnector, SERVER_DEFAULTS, type ServerConnectorConfig } from './server/index.js';
export type { ServerDeleteMode } from './server/connector.js';
export type { ServerTokenAuthStyle } from './server/token-provider.js';
export type { BaseConnectorDeps, ConnectorDeps } from './deps.js';
export { InMemoryCredentialStore } from './in-memory-credential-store.js';
export type { LoggerLike } from '../shared/log.js';
export type { RateLimitConfig } from './http-client.js';
export { DEFAULT_RETRY, type RetryConfig } from './retry-policy.js';
