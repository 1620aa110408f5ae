// Prometheus metrics (prom-client), served at GET /metrics. Names fixed by docs/reference/bridge-interface.md
// ("Operations interface" → HTTP). Two kinds of source:
//   - events: HTTP requests, SCIM auth failures and the connectors' upstream calls, token refreshes and rate-limiter
//     waits arrive through small methods (the connectors see only the core port UpstreamObserver);
//   - state: gauges read at every scrape from a provider function (`addGauge`): jobs by state, oldest pending job,
//     readiness. Issue 10's held deprovisions and drift items plug in as two more providers (see docs/operations.md).
// Every label takes its values from a small fixed set: route templates, targets, operation templates, outcomes,
// reason codes. Values outside the expected set collapse into one (`other`), so no input can grow the series count.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { TargetName } from '../core/connector.js';
import type {
  TokenRefreshOutcome,
  UpstreamCallObservation,
  UpstreamObserver,
} from '../core/observability.js';

export interface GaugeSample {
  labels: Record<string, string>;
  value: number;
}

/** A gauge whose samples are read from `collect` at every scrape (the previous samples are dropped first). */
export interface GaugeProvider {
  name: string;
  help: string;
  labelNames: readonly string[];
  collect(): Promise<GaugeSample[]> | GaugeSample[];
}

export interface HttpObservation {
  method: string;
  /** a route template (`/scim/v2/Users/:id`) or `unmatched` */
  route: string;
  status: number;
  seconds: number;
}

