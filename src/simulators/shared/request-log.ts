// The request log behind GET /__sim/requests. It keeps what a test needs to assert on (method, path, query, status,
// timing) and never a secret: no bodies, no headers, and secret-looking query parameters are masked.
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

/** A bounded ring: benchmarks send hundreds of thousands of requests, the log must not grow without limit. */
export class RequestLog {
  private entries: LoggedRequest[] = [];
  private nextSeq = 1;

  constructor(private readonly capacity = DEFAULT_CAPACITY) {}

  record(entry: Omit<LoggedRequest, 'seq'>): void {
    this.entries.push({ seq: this.nextSeq++, ...entry });
    if (this.entries.length > this.capacity * 2) this.entries = this.entries.slice(-this.capacity);
  }

  list(): LoggedRequest[] {
    return this.entries.slice(-this.capacity);
  }

  clear(): void {
    this.entries = [];
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
      log.record({
        method,
        path,
        query,
        status,
        time,
        durationMs: Math.round((performance.now() - startedAt) * 100) / 100,
      });
    };
    res.on('finish', () => finish(res.statusCode));
    res.on('close', () => finish(res.writableFinished ? res.statusCode : null));
    next();
  };
}
