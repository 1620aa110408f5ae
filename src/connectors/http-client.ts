// The one place the bridge talks HTTP to an upstream (the only `axios.create` in the project; one instance per
// connector). It owns: base URL, timeouts, the proactive rate limit (p-queue), retries with backoff,
// auth header injection with one renew-and-retry on 401, per-attempt reporting to `ctx.onUpstreamCall`, log
// redaction, and the mapping of final failures to `UpstreamError`.
//
// Why a hand-written retry loop instead of axios-retry: every attempt must be reported with its own status and
// duration, the 401 renewal must not consume the transient-retry budget, each attempt must pass through the
// rate limiter again, and non-idempotent calls may still be repeated when the upstream provably did nothing
// (429, connection refused). axios-retry's hooks cover only parts of that.
import { setMaxListeners } from 'node:events';
import http from 'node:http';
import https from 'node:https';
import axios, { type AxiosInstance, type AxiosResponse } from 'axios';
import PQueue from 'p-queue';
import type { CallContext, TargetName } from '../core/connector.js';
import { UpstreamError, type UpstreamErrorKind } from '../core/errors.js';
import { NO_OBSERVER, type UpstreamObserver } from '../core/observability.js';
import { silentLogger, type LoggerLike } from '../shared/log.js';
import { redact, redactString } from './redact.js';
import {
  backoffDelayMs,
  classifyNetworkError,
  classifyStatus,
  isRepeatable,
  retryAfterMs,
  type FailureClass,
  type RetryConfig,
} from './retry-policy.js';
import { sleep } from '../shared/collections.js';

/** Supplies bearer tokens. Implemented per upstream (AAC refresh-token grant, Server client credentials). */
export interface TokenProvider {
  /** a token believed valid now (refreshes proactively when close to expiry) */
  getAccessToken(ctx: CallContext): Promise<string>;
  /** the upstream answered 401 to `refused`: return a different token, or throw UpstreamError kind 'auth' */
  renewAfterUnauthorized(refused: string, ctx: CallContext): Promise<string>;
}

export interface RateLimitConfig {
  /** sustained request rate towards this upstream; 0 = unlimited */
  requestsPerSecond: number;
  /** requests in flight at once; 0 = unlimited */
  maxConcurrent: number;
}

export interface HttpClientOptions {
  target: TargetName;
  /** e.g. `https://us1.alteryxcloud.com` or `https://server.example.com/webapi`; request paths are appended */
  baseUrl: string;
  timeoutMs: number;
  retry: RetryConfig;
  rateLimit: RateLimitConfig;
  tokenProvider?: TokenProvider | undefined;
  logger?: LoggerLike | undefined;
  /** metrics: every attempt, the rate limiter's wait and its configured rate */
  observer?: UpstreamObserver | undefined;
  /** test seam for the jitter */
  random?: (() => number) | undefined;
}

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
export type QueryValue = string | number | boolean | ReadonlyArray<string | number>;

export interface HttpRequest {
  method: HttpMethod;
  /** relative to the base URL (`/v4/...`), or an absolute URL for token endpoints on another host */
  path: string;
  /** arrays become repeated parameters (`userIds=1&userIds=2`, docs/reference/upstream-contracts.md A.6.7) */
  query?: Record<string, QueryValue | undefined> | undefined;
  json?: unknown;
  form?: Record<string, string> | undefined;
  /** extra headers (e.g. Basic auth on a token endpoint); never logged */
  headers?: Record<string, string> | undefined;
  /**
   * May an ambiguous failure (5xx, timeout, dropped connection) be repeated? Defaults: true for GET, PUT and
   * DELETE, false for POST and PATCH. 429 and "connection refused" are always repeated: the upstream did nothing.
   */
  safeToRepeat?: boolean | undefined;
  /** default true; token-endpoint calls pass false */
  authenticated?: boolean | undefined;
  /** statuses that are answers, not errors, for this call (e.g. 404 on an idempotent delete) */
  acceptStatuses?: readonly number[] | undefined;
  ctx: CallContext;
}

