// Hostile run (issue 8): the built bridge as a child process (SQLite, provisioning off), 10 000 hostile requests
// across the defect classes of the adversarial campaign, at bounded concurrency on 127.0.0.1 only, while /healthz is
// polled. Reports the largest /healthz latency (against an idle baseline taken in the same run), the status
// histogram per class (the goal: no 5xx, every 4xx a SCIM error body), and the bridge's RSS before, at its peak and
// after. Writes bench/results/hostile-latest.json. A measurement: it exits 0 whatever the figures are, except
// that it exits 1 when the bridge died or answered a 5xx, so a release check can rely on it.
//   npx tsx bench/hostile.ts                      (builds first; BENCH_SKIP_BUILD=1 reuses dist/)
//   HOSTILE_REQUESTS=2000 HOSTILE_CONCURRENCY=8 npx tsx bench/hostile.ts
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startBridge, type BridgeServer } from './lib/processes.js';
import { GROUP_SCHEMA, PATCH_SCHEMA, USER_SCHEMA, idFromBody, userBody } from './lib/scim-client.js';

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const log = (line: string) => console.log(`[hostile ${new Date().toISOString().slice(11, 19)}] ${line}`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function envNumber(name: string, fallback: number): number {
  const value = Number(process.env[name]);
  return Number.isFinite(value) && value > 0 ? value : fallback;
}
const config = {
  requests: envNumber('HOSTILE_REQUESTS', 10_000),
  concurrency: envNumber('HOSTILE_CONCURRENCY', 16),
  healthPollMs: envNumber('HOSTILE_HEALTH_POLL_MS', 100),
  /** ordinary requests at the same concurrency first: the loaded baseline for /healthz */
  benign: envNumber('HOSTILE_BENIGN_REQUESTS', 2_000),
};

// ── One HTTP client on a keep-alive agent (node:http: any Host header, raw bodies, raw paths) ───────────────────

interface Answer {
  status: number;
  body: string;
  contentType: string;
  ms: number;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: config.concurrency + 2 });

