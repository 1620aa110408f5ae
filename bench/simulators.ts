// Throughput of the simulators, so later benchmarks know they are not the bottleneck.
// Run: npx tsx bench/simulators.ts   (127.0.0.1 only; 10 connections × 5 s per scenario after 2 s of warm-up; latency injection off)
// The simulators run in a child process (`src/simulators/main.ts` on random ports) so that autocannon, which runs
// in this process, does not share their event loop.
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';

interface AutocannonRequest {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string;
  setupRequest?: (request: AutocannonRequest) => AutocannonRequest;
}

interface AutocannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number; average: number };
  non2xx: number;
  errors: number;
  timeouts: number;
}

type Autocannon = (options: {
  url: string;
  connections: number;
  duration: number;
  requests: AutocannonRequest[];
}) => Promise<AutocannonResult>;

const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

const CONNECTIONS = 10;
const DURATION_S = 5;
const SEEDED = 10_000;

function startChild(): Promise<{ child: ChildProcess; aacUrl: string; serverUrl: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/simulators/main.ts'], {
    env: { ...process.env, SIM_AAC_PORT: '0', SIM_SERVER_PORT: '0' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let output = '';
    child.once('exit', (code) => reject(new Error(`simulators exited early (${code})`)));
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const aac = /AAC simulator:\s+(http:\/\/127\.0\.0\.1:\d+)\/v4/.exec(output);
      const server = /Server simulator:\s+(http:\/\/127\.0\.0\.1:\d+\/webapi)\/v3/.exec(output);
      if (aac?.[1] && server?.[1]) resolve({ child, aacUrl: aac[1], serverUrl: server[1] });
    });
  });
}

async function postJson(url: string, body: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${url} → ${res.status}`);
  return (await res.json()) as Record<string, unknown>;
}

async function serverToken(serverUrl: string): Promise<string> {
  const res = await fetch(`${serverUrl}/oauth2/token`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      // the child inherits this environment, so it accepts the same SIM_SERVER_* credentials (or the defaults)
      authorization: `Basic ${Buffer.from(`${process.env.SIM_SERVER_CLIENT_ID || 'sim-server-key'}:${process.env.SIM_SERVER_CLIENT_SECRET || 'sim-server-secret'}`).toString('base64')}`,
    },
    body: 'grant_type=client_credentials',
  });
  const body = (await res.json()) as { access_token?: unknown };
  if (typeof body.access_token !== 'string') throw new Error('no Server token');
  return body.access_token;
}

interface Row {
  scenario: string;
  'req/s': number;
  'p50 ms': number;
  'p99 ms': number;
  requests: number;
  'non-2xx': number;
  errors: number;
}

/** Two seconds of warm-up (JIT, sockets) before the measured run. */
async function measure(scenario: string, url: string, request: AutocannonRequest): Promise<Row> {
  await autocannon({ url, connections: CONNECTIONS, duration: 2, requests: [request] });
  const result = await autocannon({
    url,
    connections: CONNECTIONS,
    duration: DURATION_S,
    requests: [request],
  });
  return {
    scenario,
    'req/s': Math.round(result.requests.average),
    'p50 ms': result.latency.p50,
    'p99 ms': result.latency.p99,
    requests: result.requests.total,
    'non-2xx': result.non2xx,
    errors: result.errors + result.timeouts,
  };
}

const { child, aacUrl, serverUrl } = await startChild();
try {
  const serverOrigin = serverUrl.replace(/\/webapi$/, '');
  await postJson(`${aacUrl}/__sim/people/seed`, { count: SEEDED, status: 'active' });
  await postJson(`${serverOrigin}/__sim/users/seed`, { count: SEEDED });
  const aacToken = String((await postJson(`${aacUrl}/__sim/tokens/access-token`, {})).accessToken);
  const srvToken = await serverToken(serverUrl);

  let n = 0;
  const rows: Row[] = [];
  rows.push(
    await measure(`AAC GET /v4/people?email= (${SEEDED} people)`, aacUrl, {
      method: 'GET',
      headers: { authorization: `Bearer ${aacToken}` },
      setupRequest: (req) => ({
        ...req,
        path: `/v4/people?email=seed.user${(n++ % SEEDED) + 1}%40sim.example.com`,
      }),
    }),
  );
  rows.push(
    await measure(`Server GET /webapi/v3/users?email= (${SEEDED} users)`, serverUrl, {
      method: 'GET',
      headers: { authorization: `Bearer ${srvToken}` },
      setupRequest: (req) => ({
        ...req,
        path: `/webapi/v3/users?email=seed.user${(n++ % SEEDED) + 1}%40sim.example.com`,
      }),
    }),
  );
  rows.push(
    await measure('Server POST /webapi/v3/users', serverUrl, {
      method: 'POST',
      headers: { authorization: `Bearer ${srvToken}`, 'content-type': 'application/json' },
      setupRequest: (req) => ({
        ...req,
        path: '/webapi/v3/users',
        body: JSON.stringify({
          firstName: 'Bench',
          lastName: `User${n}`,
          email: `bench.user${n++}@sim.example.com`,
        }),
      }),
    }),
  );
  console.log(
    `\n${CONNECTIONS} connections × ${DURATION_S} s per scenario, 127.0.0.1, latency injection off, Node ${process.version}`,
  );
  console.table(rows);
} finally {
  child.kill('SIGTERM');
}
