// docs/reference/upstream-contracts.md A.5 / Part D #18: per-endpoint quotas per user and per workspace in one-minute windows, with the
// `x-rate-limit-*` headers and the non-standard `x-retry-after` (seconds).
import type { Response } from 'express';
import { compilePathPattern, methodMatches } from '../shared/path-pattern.js';
import type { AacRateLimitRule } from './settings.js';

const WINDOW_MS = 60_000;

interface Window {
  startedAt: number;
  used: number;
}

export interface RateDecision {
  allowed: boolean;
  retryAfterSeconds: number;
  quotaName: string;
  limit: number;
  /** which quota was exceeded (the 429 details say "per user" or "per workspace") */
  scope: 'user' | 'workspace';
}

export class RateLimiter {
  private windows = new Map<string, Window>();
  private matchers = new Map<string, (path: string) => boolean>();

  clear(): void {
    this.windows.clear();
  }

  /**
   * Counts this call against the first matching rule, sets the rate-limit headers and says whether it may proceed.
   * Returns undefined when no rule applies.
   */
  check(
    rules: AacRateLimitRule[],
    method: string,
    path: string,
    personId: number,
    workspaceId: number,
    nowMs: number,
    res: Response,
  ): RateDecision | undefined {
    const index = rules.findIndex(
      (rule) => methodMatches(rule.method, method) && this.matcher(rule.path)(path),
    );
    const rule = rules[index];
    if (!rule) return undefined;
    const scopes: Array<{ kind: 'user' | 'workspace'; key: string; limit: number }> = [];
    if (rule.perUserPerMinute)
      scopes.push({ kind: 'user', key: `${index}|u|${personId}`, limit: rule.perUserPerMinute });
    if (rule.perWorkspacePerMinute)
      scopes.push({ kind: 'workspace', key: `${index}|w|${workspaceId}`, limit: rule.perWorkspacePerMinute });
    let denied: RateDecision | undefined;
    for (const scope of scopes) {
      const window = this.window(scope.key, nowMs);
      const resetAt = window.startedAt + WINDOW_MS;
      const exceeded = window.used >= scope.limit;
      if (!exceeded) window.used += 1;
      res.setHeader(`x-rate-limit-${scope.kind}-limit`, String(scope.limit));
      res.setHeader(`x-rate-limit-${scope.kind}-remaining`, String(Math.max(0, scope.limit - window.used)));
      res.setHeader(`x-rate-limit-${scope.kind}-reset`, String(resetAt));
      if (exceeded && !denied) {
        denied = {
          allowed: false,
          retryAfterSeconds: Math.max(1, Math.ceil((resetAt - nowMs) / 1000)),
          quotaName: rule.name ?? `${method} ${rule.path}`,
          limit: scope.limit,
          scope: scope.kind,
        };
      }
    }
    return (
      denied ?? {
        allowed: true,
        retryAfterSeconds: 0,
        quotaName: rule.name ?? rule.path,
        limit: 0,
        scope: 'user',
      }
    );
  }

  private window(key: string, nowMs: number): Window {
    let window = this.windows.get(key);
    if (!window || nowMs - window.startedAt >= WINDOW_MS) {
      window = { startedAt: nowMs, used: 0 };
      this.windows.set(key, window);
    }
    return window;
  }

  private matcher(pattern: string): (path: string) => boolean {
    let matcher = this.matchers.get(pattern);
    if (!matcher) this.matchers.set(pattern, (matcher = compilePathPattern(pattern)));
    return matcher;
  }
}
