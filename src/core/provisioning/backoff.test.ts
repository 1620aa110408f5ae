import { describe, expect, it } from 'vitest';
import { DEFAULT_BACKOFF, retryDelayMs } from './backoff.js';

describe('retryDelayMs', () => {
  it('doubles per attempt with equal jitter between half and the full ceiling', () => {
    expect(retryDelayMs(1, DEFAULT_BACKOFF, 'transient', undefined, () => 0)).toBe(500);
    expect(retryDelayMs(1, DEFAULT_BACKOFF, 'transient', undefined, () => 1)).toBe(1_000);
    expect(retryDelayMs(4, DEFAULT_BACKOFF, 'transient', undefined, () => 1)).toBe(8_000);
  });

  it('caps at the maximum, even after very many attempts', () => {
    expect(retryDelayMs(10_000, DEFAULT_BACKOFF, 'transient', undefined, () => 1)).toBe(5 * 60_000);
  });

  it('never retries sooner than the upstream asked (Retry-After)', () => {
    expect(retryDelayMs(1, DEFAULT_BACKOFF, 'transient', 7_000, () => 0)).toBe(7_000);
  });

  it('retries authentication failures slowly', () => {
    expect(retryDelayMs(1, DEFAULT_BACKOFF, 'auth', undefined, () => 0)).toBe(30_000);
    expect(retryDelayMs(50, DEFAULT_BACKOFF, 'auth', undefined, () => 1)).toBe(15 * 60_000);
  });
});