function send(
  base: URL,
  method: string,
  pathAndQuery: string,
  headers: Record<string, string>,
  body?: string,
): Promise<Answer> {
  if (base.hostname !== '127.0.0.1') throw new Error('the hostile run only ever talks to 127.0.0.1');
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port: base.port,
        method,
        path: pathAndQuery,
        agent,
        headers: body === undefined ? headers : { ...headers, 'content-length': Buffer.byteLength(body) },
        timeout: 60_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            body: Buffer.concat(chunks).toString('utf8'),
            contentType: String(res.headers['content-type'] ?? ''),
            ms: performance.now() - started,
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout after 60 s')));
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

// ── The hostile requests, class by class ─────────────────────────────────────────────────────────────────────────

interface Hostile {
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: string;
  /** false: send no Authorization header (the unauthenticated classes) */
  auth?: boolean;
  /** extra check on the answer; returns a problem or undefined */
  check?: (answer: Answer) => string | undefined;
}

interface Seeded {
  userIds: string[];
  groupId: string;
  token: string;
}

const WHITE_SPACE = [
  '\u000B',
  '\u000C',
  '\u00A0',
  '\u1680',
  '\u2000',
  '\u2005',
  '\u200A',
  '\u2028',
  '\u2029',
  '\u202F',
  '\u205F',
  '\u3000',
  '\uFEFF',
];
const enc = (text: string) => encodeURIComponent(text);
const pick = <T>(items: readonly T[], i: number): T => items[i % items.length] as T;
const json = (value: unknown) => JSON.stringify(value);
const patch = (...ops: unknown[]) => json({ schemas: [PATCH_SCHEMA], Operations: ops });

/** The 16 classes of the campaign (and the unsupported endpoints); `make(i)` builds the i-th request of a class. */
const CLASSES: Record<string, (i: number, s: Seeded) => Hostile> = {
  'unicode-space-filter': (i) => ({
    method: 'GET',
    path: `/scim/v2/Users?filter=${enc(`userName${pick(WHITE_SPACE, i)}eq${pick(WHITE_SPACE, i + 3)}"x${i}"`)}`,
  }),
  'unicode-space-patch-path': (i, s) => ({
    method: 'PATCH',
    path: `/scim/v2/Users/${pick(s.userIds, i)}`,
    body: patch({
      op: 'replace',
      path: `emails[type${pick(WHITE_SPACE, i)}eq "work"].display`,
      value: `w${i}`,
    }),
  }),
  'deep-nesting': (i) => {
    const levels = 4000 + (i % 1000);
    const open = pick(['(', 'not (', 'emails['], i);
    const close = open.endsWith('[') ? ']' : ')';
    const filter = `${open.repeat(levels)}userName eq "x"${close.repeat(levels)}`;
    return i % 2
      ? {
          method: 'POST',
          path: '/scim/v2/Users/.search',
          body: json({ filter: `${'('.repeat(10_000)}a pr${')'.repeat(10_000)}` }),
        }
      : { method: 'POST', path: '/scim/v2/Groups/.search', body: json({ filter }) };
  },
  'deep-patch-path': (i, s) => ({
    method: 'PATCH',
    path: `/scim/v2/Groups/${s.groupId}`,
    body: patch({
      op: 'remove',
      path: `members${'[value eq "x" or '.repeat(3000 + (i % 100))}${']'.repeat(3000)}`,
    }),
  }),
  'sortby-prototype': (i) => ({
    method: 'GET',
    path: `/scim/v2/${pick(['Users', 'Groups'], i)}?sortBy=${pick(['__proto__', 'constructor', 'toString', 'valueOf', '__defineGetter__'], i)}`,
  }),
  'huge-or-and': (i) => ({
    method: 'POST',
    path: `/scim/v2/${pick(['Users', 'Groups'], i)}/.search`,
    body: json({
      filter: Array.from(
        { length: 1000 + (i % 50) },
        (_, k) => `${i % 2 ? 'members.value' : 'userName'} eq "u${k}"`,
      ).join(pick([' or ', ' and '], i >> 1)),
    }),
  }),
  'lone-surrogate': (i, s) =>
    pick<Hostile>(
      [
        { method: 'POST', path: '/scim/v2/Users/.search', body: '{"filter":"displayName co \\"\\ud800\\""}' },
        { method: 'POST', path: '/scim/v2/Users', body: `{"userName":"x\\ud800y${i}@example.com"}` },
        {
          method: 'PATCH',
          path: `/scim/v2/Users/${pick(s.userIds, i)}`,
          body: `{"schemas":["${PATCH_SCHEMA}"],"Operations":[{"op":"replace","path":"title","value":"\\udfff"}]}`,
        },
        { method: 'GET', path: `/scim/v2/Users?filter=${enc('displayName co "\\udc00"')}` },
      ],
      i,
    ),
  'token-in-url': (i, s) => ({
    method: 'GET',
    path: `/scim/v2/Users?${pick(['access_token', 'ACCESS_TOKEN'], i)}=${s.token}`,
    auth: i % 2 === 0,
    check: (a) => (a.status === 401 ? undefined : `token in the URL answered ${a.status}`),
  }),
  'forged-host': (i) => ({
    method: 'POST',
    path: '/scim/v2/Users',
    headers: {
      host: 'evil.example.com',
      'x-forwarded-host': 'evil.example.com',
      'x-forwarded-proto': 'https',
    },
    body: userBody(`host-${i}-${process.pid}@example.com`),
    check: (a) => (/evil\.example\.com/.test(a.body) ? 'the forged host was reflected' : undefined),
  }),
  'lenient-values': (i, s) =>
    pick<Hostile>(
      [
        {
          method: 'POST',
          path: '/scim/v2/Users',
          body: json({
            schemas: [USER_SCHEMA],
            userName: `lenient-${i}@example.com`,
            active: pick(['', null], i),
          }),
        },
        {
          method: 'PATCH',
          path: `/scim/v2/Users/${pick(s.userIds, i)}`,
          body: patch({ op: 'replace', path: 'emails', value: {} }),
        },
        {
          method: 'POST',
          path: '/scim/v2/Users',
          body: `{"userName":"dup-${i}@example.com","USERNAME":"other-${i}@example.com"}`,
        },
        {
          method: 'PATCH',
          path: `/scim/v2/Users/${pick(s.userIds, i)}`,
          body: patch({ op: 'remove', path: 'active' }),
        },
      ],
      i,
    ),
  'over-limits': (i, s) =>
    pick<Hostile>(
      [
        {
          method: 'POST',
          path: '/scim/v2/Users',
          body: json({ userName: `long-${i}@example.com`, title: 'x'.repeat(9000) }),
        },
        {
          method: 'POST',
          path: '/scim/v2/Users',
          body: `{"userName":"deep@example.com","x":${'['.repeat(100_000)}${']'.repeat(100_000)}}`,
        },
        {
          method: 'PATCH',
          path: `/scim/v2/Users/${pick(s.userIds, i)}`,
          body: patch(...Array.from({ length: 1001 }, () => ({ op: 'replace', path: 'title', value: 'x' }))),
        },
        {
          method: 'PATCH',
          path: `/scim/v2/Groups/${s.groupId}`,
          body: patch({
            op: 'add',
            path: 'members',
            value: Array.from({ length: 20_001 }, (_, k) => ({ value: `m${k}` })),
          }),
        },
      ],
      i,
    ),
  'broken-bodies': (i, s) =>
    pick<Hostile>(
      [
        { method: 'POST', path: '/scim/v2/Users', body: '{"userName": "x",' },
        { method: 'PUT', path: `/scim/v2/Users/${pick(s.userIds, i)}`, body: '[]' },
        { method: 'PATCH', path: `/scim/v2/Groups/${s.groupId}`, body: '"Operations"' },
        {
          method: 'POST',
          path: '/scim/v2/Groups',
          headers: { 'content-type': 'text/plain' },
          body: 'displayName=x',
        },
        {
          method: 'POST',
          path: '/scim/v2/Users',
          headers: { 'content-type': 'application/json; charset=latin1' },
          body: '{}',
        },
      ],
      i,
    ),
  'huge-url': (i) => ({ method: 'GET', path: `/scim/v2/Users?filter=${'('.repeat(17_000 + (i % 100))}` }),
  'bad-credentials': (i) => ({
    method: 'GET',
    path: '/scim/v2/Users',
    auth: false,
    headers: pick<Record<string, string>>(
      [{}, { authorization: 'Bearer wrong' }, { authorization: 'Basic eDp5' }, { authorization: 'Bearer ' }],
      i,
    ),
  }),
  'nul-and-encoding': (i) => ({
    method: 'GET',
    path: pick(
      [
        '/scim/v2/Users/%00',
        '/scim/v2/Users/%ZZ',
        `/scim/v2/Users?filter=${enc('userName eq "\u0000"')}`,
        '/scim/v2/Groups/%ED%A0%80',
        '/scim/v2/Users/..%2f..%2fetc',
      ],
      i,
    ),
  }),
  'wrong-methods': (i, s) => ({
    method: pick(['DELETE', 'PUT', 'POST', 'PATCH'], i),
    path: pick(
      ['/scim/v2/Users', '/scim/v2/Groups', `/scim/v2/Users/${pick(s.userIds, i)}/x`, '/scim/v2/.search'],
      i,
    ),
    body: '{}',
  }),
  // /Bulk and /Me are advertised as unsupported: 501 is their designed answer (RFC 7644 §3.7, catalog RS-04)
  'unsupported-endpoints': (i) => ({
    method: pick(['POST', 'GET', 'DELETE'], i),
    path: pick(['/scim/v2/Bulk', '/scim/v2/Me'], i),
    body: '{"schemas":["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],"Operations":[]}',
    check: (a) => (a.status === 501 ? undefined : `an unsupported endpoint answered ${a.status}`),
  }),
};

/** The only 5xx that is not a failure: the designed 501 of the unsupported endpoints. */
const DESIGNED_5XX = /^\/scim\/v2\/(Bulk|Me)$/;

// ── Measurements ─────────────────────────────────────────────────────────────────────────────────────────────────

function rssMb(pid: number | undefined): number {
  if (pid === undefined) return NaN;
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]);
    return Math.round((kb / 1024) * 10) / 10;
  } catch {
    return NaN;
  }
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

