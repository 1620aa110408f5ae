import { describe, expect, it } from 'vitest';
import { UpstreamError } from '../core/errors.js';
import { operationOf } from '../connectors/http-client.js';
import { createLogger } from '../shared/logger.js';
import { aacRefreshTokenCheck, backlogCheck, upstreamReason } from './checks.js';
import { BridgeMetrics } from './metrics.js';
import { Readiness } from './readiness.js';

const DAY = 86_400_000;

describe('upstream operation labels', () => {
  it('replace ids, numbers and emails with :id and drop the query', () => {
    expect(operationOf({ method: 'POST', path: '/v4/workspaces/31429/people/batch' })).toBe(
      'POST /v4/workspaces/:id/people/batch',
    );
    expect(operationOf({ method: 'GET', path: '/v3/users?email=jane%40example.com' })).toBe('GET /v3/users');
    expect(
      operationOf({ method: 'DELETE', path: '/v3/usergroups/5bc4a813156ae016dcb442bd/users/abc123' }),
    ).toBe('DELETE /v3/usergroups/:id/users/:id');
    expect(operationOf({ method: 'POST', path: 'https://pingauth.alteryxcloud.com/as/token' })).toBe(
      'POST token',
    );
    expect(operationOf({ method: 'POST', path: '/webapi/oauth2/token' })).toBe('POST /webapi/oauth2/token');
  });

  it('stay bounded after calls about 10 000 distinct users', async () => {
    const metrics = new BridgeMetrics({ processMetrics: false });
    for (let i = 0; i < 10_000; i++) {
      const hex = i.toString(16).padStart(24, '0');
      for (const path of [
        `/v4/workspaces/31429/people/${i}`,
        `/v3/users/${hex}`,
        `/v3/users?email=user${i}%40example.com`,
        `/v4/workspaces/31429/groups/${i}/users?userIds=${i}`,
      ])
        metrics.upstreamCall({
          target: 'aac',
          operation: operationOf({ method: 'GET', path }),
          status: 200,
          durationMs: 1,
        });
      // even a caller that passes raw paths cannot grow the series past the cap
      metrics.upstreamCall({ target: 'server', operation: `GET /raw/${i}`, status: 200, durationMs: 1 });
    }
    const text = (await metrics.render()).body;
    const series = text.split('\n').filter((l) => l.startsWith('scim_bridge_upstream_requests_total{'));
    expect(series.filter((l) => l.includes('target="aac"'))).toHaveLength(4);
    expect(series.filter((l) => l.includes('target="server"'))).toHaveLength(101); // 100 + "other"
    expect(text).not.toMatch(/example\.com|000000000000000000001/);
  });
});

describe('readiness checks', () => {
  it('name upstream failures by stable reason codes', () => {
    expect(upstreamReason(new UpstreamError('aac', 'auth', 'AAC refused the refresh token', 400))).toBe(
      'credentials_refused',
    );
    expect(
      upstreamReason(new UpstreamError('aac', 'transient', 'GET x: connect ECONNREFUSED 10.0.0.1:443')),
    ).toBe('unreachable');
    expect(upstreamReason(new UpstreamError('aac', 'transient', 'GET x → 429', 429))).toBe('rate_limited');
    expect(upstreamReason(new UpstreamError('server', 'transient', 'GET x → 503', 503))).toBe(
      'upstream_error',
    );
    expect(upstreamReason(new Error('boom'))).toBe('check_failed');
  });

  it('backlog fails past BRIDGE_BACKLOG_ALERT_MIN and is off at 0', async () => {
    const ages = async () =>
      new Map([
        ['aac', 31 * 60],
        ['server', 10],
      ]);
    expect(await backlogCheck(ages, 30).run()).toMatchObject({
      ok: false,
      error: 'oldest_pending_over_threshold',
    });
    expect(await backlogCheck(ages, 60).run()).toEqual({ ok: true });
    expect(await backlogCheck(ages, 0).run()).toEqual({ ok: true });
  });

  it('warns 14 days before the AAC refresh token expires and fails once it has', async () => {
    const now = Date.UTC(2026, 0, 1);
    const at = (ms: number | null | undefined) =>
      aacRefreshTokenCheck(
        () => ms,
        () => now,
      ).run();
    expect(await at(now + 20 * DAY)).toEqual({ ok: true });
    expect(await at(now + 13 * DAY)).toMatchObject({ ok: true, warning: 'expires_soon' });
    expect(await at(now - 1)).toMatchObject({ ok: false, error: 'expired' });
    expect(await at(null)).toEqual({ ok: true });
    expect(await at(undefined)).toEqual({ ok: true });
  });
});

describe('the readiness registry', () => {
  it('reports reason codes only, limits slow checks, and logs each change once with its detail', async () => {
    const lines: Array<Record<string, unknown>> = [];
    const logger = createLogger('info', { write: (line: string) => void lines.push(JSON.parse(line)) });
    let failing = true;
    const readiness = new Readiness(logger, { cacheMs: 0, timeoutMs: 50 })
      .add({
        name: 'upstream:aac',
        run: async () =>
          failing
            ? { ok: false, error: 'unreachable', detail: 'connect ECONNREFUSED 10.1.2.3:443' }
            : { ok: true },
      })
      .add({ name: 'slow', run: () => new Promise(() => undefined) });

    const first = await readiness.report();
    expect(first.ready).toBe(false);
    expect(first.checks).toEqual([
      { name: 'upstream:aac', ok: false, error: 'unreachable' },
      { name: 'slow', ok: false, error: 'timeout' },
    ]);
    expect(JSON.stringify(first)).not.toContain('10.1.2.3');
    await readiness.report();
    expect(lines.filter((l) => l.check === 'upstream:aac')).toHaveLength(1);
    expect(String(lines[0]?.msg)).toContain('10.1.2.3');

    failing = false;
    expect((await readiness.report(['upstream:aac'])).ready).toBe(true);
    expect(lines.at(-1)).toMatchObject({ check: 'upstream:aac', msg: 'ready again: upstream:aac' });
    expect((await readiness.report()).ready).toBe(false); // `slow` still counts without `only`
  });
});
