// One bounded autocannon run and the figures the benchmark reports from it.
import autocannon, { type Options, type Result } from 'autocannon';

export interface LoadSummary {
  /** Completed requests per second over the whole run. */
  reqPerSec: number;
  requests: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Responses outside 2xx, plus connection errors and timeouts: a run with many of these measures failures. */
  non2xx: number;
  errors: number;
}

export function summarize(result: Result): LoadSummary {
  const requests = result.requests.total;
  return {
    reqPerSec: Math.round(requests / Math.max(result.duration, 0.001)),
    requests,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    maxMs: result.latency.max,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  };
}

/** Runs autocannon to completion (duration or amount) against 127.0.0.1 only. */
export async function runLoad(options: Options): Promise<LoadSummary> {
  const host = new URL(options.url).hostname;
  if (host !== '127.0.0.1') throw new Error(`the benchmark only loads 127.0.0.1 (got ${host})`);
  // autocannon writes Content-Length into the headers object of a request with a body; a headers object shared
  // with a later run then makes its GETs announce a body they never send, and they hang. Copy per run.
  const result = await autocannon({
    timeout: 30,
    ...options,
    ...(options.headers ? { headers: { ...options.headers } } : {}),
  });
  return summarize(result);
}