export interface HttpResponse {
  status: number;
  /** parsed JSON, the raw text when it is not JSON, or undefined for an empty body */
  data: unknown;
  headers: Record<string, unknown>;
}

type AttemptOutcome =
  | { kind: 'response'; response: HttpResponse }
  | { kind: 'network'; code: string | undefined; message: string };

const SAFE_BY_DEFAULT: Record<HttpMethod, boolean> = {
  GET: true,
  PUT: true,
  DELETE: true,
  POST: false,
  PATCH: false,
};

export class HttpClient {
  private readonly axios: AxiosInstance;
  private readonly limiter: PQueue;
  /** aborts the requests still waiting in the limiter when the client closes (one listener per waiting request) */
  private readonly closing = new AbortController();
  private readonly agents: { http: http.Agent; https: https.Agent };
  private readonly logger: LoggerLike;
  private readonly observer: UpstreamObserver;
  private readonly random: () => number;
  private boundTokenProvider: TokenProvider | undefined;

  constructor(private readonly options: HttpClientOptions) {
    this.logger = options.logger ?? silentLogger;
    this.observer = options.observer ?? NO_OBSERVER;
    this.random = options.random ?? Math.random;
    this.agents = { http: new http.Agent({ keepAlive: true }), https: new https.Agent({ keepAlive: true }) };
    this.axios = axios.create({
      baseURL: options.baseUrl.replace(/\/+$/, ''),
      timeout: options.timeoutMs,
      httpAgent: this.agents.http,
      httpsAgent: this.agents.https,
      // Statuses, JSON parsing and redirects are handled here, not by axios.
      validateStatus: () => true,
      responseType: 'text',
      transformResponse: [(data: unknown) => data],
      maxRedirects: 0,
      headers: { Accept: 'application/json' },
    });
    const { requestsPerSecond, maxConcurrent } = options.rateLimit;
    // A sliding one-second window (p-queue `strict`): one second's worth of requests may go at once (a lone SCIM
    // request's 3-5 upstream calls are not spread over half a second), and no rolling second carries more.
    // p-queue starts a request as soon as the limits allow, without yielding to the timer queue: Bottleneck,
    // used before, yielded several times per request, which added 20-60 ms per call under load (bench/README.md).
    setMaxListeners(Number.POSITIVE_INFINITY, this.closing.signal);
    this.limiter = new PQueue({
      concurrency: maxConcurrent > 0 ? maxConcurrent : Number.POSITIVE_INFINITY,
      ...(requestsPerSecond > 0
        ? { intervalCap: Math.max(1, Math.floor(requestsPerSecond)), interval: 1_000, strict: true }
        : {}),
    });
    this.observer.rateLimitSource(options.target, () => this.rateLimitRps());
  }

  /** The proactive rate limit now in force (requests per second; 0 = unlimited). */
  rateLimitRps(): number {
    const { requestsPerSecond } = this.options.rateLimit;
    return requestsPerSecond > 0 ? Math.max(1, Math.floor(requestsPerSecond)) : 0;
  }

  get target(): TargetName {
    return this.options.target;
  }