export interface MetricsOptions {
  /** default Node process metrics (CPU, memory, event-loop lag, GC); default true */
  processMetrics?: boolean;
  /** called when a gauge provider fails during a scrape (the gauge is then left empty) */
  onCollectError?: (gauge: string, err: unknown) => void;
}

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);
/** most distinct upstream operation labels kept per target before new ones count as `other` */
const MAX_OPERATIONS = 100;
const SECONDS_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export class BridgeMetrics implements UpstreamObserver {
  readonly registry = new Registry();
  private readonly httpRequests: Counter<'method' | 'route' | 'status'>;
  private readonly httpDuration: Histogram<'method' | 'route'>;
  private readonly authFailures: Counter<'reason'>;
  private readonly upstreamRequests: Counter<'target' | 'operation' | 'status'>;
  private readonly upstreamDuration: Histogram<'target' | 'operation'>;
  private readonly rateLimitWait: Histogram<'target'>;
  private readonly tokenRefreshes: Counter<'target' | 'outcome'>;
  private readonly aacRefreshTokenExpiry: Gauge;
  private readonly rateSources = new Map<TargetName, () => number>();
  private readonly operations = new Map<TargetName, Set<string>>();
  private readonly expiries = new Map<TargetName, number | null>();

  constructor(private readonly options: MetricsOptions = {}) {
    const registers = [this.registry];
    if (options.processMetrics ?? true) collectDefaultMetrics({ register: this.registry });
    this.httpRequests = new Counter({
      name: 'scim_bridge_http_requests_total',
      help: 'HTTP requests answered, by method, route template and status',
      labelNames: ['method', 'route', 'status'],
      registers,
    });
    this.httpDuration = new Histogram({
      name: 'scim_bridge_http_request_duration_seconds',
      help: 'time to answer an HTTP request, by method and route template',
      labelNames: ['method', 'route'],
      buckets: SECONDS_BUCKETS,
      registers,
    });
    this.authFailures = new Counter({
      name: 'scim_bridge_scim_auth_failures_total',
      help: 'SCIM requests refused with 401: no bearer token (missing) or an unknown/revoked one (invalid)',
      labelNames: ['reason'],
      registers,
    });
    this.upstreamRequests = new Counter({
      name: 'scim_bridge_upstream_requests_total',
      help: 'HTTP attempts towards an upstream (each retry counts), by target, operation and status (network = no answer)',
      labelNames: ['target', 'operation', 'status'],
      registers,
    });
    this.upstreamDuration = new Histogram({
      name: 'scim_bridge_upstream_request_duration_seconds',
      help: 'duration of one upstream HTTP attempt, by target and operation',
      labelNames: ['target', 'operation'],
      buckets: SECONDS_BUCKETS,
      registers,
    });
    this.rateLimitWait = new Histogram({
      name: 'scim_bridge_upstream_rate_limit_wait_seconds',
      help: "time an upstream attempt waited for the bridge's proactive rate limiter before it was sent",
      labelNames: ['target'],
      buckets: [0.001, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers,
    });
    const sources = this.rateSources;
    new Gauge({
      name: 'scim_bridge_upstream_rate_limit_rps',
      help: 'proactive rate limit towards the upstream now in force, requests per second (0 = unlimited)',
      labelNames: ['target'],
      registers,
      collect() {
        this.reset();
        for (const [target, read] of sources) this.set({ target }, read());
      },
    });
    this.tokenRefreshes = new Counter({
      name: 'scim_bridge_token_refresh_total',
      help: 'attempts to obtain an upstream access token, by target and outcome (ok, refused, error)',
      labelNames: ['target', 'outcome'],
      registers,
    });
    this.aacRefreshTokenExpiry = new Gauge({
      name: 'scim_bridge_aac_refresh_token_expiry_timestamp_seconds',
      help: 'when the AAC refresh token in use expires (Unix time); absent while unknown',
      registers,
    });
  }

  // ── HTTP (src/http) ────────────────────────────────────────────────────────────────────────────────────────
  httpRequest(o: HttpObservation): void {
    const method = METHODS.has(o.method) ? o.method : 'other';
    this.httpRequests.inc({ method, route: o.route, status: String(o.status) });
    this.httpDuration.observe({ method, route: o.route }, o.seconds);
  }

  scimAuthFailure(reason: 'missing' | 'invalid' | 'url_token'): void {
    this.authFailures.inc({ reason });
  }

  // ── UpstreamObserver (connectors) ──────────────────────────────────────────────────────────────────────────
  upstreamCall(call: UpstreamCallObservation): void {
    const operation = this.boundedOperation(call.target, call.operation);
    const status = call.status === null ? 'network' : String(call.status);
    this.upstreamRequests.inc({ target: call.target, operation, status });
    this.upstreamDuration.observe({ target: call.target, operation }, call.durationMs / 1000);
  }

  rateLimiterWait(target: TargetName, waitedMs: number): void {
    this.rateLimitWait.observe({ target }, waitedMs / 1000);
  }

  rateLimitSource(target: TargetName, read: () => number): void {
    this.rateSources.set(target, read);
  }

  tokenRefresh(target: TargetName, outcome: TokenRefreshOutcome): void {
    this.tokenRefreshes.inc({ target, outcome });
  }

  refreshTokenExpiry(target: TargetName, expiresAtMs: number | null): void {
    this.expiries.set(target, expiresAtMs);
    if (target !== 'aac') return;
    if (expiresAtMs === null) this.aacRefreshTokenExpiry.reset();
    else this.aacRefreshTokenExpiry.set(Math.floor(expiresAtMs / 1000));
  }

  /** The last reported expiry of `target`'s refresh token: epoch ms, null = the token does not say, undefined = not yet known. */
  refreshTokenExpiresAt(target: TargetName): number | null | undefined {
    return this.expiries.get(target);
  }

  // ── State read at scrape time ──────────────────────────────────────────────────────────────────────────────
  addGauge(provider: GaugeProvider): void {
    const onError = this.options.onCollectError;
    new Gauge({
      name: provider.name,
      help: provider.help,
      labelNames: [...provider.labelNames],
      registers: [this.registry],
      async collect() {
        this.reset();
        try {
          for (const sample of await provider.collect()) this.set(sample.labels, sample.value);
        } catch (err) {
          onError?.(provider.name, err);
        }
      },
    });
  }

  /** The Prometheus text exposition. */
  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }

  private boundedOperation(target: TargetName, operation: string): string {
    let seen = this.operations.get(target);
    if (!seen) {
      seen = new Set();
      this.operations.set(target, seen);
    }
    if (seen.has(operation)) return operation;
    if (seen.size >= MAX_OPERATIONS) return 'other';
    seen.add(operation);
    return operation;
  }
}
