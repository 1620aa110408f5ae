// HttpClient against a scripted HTTP server on 127.0.0.1: retries, Retry-After, rate limit, 401 renewal,
// per-attempt reporting and redaction. The upstream simulators cover the same paths end to end.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { CallContext, UpstreamCall } from '../../src/core/connector.js';
import { UpstreamError } from '../../src/core/errors.js';
import { HttpClient, type HttpClientOptions, type TokenProvider } from '../../src/connectors/http-client.js';
import type { LoggerLike } from '../../src/shared/log.js';

type Step = (req: http.IncomingMessage, res: http.ServerResponse) => void;

let server: http.Server;
let baseUrl: string;
let script: Step[] = [];
const seen: Array<{ method: string; url: string; authorization: string | undefined; at: number }> = [];
const clients: HttpClient[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    seen.push({
      method: req.method ?? '',
      url: req.url ?? '',
      authorization: req.headers.authorization,
      at: Date.now(),
    });
    req.resume();
    req.on('end', () => {
      const step = script.shift() ?? json(200, { ok: true });
      step(req, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

afterEach(async () => {
  script = [];
  seen.length = 0;
  await Promise.all(clients.splice(0).map((client) => client.close()));
});

function json(status: number, body: unknown, headers: Record<string, string> = {}): Step {
  return (_req, res) => {
    res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
    res.end(body === undefined ? '' : JSON.stringify(body));
  };
}
const drop: Step = (req) => req.socket.destroy();
const hang: Step = () => undefined;

function recordingContext(): { ctx: CallContext; calls: UpstreamCall[] } {
  const calls: UpstreamCall[] = [];
  return { ctx: { requestId: 'req-1', onUpstreamCall: (call) => calls.push(call) }, calls };
}

const staticToken: TokenProvider = {
  getAccessToken: () => Promise.resolve('static-token'),
  renewAfterUnauthorized: () => Promise.resolve('static-token'),
};

function makeClient(overrides: Partial<HttpClientOptions> = {}): HttpClient {
  const client = new HttpClient({
    target: 'server',
    baseUrl,
    timeoutMs: 300,
    retry: { maxAttempts: 4, baseDelayMs: 5, maxDelayMs: 20, maxRetryAfterMs: 2_000 },
    rateLimit: { requestsPerSecond: 0, maxConcurrent: 0 },
    tokenProvider: staticToken,
    ...overrides,
  });
  clients.push(client);
  return client;
}

describe('HttpClient retries', () => {
  it('repeats a GET after 503, a dropped connection and a timeout, reporting every attempt', async () => {
    script = [json(503, { message: 'busy' }), drop, hang, json(200, [{ id: 'u1' }])];
    const { ctx, calls } = recordingContext();
    const response = await makeClient().request({
      method: 'GET',
      path: '/v3/users',
      query: { email: 'a@b.c' },
      ctx,
    });
    expect(response.data).toEqual([{ id: 'u1' }]);
    expect(calls.map((call) => [call.attempt, call.status])).toEqual([
      [1, 503],
      [2, null],
      [3, null],
      [4, 200],
    ]);
    expect(calls[0]?.path).toBe('/v3/users?email=a%40b.c');
    expect(calls.every((call) => call.target === 'server' && call.method === 'GET')).toBe(true);
  });

  it('does not repeat a POST after a 500 (the upstream may have acted) but does after a 429', async () => {
    script = [json(500, { message: 'boom' })];
    const client = makeClient();
    const failure = await client
      .request({ method: 'POST', path: '/v3/users', json: {}, ctx: recordingContext().ctx })
      .catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(UpstreamError);
    expect((failure as UpstreamError).kind).toBe('transient');
    expect(seen).toHaveLength(1);

    seen.length = 0;
    script = [json(429, {}, { 'Retry-After': '0' }), json(201, { id: 'new' })];
    const created = await client.request({
      method: 'POST',
      path: '/v3/users',
      json: {},
      ctx: recordingContext().ctx,
    });
    expect(created.status).toBe(201);
    expect(seen).toHaveLength(2);
  });

  it("honours AAC's x-retry-after (seconds) and the standard Retry-After as an HTTP date", async () => {
    script = [json(429, {}, { 'x-retry-after': '0.3' }), json(200, {})];
    const client = makeClient();
    await client.request({ method: 'GET', path: '/x', ctx: recordingContext().ctx });
    expect((seen[1]?.at ?? 0) - (seen[0]?.at ?? 0)).toBeGreaterThanOrEqual(280);

    seen.length = 0;
    script = [json(503, {}, { 'Retry-After': new Date(Date.now() + 1_000).toUTCString() }), json(200, {})];
    await client.request({ method: 'GET', path: '/x', ctx: recordingContext().ctx });
    // HTTP dates have 1 s resolution: the wait is somewhere in (0, 1 s].
    expect((seen[1]?.at ?? 0) - (seen[0]?.at ?? 0)).toBeGreaterThan(0);
  });

  it('gives up with a transient error carrying retryAfterMs when the asked wait exceeds the cap', async () => {
    script = [
      json(
        429,
        { exception: { name: 'TooManyRequestsException', message: 'Too Many Requests' } },
        { 'x-retry-after': '57' },
      ),
    ];
    const failure = (await makeClient()
      .request({ method: 'GET', path: '/x', ctx: recordingContext().ctx })
      .catch((e: unknown) => e)) as UpstreamError;
    expect(failure.kind).toBe('transient');
    expect(failure.retryAfterMs).toBe(57_000);
    expect(failure.message).toContain('TooManyRequestsException');
    expect(seen).toHaveLength(1);
  });

  it('stops after maxAttempts and maps final statuses to error kinds', async () => {
    script = [json(502, {}), json(502, {}), json(502, {}), json(502, {})];
    const client = makeClient();
    const exhausted = (await client
      .request({ method: 'GET', path: '/x', ctx: recordingContext().ctx })
      .catch((e: unknown) => e)) as UpstreamError;
    expect(exhausted.kind).toBe('transient');
    expect(seen).toHaveLength(4);

    const kinds: Array<[number, string]> = [];
    for (const status of [400, 403, 404, 409, 410, 422]) {
      script = [json(status, { message: 'no' })];
      const error = (await client
        .request({ method: 'GET', path: '/x', ctx: recordingContext().ctx })
        .catch((e: unknown) => e)) as UpstreamError;
      kinds.push([status, error.kind]);
    }
    expect(kinds).toEqual([
      [400, 'rejected'],
      [403, 'auth'],
      [404, 'not-found'],
      [409, 'rejected'],
      [410, 'not-found'],
      [422, 'rejected'],
    ]);
  });

  it('accepts listed statuses as answers (404 on an idempotent delete)', async () => {
    script = [json(404, { message: 'gone' })];
    const response = await makeClient().request({
      method: 'DELETE',
      path: '/x/1',
      acceptStatuses: [404],
      ctx: recordingContext().ctx,
    });
    expect(response.status).toBe(404);
  });
});

describe('HttpClient auth', () => {
  function tokens(): TokenProvider & { renewed: string[] } {
    let current = 'token-1';
    const renewed: string[] = [];
    return {
      renewed,
      getAccessToken: () => Promise.resolve(current),
      renewAfterUnauthorized: (refused) => {
        renewed.push(refused);
        current = 'token-2';
        return Promise.resolve(current);
      },
    };
  }

  it('renews once after a 401 and repeats even a POST; a second 401 is an auth error', async () => {
    const provider = tokens();
    const client = makeClient({ tokenProvider: provider });
    script = [json(401, {}), json(200, { id: 'x' })];
    await client.request({
      method: 'POST',
      path: '/v3/usergroups',
      json: { name: 'g' },
      ctx: recordingContext().ctx,
    });
    expect(seen.map((s) => s.authorization)).toEqual(['Bearer token-1', 'Bearer token-2']);
    expect(provider.renewed).toEqual(['token-1']);

    seen.length = 0;
    script = [json(401, {}), json(401, {})];
    const error = (await client
      .request({ method: 'GET', path: '/x', ctx: recordingContext().ctx })
      .catch((e: unknown) => e)) as UpstreamError;
    expect(error.kind).toBe('auth');
    expect(seen).toHaveLength(2);
  });

  it('never puts tokens or secrets into reports, error messages or logs', async () => {
    const lines: string[] = [];
    const logger: LoggerLike = {
      debug: (obj, msg) => lines.push(JSON.stringify({ obj, msg })),
      info: (obj, msg) => lines.push(JSON.stringify({ obj, msg })),
      warn: (obj, msg) => lines.push(JSON.stringify({ obj, msg })),
      error: (obj, msg) => lines.push(JSON.stringify({ obj, msg })),
    };
    const secretJwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl';
    const client = makeClient({ tokenProvider: tokens(), logger });
    script = [
      json(400, { error: 'invalid_grant', refresh_token: secretJwt, message: `bad Bearer ${secretJwt}` }),
    ];
    const { ctx, calls } = recordingContext();
    const error = (await client
      .request({
        method: 'POST',
        path: '/oauth2/token',
        form: { client_secret: 's3cr3t' },
        headers: { Authorization: 'Basic czNjcjN0' },
        authenticated: false,
        ctx,
      })
      .catch((e: unknown) => e)) as UpstreamError;
    const everything = [...lines, JSON.stringify(calls), error.message].join('\n');
    expect(everything).not.toContain(secretJwt);
    expect(everything).not.toContain('s3cr3t');
    expect(everything).not.toContain('czNjcjN0');
    expect(everything).not.toContain('token-1');
  });
});

describe('HttpClient rate limit', () => {
  it('lets one second of requests go at once, then holds the rate in every rolling second', async () => {
    const client = makeClient({ rateLimit: { requestsPerSecond: 4, maxConcurrent: 2 } });
    const started = Date.now();
    await Promise.all(
      Array.from({ length: 9 }, () =>
        client.request({ method: 'GET', path: '/x', ctx: recordingContext().ctx }),
      ),
    );
    expect(seen).toHaveLength(9);
    // 4 go at once, 4 more a second later, the 9th a second after that: never 5 arrivals within one second.
    // Arrivals are stamped by the stub server, so each carries its own transport delay: on a loaded machine an
    // early request can arrive a few ms late and shorten the gap to the one four places later. A broken limiter
    // lets the 5th through with the first four (a gap near 0 ms), far below the margin allowed here.
    const arrivals = seen.map((s) => s.at);
    for (let i = 4; i < arrivals.length; i++)
      expect(arrivals[i]! - arrivals[i - 4]!).toBeGreaterThanOrEqual(950);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_990);
  });

  it('rejects the requests still waiting for the limiter when the client closes', async () => {
    const client = makeClient({ rateLimit: { requestsPerSecond: 1, maxConcurrent: 1 } });
    const first = client.request({ method: 'GET', path: '/x', ctx: recordingContext().ctx });
    const waiting = client.request({ method: 'GET', path: '/x', ctx: recordingContext().ctx });
    await first;
    await client.close();
    await expect(waiting).rejects.toBeInstanceOf(UpstreamError);
  });
});
