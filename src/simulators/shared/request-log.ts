// The request log behind GET /__sim/requests (and its counts, GET /__sim/requests/counts). It keeps what a test
// needs to assert on (method, path, query, status, timing) and never a secret: no bodies, no headers, and
// secret-looking query parameters are masked.
import type { NextFunction, Request, Response } from 'express';
import type { SimClock } from './clock.js';

export interface LoggedRequest {
  seq: number;
  method: string;
  path: string;
  query: Record<string, unknown>;
  /** null when the connection was dropped before an answer */
  status: number | null;
  /** ISO time the request arrived (simulated clock) */
  time: string;
  durationMs: number;
}

const SECRET_QUERY_KEYS = /token|secret|password|assertion|code|authorization/i;
const DEFAULT_CAPACITY = 5000;

function maskQuery(query: Record<string, unknown>): Record<string, unknown> {
  const masked: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(query)) masked[key] = SECRET_QUERY_KEYS.test(key) ? '***' : value;
  return masked;
}

/**
 * A bounded ring: benchmarks send hundreds of thousands of requests, the log must not grow without limit. Beside it,
 * a count of every request since the last reset by method and route pattern (`POST /v4/workspaces/:ws/people/batch`),
 * which stays exact however many requests the ring has forgotten.
 */
export class RequestLog {
  private entries: LoggedRequest[] = [];
  private nextSeq = 1;
  private tallies = new Map<string, number>();

  constructor(private readonly capacity = DEFAULT_CAPACITY) {}

  record(entry: Omit<LoggedRequest, 'seq'>, route: string): void {
    this.entries.push({ seq: this.nextSeq++, ...entry });
    if (this.entries.length > this.capacity * 2) this.entries = this.entries.slice(-this.capacity);
    const key = `${entry.method} ${route}`;
    this.tallies.set(key, (this.tallies.get(key) ?? 0) + 1);
  }

  list(): LoggedRequest[] {
    return this.entries.slice(-this.capacity);
  }

  /** Requests since the last reset, by `METHOD route-pattern`; unmatched paths count under their own path. */
  counts(): Record<string, number> {
    return Object.fromEntries([...this.tallies].sort(([a], [b]) => a.localeCompare(b)));
  }

  clear(): void {
    this.entries = [];
    this.tallies = new Map();
  }
}

/** Records every request outside `/__sim/` once it has been answered or its socket has closed. */
export function requestLogMiddleware(log: RequestLog, clock: SimClock) {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (req.path.startsWith('/__sim/')) return next();
    const startedAt = performance.now();
    const time = clock.nowIso();
    const method = req.method;
    const path = req.path;
    const query = maskQuery(req.query);
    let done = false;
    const finish = (status: number | null): void => {
      if (done) return;
      done = true;
      // The route pattern is known once a handler matched (a fault or an early error answers before that).
      const matched = req.route as { path?: unknown } | undefined;
      const route = typeof matched?.path === 'string' ? `${req.baseUrl}${matched.path}` : path;
      log.record(
        {
          method,
          path,
          query,
          status,
          time,
          durationMs: Math.round((performance.now() - startedAt) * 100) / 100,
        },
        route,
      );
    };
    res.on('finish', () => finish(res.statusCode));
    res.on('close', () => finish(res.writableFinished ? res.statusCode : null));
    next();
  };
}