/** Polls /healthz until stopped; every poll's latency (a failed poll counts as its timeout, 5 s). */
function pollHealth(
  base: URL,
  intervalMs: number,
): { stop(): Promise<{ samples: number[]; failures: number }> } {
  const samples: number[] = [];
  let failures = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      const started = performance.now();
      try {
        const res = await fetch(new URL('/healthz', base), { signal: AbortSignal.timeout(5000) });
        await res.arrayBuffer();
        if (!res.ok) failures++;
        samples.push(performance.now() - started);
      } catch {
        failures++;
        samples.push(5000);
      }
      await sleep(intervalMs);
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      return { samples, failures };
    },
  };
}

function isScimError(answer: Answer): boolean {
  if (!/^application\/scim\+json/.test(answer.contentType)) return false;
  try {
    const body = JSON.parse(answer.body) as Record<string, unknown>;
    return (
      Array.isArray(body.schemas) &&
      body.schemas[0] === 'urn:ietf:params:scim:api:messages:2.0:Error' &&
      body.status === String(answer.status) &&
      typeof body.detail === 'string' &&
      body.detail.length > 0
    );
  } catch {
    return false;
  }
}

async function seed(bridge: BridgeServer): Promise<Seeded> {
  const base = new URL(bridge.baseUrl);
  const headers = { authorization: `Bearer ${bridge.token}`, 'content-type': 'application/scim+json' };
  const userIds: string[] = [];
  for (let i = 0; i < 20; i++) {
    const res = await send(base, 'POST', '/scim/v2/Users', headers, userBody(`seed-${i}@example.com`));
    const id = idFromBody(res.body);
    if (res.status !== 201 || !id) throw new Error(`seeding failed: ${res.status} ${res.body}`);
    userIds.push(id);
  }
  const group = await send(
    base,
    'POST',
    '/scim/v2/Groups',
    headers,
    json({
      schemas: [GROUP_SCHEMA],
      displayName: 'Hostile seed',
      members: userIds.map((value) => ({ value })),
    }),
  );
  const groupId = idFromBody(group.body);
  if (group.status !== 201 || !groupId)
    throw new Error(`seeding the group failed: ${group.status} ${group.body}`);
  return { userIds, groupId, token: bridge.token };
}

