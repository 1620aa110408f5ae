// Shutdown drains the requests in flight before it closes the bridge (the runner they wait for keeps working), and
// keeps to its bound when a request does not finish.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { silentLogger } from './shared/log.js';
import { shutDown } from './shutdown.js';

async function serverWithSlowRequest() {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const events: string[] = [];
  const server = http.createServer((_req, res) => {
    events.push('request started');
    void released.then(() => {
      events.push('request answered');
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const response = new Promise<string>((resolve) => {
    http
      .get({ host: '127.0.0.1', port, path: '/', agent: new http.Agent({ keepAlive: true }) }, (res) => {
        res.resume();
        res.on('end', () => resolve(`status ${res.statusCode}`));
      })
      .on('error', (err) => resolve(`error ${(err as NodeJS.ErrnoException).code}`));
  });
  while (!events.includes('request started')) await new Promise((r) => setTimeout(r, 5));
  return { server, release, events, response };
}

describe('shutDown', () => {
  it('closes the bridge only after the request in flight was answered', async () => {
    const { server, release, events, response } = await serverWithSlowRequest();
    const bridge = { close: async () => void events.push('bridge closed') };
    const done = shutDown(server, bridge, { drainMs: 5_000, closeMs: 1_000 }, silentLogger);
    await new Promise((r) => setTimeout(r, 50));
    expect(events).toEqual(['request started']);
    release();
    expect(await done).toBe(0);
    expect(await response).toBe('status 200');
    expect(events).toEqual(['request started', 'request answered', 'bridge closed']);
  });

  it('cuts a request still running at the bound, and still closes the bridge', async () => {
    const { server, release, events, response } = await serverWithSlowRequest();
    const bridge = { close: async () => void events.push('bridge closed') };
    expect(await shutDown(server, bridge, { drainMs: 100, closeMs: 1_000 }, silentLogger)).toBe(0);
    expect(await response).toBe('error ECONNRESET');
    expect(events).toEqual(['request started', 'bridge closed']);
    release();
  });

  it('answers exit code 1 when closing the bridge outlasts its bound', async () => {
    const { server, release } = await serverWithSlowRequest();
    release();
    const bridge = { close: () => new Promise<void>(() => undefined) };
    expect(await shutDown(server, bridge, { drainMs: 1_000, closeMs: 50 }, silentLogger)).toBe(1);
  });
});
