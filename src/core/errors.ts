// Errors the provisioning core understands. They carry kinds, not HTTP statuses: the SCIM layer maps them
// to SCIM error responses (src/scim/errors.ts) and the job runner decides on retries from `retryable`.
import type { TargetName } from './connector.js';

export type UpstreamErrorKind =
  /** 429, 5xx, timeouts, dropped connections: try again later */
  | 'transient'
  /** the upstream refused the request for good (400, 409, 422, validation): do not retry */
  | 'rejected'
  /** the upstream object does not exist (404/410) */
  | 'not-found'
  /** credentials refused even after a refresh (spent refresh token, bad client secret) */
  | 'auth';

export class UpstreamError extends Error {
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

  get retryable(): boolean {
    return this.kind === 'transient';
  }
}
