// When to try a job again. Transient upstream errors: exponential backoff with jitter, never below the upstream's
// Retry-After. Authentication errors: slowly (someone must fix a credential; hammering helps nobody).
// Attempts are unlimited: the job stays queued and visible (`mappings list --state pending`, the job table).

export interface BackoffOptions {
  baseMs: number;
  maxMs: number;
  authBaseMs: number;
  authMaxMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = {
  baseMs: 1_000,
  maxMs: 5 * 60_000,
  authBaseMs: 60_000,
  authMaxMs: 15 * 60_000,
};

/** "Equal jitter": half fixed, half random, so retries spread out but never come back immediately. */
export function retryDelayMs(
  attempts: number,
  options: BackoffOptions,
  kind: 'transient' | 'auth',
  retryAfterMs?: number,
  random: () => number = Math.random,
): number {
  const base = kind === 'auth' ? options.authBaseMs : options.baseMs;
  const max = kind === 'auth' ? options.authMaxMs : options.maxMs;
  const exponent = Math.min(Math.max(attempts - 1, 0), 30);
  const ceiling = Math.min(max, base * 2 ** exponent);
  const jittered = ceiling / 2 + random() * (ceiling / 2);
  return Math.round(Math.max(jittered, retryAfterMs ?? 0));
}