async function main(): Promise<void> {
  if (process.env.BENCH_SKIP_BUILD !== '1') {
    log('npm run build');
    execFileSync('npm', ['run', 'build'], { cwd: projectRoot, stdio: 'inherit' });
  }
  const loadBefore = os.loadavg();
  const bridge = await startBridge(projectRoot, 'warn');
  const base = new URL(bridge.baseUrl);
  log(
    `bridge pid ${bridge.pid} at ${bridge.baseUrl} (SQLite, BRIDGE_PROVISIONING=off); load ${loadBefore.map((l) => l.toFixed(2)).join(' ')}`,
  );
  const report: Record<string, unknown> = { config, startedAt: new Date().toISOString(), loadBefore };
  let exitCode = 0;
  try {
    const seeded = await seed(bridge);
    // Baseline: /healthz on the idle bridge, in this run.
    const idle = pollHealth(base, 20);
    await sleep(2000);
    const baseline = await idle.stop();
    const rssBefore = rssMb(bridge.pid);
    let rssPeak = rssBefore;
    const rssTimer = setInterval(() => (rssPeak = Math.max(rssPeak, rssMb(bridge.pid))), 200);

    // Baseline under load: ordinary IdP traffic at the same concurrency, so that the /healthz figures of the hostile
    // phase can be told apart from plain saturation of a busy event loop.
    const benignHealth = pollHealth(base, config.healthPollMs);
    const benignStarted = performance.now();
    let benignNext = 0;
    const benignStatuses: Record<string, number> = {};
    const benignHeaders = {
      authorization: `Bearer ${bridge.token}`,
      'content-type': 'application/scim+json',
    };
    await Promise.all(
      Array.from({ length: config.concurrency }, async () => {
        for (let n = benignNext++; n < config.benign; n = benignNext++) {
          const id = pick(seeded.userIds, n);
          const answer = await pick(
            [
              () =>
                send(
                  base,
                  'GET',
                  `/scim/v2/Users?filter=${enc(`userName eq "seed-${n % 20}@example.com"`)}`,
                  benignHeaders,
                ),
              () => send(base, 'GET', `/scim/v2/Users/${id}`, benignHeaders),
              () =>
                send(
                  base,
                  'PATCH',
                  `/scim/v2/Users/${id}`,
                  benignHeaders,
                  patch({ op: 'replace', path: 'title', value: `t${n}` }),
                ),
              () =>
                send(
                  base,
                  'GET',
                  `/scim/v2/Groups?filter=${enc('displayName eq "Hostile seed"')}&excludedAttributes=members`,
                  benignHeaders,
                ),
            ],
            n,
          )();
          benignStatuses[answer.status] = (benignStatuses[answer.status] ?? 0) + 1;
        }
      }),
    );
    const benignDurationS = (performance.now() - benignStarted) / 1000;
    const benignPolled = await benignHealth.stop();
    report.benignPhase = {
      requests: config.benign,
      durationS: round1(benignDurationS),
      statuses: benignStatuses,
      healthz: healthFigures(benignPolled),
    };

    const names = Object.keys(CLASSES);
    const histogram: Record<string, Record<string, number>> = {};
    const problems: string[] = [];
    const notScim: Record<string, number> = {};
    const latencyByClass: Record<string, number[]> = {};
    let unexpected5xx = 0;
    let next = 0;
    let errors = 0;
    const health = pollHealth(base, config.healthPollMs);
    const started = performance.now();
    const worker = async () => {
      for (let n = next++; n < config.requests; n = next++) {
        const name = names[n % names.length] as string;
        const round = Math.floor(n / names.length);
        const h = (CLASSES[name] as (i: number, s: Seeded) => Hostile)(round, seeded);
        const headers: Record<string, string> = { 'content-type': 'application/scim+json', ...h.headers };
        if (h.auth !== false) headers.authorization = `Bearer ${bridge.token}`;
        try {
          const answer = await send(base, h.method, h.path, headers, h.body);
          const byClass = (histogram[name] ??= {});
          byClass[answer.status] = (byClass[answer.status] ?? 0) + 1;
          (latencyByClass[name] ??= []).push(answer.ms);
          if (answer.status >= 500 && !(answer.status === 501 && DESIGNED_5XX.test(h.path))) {
            unexpected5xx++;
            if (problems.length < 50) problems.push(`${name}: ${answer.status} ${answer.body.slice(0, 200)}`);
          }
          if (answer.status >= 400 && !isScimError(answer)) notScim[name] = (notScim[name] ?? 0) + 1;
          const problem = h.check?.(answer);
          if (problem && problems.length < 50) problems.push(`${name}: ${problem}`);
        } catch (err) {
          errors++;
          if (problems.length < 50)
            problems.push(`${name}: ${err instanceof Error ? err.message : String(err)}`);
        }
      }
    };
    await Promise.all(Array.from({ length: config.concurrency }, worker));
    const durationS = (performance.now() - started) / 1000;
    const polled = await health.stop();
    clearInterval(rssTimer);
    await sleep(1000);
    const rssAfter = rssMb(bridge.pid);
    const alive = (await send(base, 'GET', '/healthz', {})).status === 200;
    const loadAfter = os.loadavg();

    const totals: Record<string, number> = {};
    for (const byClass of Object.values(histogram))
      for (const [status, count] of Object.entries(byClass)) totals[status] = (totals[status] ?? 0) + count;
    const fiveXx = unexpected5xx;
    const latency = Object.fromEntries(
      Object.entries(latencyByClass).map(([name, ms]) => [
        name,
        { p50Ms: round1(percentile(ms, 50)), maxMs: round1(Math.max(...ms)) },
      ]),
    );
    Object.assign(report, {
      durationS: Math.round(durationS * 10) / 10,
      requestsPerSecond: Math.round(config.requests / durationS),
      healthz: {
        idleBaseline: {
          polls: baseline.samples.length,
          p50Ms: round1(percentile(baseline.samples, 50)),
          maxMs: round1(Math.max(...baseline.samples)),
        },
        duringBenignLoad: (report.benignPhase as { healthz: unknown }).healthz,
        duringRun: healthFigures(polled),
      },
      rssMb: { before: rssBefore, peak: rssPeak, after: rssAfter },
      statusTotals: totals,
      statusByClass: histogram,
      latencyByClass: latency,
      fiveXx,
      errorsWithoutScimBody: notScim,
      transportErrors: errors,
      problems,
      bridgeAliveAfter: alive,
      loadAfter,
    });
    if (fiveXx > 0 || !alive || errors > 0) exitCode = 1;
    printReport(report);
  } finally {
    await bridge.stop();
    agent.destroy();
  }
  const out = path.join(projectRoot, 'bench', 'results', 'hostile-latest.json');
  fs.writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
  log(`wrote ${path.relative(projectRoot, out)}`);
  process.exitCode = exitCode;
}

