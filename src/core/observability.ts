// Port for what the connectors report to the operator's monitoring (Prometheus, via src/observability). The core
// and the connectors call it; prom-client stays outside. Every label value passed here must come from a small,
// fixed set (targets, operation templates, outcomes): never an id, an email or an upstream message.
import type { TargetName } from './connector.js';

/** How an attempt to obtain an upstream access token ended. */
export type TokenRefreshOutcome =
  /** a new access token was issued */
  | 'ok'
  /** the upstream refused the credentials (spent/revoked refresh token, wrong key or secret) */
  | 'refused'
  /** no usable answer (network, 5xx, unexpected body) */
  | 'error';

export interface UpstreamCallObservation {
  target: TargetName;
  /** method + path template, e.g. `POST /v4/workspaces/:id/people/batch` (never an id or a query) */
  operation: string;
  /** HTTP status, or null when no response came */
  status: number | null;
  durationMs: number;
}

export interface UpstreamObserver {
  /** one HTTP attempt (each retry counts) */
  upstreamCall(call: UpstreamCallObservation): void;
  /** how long one attempt waited for the proactive rate limiter before it was sent */
  rateLimiterWait(target: TargetName, waitedMs: number): void;
  /**
   * Registers where the current proactive rate limit (requests per second, 0 = unlimited) of `target` is read.
   * Read at every scrape, so a limiter that adapts its rate (issue 13) is shown as it is.
   */
  rateLimitSource(target: TargetName, read: () => number): void;
  tokenRefresh(target: TargetName, outcome: TokenRefreshOutcome): void;
  /** when the refresh token now in use expires (epoch ms), or null when it does not say (not a JWT) */
  refreshTokenExpiry(target: TargetName, expiresAtMs: number | null): void;
}

export const NO_OBSERVER: UpstreamObserver = {
  upstreamCall: () => undefined,
  rateLimiterWait: () => undefined,
  rateLimitSource: () => undefined,
  tokenRefresh: () => undefined,
  refreshTokenExpiry: () => undefined,
};