  /** Sends the request with retries; resolves with a 2xx (or accepted) response, else throws UpstreamError. */
  async request(req: HttpRequest): Promise<HttpResponse> {
    const safeToRepeat = req.safeToRepeat ?? SAFE_BY_DEFAULT[req.method];
    const authenticated = req.authenticated ?? true;
    const { retry } = this.options;
    let renewedAfter401 = false;
    let failures = 0;

    for (let attempt = 1; ; attempt++) {
      const token = authenticated ? await this.tokenProvider().getAccessToken(req.ctx) : undefined;
      const queuedAt = performance.now();
      const outcome = await this.limiter.add(
        () => {
          this.observer.rateLimiterWait(this.target, performance.now() - queuedAt);
          return this.attemptOnce(req, attempt, token);
        },
        { signal: this.closing.signal },
      );

      let failure: FailureClass;
      let waitAsked: number | undefined;
      if (outcome.kind === 'response') {
        const { status } = outcome.response;
        if ((status >= 200 && status < 300) || req.acceptStatuses?.includes(status)) return outcome.response;
        if (status === 401 && token !== undefined && !renewedAfter401) {
          // One renewal per request: the token may have expired or been revoked in the meantime.
          renewedAfter401 = true;
          await this.tokenProvider().renewAfterUnauthorized(token, req.ctx);
          continue;
        }
        failure = classifyStatus(status);
        waitAsked = retryAfterMs(outcome.response.headers, Date.now());
      } else {
        failure = classifyNetworkError(outcome.code);
      }

      failures++;
      const exhausted = failures >= retry.maxAttempts;
      const waitTooLong = waitAsked !== undefined && waitAsked > retry.maxRetryAfterMs;
      if (!isRepeatable(failure, safeToRepeat) || exhausted || waitTooLong) {
        throw this.toUpstreamError(req, outcome, waitAsked);
      }
      const delay = waitAsked ?? backoffDelayMs(failures, retry, this.random);
      this.logger.warn(
        {
          target: this.target,
          requestId: req.ctx.requestId,
          method: req.method,
          path: this.reportedPath(req),
          attempt,
          delayMs: delay,
        },
        'upstream call failed; retrying',
      );
      await sleep(delay);
    }
  }

  /** Drops the requests still waiting for the limiter (they reject) and closes kept-alive sockets. */
  close(): Promise<void> {
    this.closing.abort(new UpstreamError(this.target, 'transient', `${this.target}: HTTP client closed`));
    this.limiter.clear();
    this.agents.http.destroy();
    this.agents.https.destroy();
    return Promise.resolve();
  }

  /** Binds the token provider after construction (providers send their own token calls through this client). */
  useTokenProvider(provider: TokenProvider): void {
    this.boundTokenProvider = provider;
  }

  private tokenProvider(): TokenProvider {
    const provider = this.boundTokenProvider ?? this.options.tokenProvider;
    if (!provider) throw new Error(`${this.target}: authenticated call without a token provider`);
    return provider;
  }

  private async attemptOnce(
    req: HttpRequest,
    attempt: number,
    token: string | undefined,
  ): Promise<AttemptOutcome> {
    const started = performance.now();
    const path = this.reportedPath(req);
    let outcome: AttemptOutcome;
    try {
      const response = await this.axios.request<string>({
        method: req.method,
        url: withQuery(req.path, req.query),
        headers: this.headersFor(req, token),
        data: bodyOf(req),
      });
      outcome = { kind: 'response', response: toHttpResponse(response) };
    } catch (error) {
      outcome = { kind: 'network', ...networkFailure(error) };
    }
    const durationMs = Math.round(performance.now() - started);
    const status = outcome.kind === 'response' ? outcome.response.status : null;
    const errorText = outcome.kind === 'network' ? redactString(outcome.message) : undefined;
    this.logger.debug(
      {
        target: this.target,
        requestId: req.ctx.requestId,
        method: req.method,
        path,
        status,
        durationMs,
        attempt,
        error: errorText,
      },
      'upstream call',
    );
    this.observer.upstreamCall({ target: this.target, operation: operationOf(req), status, durationMs });
    req.ctx.onUpstreamCall?.({
      target: this.target,
      method: req.method,
      path,
      status,
      durationMs,
      attempt,
      error: errorText,
    });
    return outcome;
  }

  private headersFor(req: HttpRequest, token: string | undefined): Record<string, string> {
    const headers: Record<string, string> = { ...req.headers };
    if (token !== undefined) headers.Authorization = `Bearer ${token}`;
    if (req.form) headers['Content-Type'] = 'application/x-www-form-urlencoded';
    else if (req.json !== undefined) headers['Content-Type'] = 'application/json';
    return headers;
  }

  /** Path + query for audit and logs. Absolute URLs (token endpoints) keep origin and path, never a query. */
  private reportedPath(req: HttpRequest): string {
    if (/^https?:\/\//i.test(req.path)) {
      const url = new URL(req.path);
      return `${url.origin}${url.pathname}`;
    }
    return withQuery(req.path, req.query);
  }

