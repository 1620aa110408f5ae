// What both connector factories receive besides their configuration.
import type { CredentialStore } from '../core/credential-store.js';
import type { UpstreamObserver } from '../core/observability.js';
import type { LoggerLike } from '../shared/log.js';

export interface BaseConnectorDeps {
  /** pino or anything with debug/info/warn/error(obj, msg) */
  logger?: LoggerLike | undefined;
  /** epoch-ms clock for token expiry decisions; default Date.now */
  clock?: { now(): number } | undefined;
  /** metrics (upstream calls, rate limiter, token refreshes); default none */
  observer?: UpstreamObserver | undefined;
}

export interface ConnectorDeps extends BaseConnectorDeps {
  /** persists rotated refresh tokens (AAC; Server keeps its short-lived token in memory only) */
  credentialStore: CredentialStore;
}

export function clockOf(deps: BaseConnectorDeps): (() => number) | undefined {
  const clock = deps.clock;
  return clock ? () => clock.now() : undefined;
}
