// What an operator sees at /metrics and /readyz after real SCIM traffic, an upstream 429 storm and a stalled backlog,
// through the provisioned bridge and the simulators; and that no traffic can grow the label sets.
import net from 'node:net';
import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadEnv } from '../../src/config/env.js';
import { buildProvisionedBridge } from '../../src/container.js';
import { createLogger } from '../../src/shared/logger.js';
import { startSimulators } from '../../src/simulators/index.js';
import { createTestDatabase, databaseKinds } from '../support/databases.js';
import { parseMetrics, seriesCount, valueOf, type Sample } from '../support/prometheus.js';
import { TEST_TOKEN, userBody } from '../support/test-app.js';
import {
  eventually,
  simulatorEnv,
  startProvisionedApp,
  type ProvisionedApp,
} from './support/provisioned-app.js';

const METRICS_TOKEN = 'metrics-token-0123456789';

describe.each(databaseKinds())('metrics and readiness after SCIM traffic and a 429 storm (%s)', (kind) => {
  let app: ProvisionedApp;
  const scrape = async (): Promise<Sample[]> => {
    const answer = await supertest(app.bridge.app)
      .get('/metrics')
      .set('Authorization', `Bearer ${METRICS_TOKEN}`);
    expect(answer.status).toBe(200);
    return parseMetrics(answer.text);
  };

  beforeAll(async () => {
    app = await startProvisionedApp(kind, {
      env: {
        METRICS_TOKEN,
        AAC_RATE_LIMIT_RPS: '50',
        // the IdP's answer does not wait for the storm to pass
        BRIDGE_UPSTREAM_DEADLINE_MS: '300',
        BRIDGE_BACKLOG_ALERT_MIN: '30',
      },
    });
  });
  afterAll(async () => {
    await app.close();
  });

  it('/metrics needs METRICS_TOKEN when it is set', async () => {
    const http = supertest(app.bridge.app);
    expect((await http.get('/metrics')).status).toBe(401);
    expect((await http.get('/metrics').set('Authorization', 'Bearer wrong-token-0123456789')).status).toBe(
      401,
    );
    expect((await http.get('/metrics').set('Authorization', `Bearer ${METRICS_TOKEN}`)).status).toBe(200);
  });

  it('counts SCIM requests by route template, auth failures, upstream calls and token refreshes', async () => {
    const created = await app.scim.post('/Users').send(userBody('metrics.one@example.com'));
    expect(created.status).toBe(201);
    const id = String(created.body.id);
    expect((await app.scim.get(`/Users/${id}`)).status).toBe(200);
    expect((await app.scim.get(`/Users/${id}`)).status).toBe(200);
    await supertest(app.bridge.app).get('/scim/v2/Users').set('Authorization', 'Bearer not-a-valid-token');
    await supertest(app.bridge.app).get('/scim/v2/Users');

    const m = await scrape();
    expect(
      valueOf(m, 'scim_bridge_http_requests_total', {
        method: 'POST',
        route: '/scim/v2/Users',
        status: '201',
      }),
    ).toBe(1);
    expect(
      valueOf(m, 'scim_bridge_http_requests_total', {
        method: 'GET',
        route: '/scim/v2/Users/:id',
        status: '200',
      }),
    ).toBe(2);
    expect(valueOf(m, 'scim_bridge_http_requests_total', { route: 'unmatched', status: '401' })).toBe(2);
    expect(valueOf(m, 'scim_bridge_scim_auth_failures_total', { reason: 'invalid' })).toBe(1);
    expect(valueOf(m, 'scim_bridge_scim_auth_failures_total', { reason: 'missing' })).toBe(1);
    expect(
      valueOf(m, 'scim_bridge_http_request_duration_seconds_count', {
        method: 'GET',
        route: '/scim/v2/Users/:id',
      }),
    ).toBe(2);
    // the invite and the Server user creation, with their templated operations
    expect(
      valueOf(m, 'scim_bridge_upstream_requests_total', {
        target: 'aac',
        operation: 'POST /v4/workspaces/:id/people/batch',
      }),
    ).toBeGreaterThanOrEqual(1);
    expect(
      valueOf(m, 'scim_bridge_upstream_requests_total', {
        target: 'server',
        operation: 'POST /v3/users',
        status: '200',
      }),
    ).toBe(1);
    expect(
      valueOf(m, 'scim_bridge_token_refresh_total', { target: 'aac', outcome: 'ok' }),
    ).toBeGreaterThanOrEqual(1);
    expect(
      valueOf(m, 'scim_bridge_token_refresh_total', { target: 'server', outcome: 'ok' }),
    ).toBeGreaterThanOrEqual(1);
    expect(valueOf(m, 'scim_bridge_upstream_rate_limit_rps', { target: 'aac' })).toBe(50);
    expect(valueOf(m, 'scim_bridge_upstream_rate_limit_rps', { target: 'server' })).toBe(0);
    expect(
      valueOf(m, 'scim_bridge_upstream_rate_limit_wait_seconds_count', { target: 'aac' }),
    ).toBeGreaterThan(0);
    // rotated simulator refresh tokens are JWTs with `exp` (365 days by default)
    const expiry = valueOf(m, 'scim_bridge_aac_refresh_token_expiry_timestamp_seconds');
    expect(expiry * 1000).toBeGreaterThan(Date.now() + 300 * 86_400_000);
    expect(valueOf(m, 'scim_bridge_jobs', { target: 'aac', state: 'queued' })).toBe(0);
    expect(valueOf(m, 'scim_bridge_readiness_check', { check: 'database', state: 'ok' })).toBe(1);
    // no id or email ever reaches a label
    const text = JSON.stringify(m);
    expect(text).not.toContain(id);
    expect(text).not.toContain('metrics.one');
  });

  it('a 429 storm on AAC shows as 429s, a queued job and a growing oldest-pending age; then it drains', async () => {
    const before = await scrape();
    const base429 = valueOf(before, 'scim_bridge_upstream_requests_total', { target: 'aac', status: '429' });
    app.sims.aac.control.addFault({
      kind: 'status',
      status: 429,
      retryAfterSeconds: 0,
      path: '/v4/**',
      count: 40,
    });
    const created = await app.scim.post('/Users').send(userBody('metrics.storm@example.com'));
    expect(created.status).toBe(201); // stored and queued; the IdP does not wait for AAC

    const during = await eventually(
      'a queued AAC job in the jobs gauge',
      scrape,
      (m) =>
        valueOf(m, 'scim_bridge_jobs', { target: 'aac', state: 'queued' }) +
          valueOf(m, 'scim_bridge_jobs', { target: 'aac', state: 'running' }) >=
        1,
    );
    expect(
      valueOf(during, 'scim_bridge_upstream_requests_total', { target: 'aac', status: '429' }),
    ).toBeGreaterThan(base429);
    // Server was not in the storm: its job is done
    expect(valueOf(during, 'scim_bridge_jobs', { target: 'server', state: 'queued' })).toBe(0);

    // A stalled backlog: the pending AAC job is made two hours old; readiness names the component, not the cause.
    await app.bridge.handle.db.provisioningJob.updateMany({
      where: { target: 'aac', state: { in: ['queued', 'running'] } },
      data: { createdAt: new Date(Date.now() - 2 * 3_600_000) },
    });
    const stalled = await eventually(
      'the aged job in the gauge',
      scrape,
      (m) => valueOf(m, 'scim_bridge_oldest_pending_job_age_seconds', { target: 'aac' }) > 7_000,
    );
    expect(valueOf(stalled, 'scim_bridge_oldest_pending_job_age_seconds', { target: 'aac' })).toBeGreaterThan(
      7_000,
    );
    expect(valueOf(stalled, 'scim_bridge_oldest_pending_job_age_seconds', { target: 'server' })).toBe(0);
    const ready = await eventually(
      'readiness to report the backlog',
      () => supertest(app.bridge.app).get('/readyz'),
      (r) => r.status === 503,
    );
    expect(ready.body.checks).toContainEqual({
      name: 'backlog',
      ok: false,
      error: 'oldest_pending_over_threshold',
    });
    expect(JSON.stringify(ready.body)).not.toMatch(/127\.0\.0\.1|min|aac is/);

    app.sims.aac.control.clearFaults();
    const after = await eventually(
      'the AAC job to drain',
      scrape,
      (m) =>
        valueOf(m, 'scim_bridge_jobs', { target: 'aac', state: 'queued' }) +
          valueOf(m, 'scim_bridge_jobs', { target: 'aac', state: 'running' }) ===
        0,
      20_000,
    );
    expect(valueOf(after, 'scim_bridge_oldest_pending_job_age_seconds', { target: 'aac' })).toBe(0);
    expect(app.upstream.aacStatus('metrics.storm@example.com')).toBe('new');
  });
});