  private toUpstreamError(
    req: HttpRequest,
    outcome: AttemptOutcome,
    waitAsked: number | undefined,
  ): UpstreamError {
    const where = `${req.method} ${this.reportedPath(req)}`;
    if (outcome.kind === 'network') {
      return new UpstreamError(this.target, 'transient', `${where}: ${redactString(outcome.message)}`);
    }
    const { status, data } = outcome.response;
    const detail = describeBody(data);
    this.logger.warn(
      { target: this.target, requestId: req.ctx.requestId, where, status, body: redact(data) },
      'upstream call failed',
    );
    return new UpstreamError(
      this.target,
      kindForStatus(status),
      `${where} → ${status}${detail ? `: ${detail}` : ''}`,
      status,
      waitAsked,
    );
  }
}

export function kindForStatus(status: number): UpstreamErrorKind {
  if (status === 401 || status === 403) return 'auth';
  if (status === 404 || status === 410) return 'not-found';
  if (classifyStatus(status) !== 'final') return 'transient';
  return 'rejected';
}

/** A short, redacted description of an upstream error body (AAC `exception`, Server `message`, OAuth `error`). */
export function describeBody(data: unknown): string {
  let text = '';
  if (typeof data === 'string') text = data;
  else if (data !== null && typeof data === 'object') {
    const record = data as Record<string, unknown>;
    const exception = record.exception;
    const parts: unknown[] = [];
    if (exception !== null && typeof exception === 'object') {
      const ex = exception as Record<string, unknown>;
      parts.push(ex.name, ex.message, ex.details);
    }
    parts.push(record.error, record.error_description, record.message);
    if (record.modelState !== undefined) parts.push(JSON.stringify(redact(record.modelState)));
    text = parts.filter((part): part is string => typeof part === 'string' && part.length > 0).join(' – ');
  }
  const clean = redactString(text.replace(/\s+/g, ' ').trim());
  return clean.length > 300 ? `${clean.slice(0, 300)}…` : clean;
}

/**
 * The operation label of a call for metrics: the method and the path with every id replaced by `:id`, without the
 * query; token endpoints (absolute URLs, possibly on another host) are `token`. A path segment is kept only when it
 * is an API word (`v4`, `workspaces`, `people`, `batch`, …), so ids, numbers and emails never become label values.
 */
export function operationOf(req: Pick<HttpRequest, 'method' | 'path'>): string {
  if (/^https?:\/\//i.test(req.path)) return `${req.method} token`;
  const template = (req.path.split('?')[0] ?? '')
    .split('/')
    .map((segment) => (segment === '' || API_WORD.test(segment) ? segment : ':id'))
    .join('/');
  return `${req.method} ${template}`;
}

/** `v4`, `oauth2`, or a word of letters only, short enough not to be an id (Server ids are 24 hex digits). */
const API_WORD = /^(?:v\d{1,2}|oauth2|[A-Za-z]{1,20})$/;

export function withQuery(path: string, query: HttpRequest['query']): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const item of value) params.append(key, String(item));
    else params.append(key, String(value));
  }
  const qs = params.toString();
  if (!qs) return path;
  return `${path}${path.includes('?') ? '&' : '?'}${qs}`;
}

function bodyOf(req: HttpRequest): string | undefined {
  if (req.form) return new URLSearchParams(req.form).toString();
  if (req.json !== undefined) return JSON.stringify(req.json);
  return undefined;
}

function toHttpResponse(response: AxiosResponse<string>): HttpResponse {
  return {
    status: response.status,
    data: parseBody(response.data),
    headers: { ...(response.headers as Record<string, unknown>) },
  };
}

function parseBody(raw: unknown): unknown {
  if (typeof raw !== 'string') return raw;
  if (raw.trim() === '') return undefined;
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return raw;
  }
}

function networkFailure(error: unknown): { code: string | undefined; message: string } {
  if (axios.isAxiosError(error)) return { code: error.code, message: error.message };
  if (error instanceof Error) return { code: undefined, message: error.message };
  return { code: undefined, message: 'unknown network failure' };
}
