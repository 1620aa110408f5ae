// When and how long to wait before repeating an upstream request.
// Exponential backoff with full jitter (delay = random(0, min(max, base · 2^(attempt-1)))), unless the upstream
// said how long to wait: AAC sends the non-standard `x-retry-after` in seconds (docs/reference/upstream-contracts.md A.5); others send
// the standard `Retry-After` as seconds or an HTTP date. A server-given wait is honoured but capped.

export interface RetryConfig {
  /** total tries including the first one; 1 disables retries */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** cap on a wait the upstream asked for; a longer ask ends the retries with a transient error */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY: RetryConfig = {
  maxAttempts: 4,
  baseDelayMs: 250,
  maxDelayMs: 5_000,
  maxRetryAfterMs: 30_000,
};

/** HTTP statuses that say "try again later". */
export const TRANSIENT_STATUSES: ReadonlySet<number> = new Set([408, 429, 500, 502, 503, 504]);

/** Network failures where the request certainly never reached the upstream: always safe to repeat. */
const NOT_SENT_NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);

export type FailureClass =
  /** no request reached the upstream (connection refused, DNS): repeatable even for non-idempotent calls */
  | 'not-sent'
  /** 429: the upstream refused before doing anything (rate limit) */
  | 'throttled'
  /** 5xx or a lost/timed-out exchange: the upstream may have acted */
  | 'ambiguous'
  /** anything else: do not repeat */
  | 'final';

/** A failed exchange without an HTTP response. Unknown codes count as ambiguous: the request may have arrived. */
export function classifyNetworkError(code: string | undefined): FailureClass {
  if (code !== undefined && NOT_SENT_NETWORK_CODES.has(code)) return 'not-sent';
  return 'ambiguous';
}

export function classifyStatus(status: number): FailureClass {
  if (status === 429) return 'throttled';
  if (TRANSIENT_STATUSES.has(status)) return 'ambiguous';
  return 'final';
}

/** May a failure of this class be repeated for a request with this safety? */
export function isRepeatable(failure: FailureClass, safeToRepeat: boolean): boolean {
  if (failure === 'final') return false;
  if (failure === 'not-sent' || failure === 'throttled') return true;
  return safeToRepeat;
}

export function backoffDelayMs(
  attempt: number,
  config: RetryConfig,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(config.maxDelayMs, config.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(random() * ceiling);
}

type HeaderBag = Record<string, unknown>;

/** The wait the upstream asked for, in ms, or undefined when it did not say (or said something unparseable). */
export function retryAfterMs(headers: HeaderBag | undefined, nowMs: number): number | undefined {
  if (!headers) return undefined;
  const aac = headerValue(headers, 'x-retry-after');
  const standard = headerValue(headers, 'retry-after');
  for (const raw of [aac, standard]) {
    if (raw === undefined) continue;
    const parsed = parseRetryAfter(raw, nowMs);
    if (parsed !== undefined) return parsed;
  }
  return undefined;
}

export function parseRetryAfter(raw: string, nowMs: number): number | undefined {
  const trimmed = raw.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - nowMs);
}

function headerValue(headers: HeaderBag, name: string): string | undefined {
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== name) continue;
    if (typeof value === 'string') return value;
    if (typeof value === 'number') return String(value);
    if (Array.isArray(value) && typeof value[0] === 'string') return value[0];
  }
  return undefined;
}
