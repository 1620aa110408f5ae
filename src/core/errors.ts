// Errors the provisioning core and the use-cases raise on purpose. They carry stable codes and kinds, never HTTP
// statuses: the error catalogue (src/scim/errors.ts) maps a domain error's code to the SCIM answer, and the job
// runner decides on retries from an UpstreamError's `kind` (./provisioning/failure-policy.ts).
import type { TargetName } from './connector.js';

/**
 * The base of every error the bridge raises on purpose. `code` is stable (logs, tests and the catalogue rely on it);
 * the message is for people and may change.
 */
export abstract class DomainError extends Error {
  abstract readonly code: string;
}

/** The database did not answer (unreachable, closed connection, busy past its timeout): the caller may retry. */
export class DatabaseUnavailableError extends DomainError {
  override readonly name = 'DatabaseUnavailableError';
  readonly code = 'database_unavailable';
  constructor(options?: { cause?: unknown }) {
    super('The bridge database is unavailable; retry later.', options);
  }
}

export type UpstreamErrorKind =
  /** 429, 5xx, timeouts, dropped connections: try again later */
  | 'transient'
  /** the upstream refused the request for good (400, 409, 422, validation): do not retry */
  | 'rejected'
  /** the upstream object does not exist (404/410) */
  | 'not-found'
  /** credentials refused even after a refresh (spent refresh token, bad client secret) */
  | 'auth';

export class UpstreamError extends DomainError {
  override readonly name = 'UpstreamError';
  constructor(
    readonly target: TargetName,
    readonly kind: UpstreamErrorKind,
    message: string,
    readonly status?: number,
    /** milliseconds the upstream asked us to wait (Retry-After / x-retry-after) */
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }

  /** `upstream_transient`, `upstream_rejected`, …: never answered to the IdP as such (ADR 0003 decides that). */
  get code(): `upstream_${UpstreamErrorKind}` {
    return `upstream_${this.kind}`;
  }

  get retryable(): boolean {
    return this.kind === 'transient';
  }
}
