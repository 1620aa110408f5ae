// An open-loop load at a steady rate: one request every 1000/rate ms, sent whether or not earlier ones have answered,
// each timed from the moment it was due (so a stalled server is not hidden by requests that were never sent,
// "coordinated omission"). autocannon's `overallRate` does not do this: every connection sends its whole share of a
// second back to back at the start of the second and then pauses, so "200 req/s" measures bursts of 200 requests
// at full speed (node_modules/autocannon/lib/httpClient.js, `reqsMadeThisSecond`).
import http from 'node:http';
import type { LoadSummary } from './load.js';

export interface PacedOptions {
  /** origin, e.g. http://127.0.0.1:8080; only 127.0.0.1 is loaded */
  baseUrl: string;
  rate: number;
  durationS: number;
  headers: Record<string, string>;
  /** the path (with query) of each request */
  nextPath: () => string;
}

const percentile = (sorted: number[], p: number): number =>
  sorted.length === 0 ? 0 : (sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] ?? 0);

function get(agent: http.Agent, url: URL, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve) => {
    const req = http.request(url, { agent, headers, timeout: 30_000 }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', () => resolve(0));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => resolve(0));
    req.end();
  });
}

export async function runPaced(options: PacedOptions): Promise<LoadSummary> {
  const origin = new URL(options.baseUrl);
  if (origin.hostname !== '127.0.0.1')
    throw new Error(`the benchmark only loads 127.0.0.1 (got ${origin.hostname})`);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const total = Math.round(options.rate * options.durationS);
  const intervalMs = 1000 / options.rate;
  const latencies: number[] = [];
  let non2xx = 0;
  let errors = 0;
  const inFlight: Promise<void>[] = [];
  const started = performance.now();
  for (let i = 0; i < total; i++) {
    const due = started + i * intervalMs;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    const url = new URL(options.nextPath(), origin);
    inFlight.push(
      get(agent, url, options.headers).then((status) => {
        latencies.push(performance.now() - due);
        if (status === 0) errors++;
        else if (status < 200 || status >= 300) non2xx++;
      }),
    );
  }
  await Promise.all(inFlight);
  const elapsedS = (performance.now() - started) / 1000;
  agent.destroy();
  const sorted = latencies.sort((a, b) => a - b);
  const round = (ms: number) => Math.round(ms * 10) / 10;
  return {
    reqPerSec: Math.round(total / elapsedS),
    requests: total,
    p50Ms: round(percentile(sorted, 0.5)),
    p99Ms: round(percentile(sorted, 0.99)),
    maxMs: round(sorted.at(-1) ?? 0),
    non2xx,
    errors,
  };
}