const round1 = (n: number) => Math.round(n * 10) / 10;

function healthFigures(polled: { samples: number[]; failures: number }) {
  return {
    polls: polled.samples.length,
    failures: polled.failures,
    p50Ms: round1(percentile(polled.samples, 50)),
    p99Ms: round1(percentile(polled.samples, 99)),
    maxMs: round1(Math.max(...polled.samples)),
  };
}

function printReport(r: Record<string, unknown>): void {
  const h = r.healthz as Record<'idleBaseline' | 'duringBenignLoad' | 'duringRun', Record<string, number>>;
  const rss = r.rssMb as Record<string, number>;
  const line = (f: Record<string, number>) =>
    `p50 ${f.p50Ms} ms, p99 ${f.p99Ms ?? '-'} ms, max ${f.maxMs} ms (${f.polls} polls, ${f.failures ?? 0} failed)`;
  const benign = r.benignPhase as { requests: number; durationS: number; statuses: Record<string, number> };
  console.log('');
  console.log(
    `benign:  ${benign.requests} requests at concurrency ${config.concurrency} in ${benign.durationS} s, statuses ${JSON.stringify(benign.statuses)}`,
  );
  console.log(
    `hostile: ${config.requests} requests at concurrency ${config.concurrency} in ${String(r.durationS)} s (${String(r.requestsPerSecond)} req/s)`,
  );
  console.log(`/healthz idle:           ${line(h.idleBaseline)}`);
  console.log(`/healthz benign load:    ${line(h.duringBenignLoad)}`);
  console.log(`/healthz hostile load:   ${line(h.duringRun)}`);
  console.log(`RSS: before ${rss.before} MB, peak ${rss.peak} MB, after ${rss.after} MB`);
  console.log(
    `statuses: ${JSON.stringify(r.statusTotals)}; 5xx other than the designed 501 of /Bulk and /Me: ${String(r.fiveXx)}; transport errors: ${String(r.transportErrors)}`,
  );
  console.log(`4xx without a SCIM error body, by class: ${JSON.stringify(r.errorsWithoutScimBody)}`);
  const latency = r.latencyByClass as Record<string, { p50Ms: number; maxMs: number }>;
  for (const [name, byStatus] of Object.entries(r.statusByClass as Record<string, Record<string, number>>))
    console.log(
      `  ${name.padEnd(26)} ${JSON.stringify(byStatus).padEnd(34)} p50 ${latency[name]?.p50Ms} ms, max ${latency[name]?.maxMs} ms`,
    );
  const problems = r.problems as string[];
  if (problems.length) console.log(`problems:\n  ${problems.slice(0, 20).join('\n  ')}`);
  console.log(
    `bridge alive after the run: ${String(r.bridgeAliveAfter)}; load average before ${(r.loadBefore as number[]).map((l) => l.toFixed(2)).join(' ')}, after ${(r.loadAfter as number[]).map((l) => l.toFixed(2)).join(' ')}`,
  );
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