describe('label cardinality', () => {
  let app: ProvisionedApp;
  beforeAll(async () => {
    app = await startProvisionedApp('sqlite', { env: { BRIDGE_PROVISIONING: 'off' } });
  });
  afterAll(async () => {
    await app.close();
  });

  it('stays bounded after requests about 10 000 distinct users', async () => {
    // Cheap traffic: reads of 10 000 distinct ids and emails and unknown paths carrying them, pipelined (HTTP/1.1)
    // over four sockets to the real listening app, so the client costs next to nothing.
    const server = app.bridge.app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const path = (i: number): string => {
      const email = encodeURIComponent(`user${i}@example.com`);
      switch (i % 4) {
        case 0:
          return `/scim/v2/Users/${crypto.randomUUID()}`;
        case 1:
          return `/scim/v2/Users?filter=${encodeURIComponent(`userName eq "user${i}@example.com"`)}`;
        case 2:
          return `/scim/v2/Users/${email}/nothing`;
        default:
          return `/people/${email}`;
      }
    };
    const pipeline = (first: number, count: number) =>
      new Promise<number>((resolve, reject) => {
        const socket = net.connect(port, '127.0.0.1');
        let received = '';
        socket.setEncoding('latin1');
        socket.on('data', (chunk: string) => {
          received += chunk;
        });
        socket.on('end', () => resolve(received.match(/HTTP\/1\.1 \d{3} /g)?.length ?? 0));
        socket.on('error', reject);
        const requests = Array.from({ length: count }, (_, k) => {
          const close = k === count - 1 ? 'close' : 'keep-alive';
          return `GET ${path(first + k)} HTTP/1.1\r\nHost: bridge\r\nAuthorization: Bearer ${TEST_TOKEN}\r\nConnection: ${close}\r\n\r\n`;
        });
        socket.end(requests.join(''));
      });
    try {
      const answered = await Promise.all([0, 1, 2, 3].map((s) => pipeline(s * 2_500, 2_500)));
      expect(answered).toEqual([2_500, 2_500, 2_500, 2_500]);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    const text = (await supertest(app.bridge.app).get('/metrics')).text;
    const m = parseMetrics(text);
    expect(valueOf(m, 'scim_bridge_http_requests_total')).toBe(10_000);
    const routes = new Set(
      m.filter((s) => s.name === 'scim_bridge_http_requests_total').map((s) => s.labels.route),
    );
    expect([...routes].sort()).toEqual(['/scim/v2/Users', '/scim/v2/Users/:id', 'unmatched']);
    expect(seriesCount(m, 'scim_bridge_http_requests_total')).toBeLessThanOrEqual(6);
    expect(text).not.toMatch(/user\d+/);
  });
});

describe('log lines of the work a SCIM request causes', () => {
  it('carry its request id, and connector lines name their target once', async () => {
    const sims = await startSimulators();
    const db = await createTestDatabase('sqlite');
    const raw: string[] = [];
    const logger = createLogger('debug', { write: (line: string) => void raw.push(line) });
    const env = loadEnv({ DATABASE_URL: db.url, SCIM_TOKEN: TEST_TOKEN, ...simulatorEnv(sims) });
    const bridge = await buildProvisionedBridge(env, logger);
    try {
      // one Server 503 and one AAC 429: retry lines from the HTTP client, then success
      sims.server.control.addFault({ kind: 'status', status: 503, method: 'POST', path: '/webapi/v3/users' });
      sims.aac.control.addFault({ kind: 'status', status: 429, retryAfterSeconds: 0, path: '/v4/**' });
      const res = await supertest(bridge.app)
        .post('/scim/v2/Users')
        .set('Authorization', `Bearer ${TEST_TOKEN}`)
        .set('Content-Type', 'application/scim+json')
        .set('X-Request-Id', 'req-logs-1')
        .send(userBody('logs.one@example.com'));
      expect(res.status).toBe(201);
    } finally {
      await bridge.close();
      await sims.close();
      await db.drop();
    }
    const lines = raw.map((l) => JSON.parse(l) as Record<string, unknown>);
    const work = lines.filter((l) => l.target !== undefined || l.component === 'connector' || 'req' in l);
    // AAC's 429 is retried by the HTTP client; Server's 503 on a POST is not (ambiguous): the connector looks up
    // and creates again
    expect(work.filter((l) => l.msg === 'upstream call failed; retrying').length).toBeGreaterThanOrEqual(1);
    expect(work.filter((l) => l.msg === 'upstream call failed' && l.status === 503)).toHaveLength(1);
    expect(work.some((l) => l.msg === 'request completed')).toBe(true);
    expect(work.filter((l) => l.msg === 'upstream call').length).toBeGreaterThanOrEqual(4);
    for (const line of work) expect(line.requestId, JSON.stringify(line)).toBe('req-logs-1');
    for (const line of raw) expect(line.match(/"target":/g)?.length ?? 0, line).toBeLessThanOrEqual(1);
  });
});

describe('issue 8, defect 6: /readyz discloses no upstream error text', () => {
  it('an unreachable upstream is named with a reason code; host, port and message go to the log only', async () => {
    const sims = await startSimulators();
    const db = await createTestDatabase('sqlite');
    const raw: string[] = [];
    const logger = createLogger('info', { write: (line: string) => void raw.push(line) });
    const closed = await new Promise<number>((resolve) => {
      const probe = net.createServer().listen(0, '127.0.0.1', () => {
        const address = probe.address();
        probe.close(() => resolve(typeof address === 'object' && address ? address.port : 1));
      });
    });
    const env = loadEnv({
      DATABASE_URL: db.url,
      SCIM_TOKEN: TEST_TOKEN,
      ...simulatorEnv(sims),
      SERVER_API_URL: `http://127.0.0.1:${closed}/webapi`,
    });
    const bridge = await buildProvisionedBridge(env, logger);
    try {
      const res = await supertest(bridge.app).get('/readyz');
      expect(res.status).toBe(503);
      expect(res.body.checks).toContainEqual({ name: 'upstream:server', ok: false, error: 'unreachable' });
      expect(res.body.checks).toContainEqual({ name: 'upstream:aac', ok: true });
      expect(res.text).not.toContain(String(closed));
      expect(res.text).not.toMatch(/127\.0\.0\.1|ECONNREFUSED|webapi/);
      const logged = raw
        .map((l) => JSON.parse(l) as Record<string, unknown>)
        .find((l) => l.check === 'upstream:server');
      expect(logged).toMatchObject({ level: 50, reason: 'unreachable' });
      expect(String(logged?.detail)).toContain(String(closed));
    } finally {
      await bridge.close();
      await sims.close();
      await db.drop();
    }
  });
});
