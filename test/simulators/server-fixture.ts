// Shared setup for Server simulator tests: one simulator per test file, reset before each test.
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { startSimulators, type RunningSimulators } from '../../src/simulators/index.js';
import { http, obj, type HttpResult, type RequestOptions } from './http.js';

export interface ServerFixture {
  sims: RunningSimulators;
  token: string;
  curatorId: string;
  call(method: string, path: string, options?: RequestOptions): Promise<HttpResult>;
}

export function useServerSimulator(): ServerFixture {
  const fixture = {} as ServerFixture;
  beforeAll(async () => {
    fixture.sims = await startSimulators();
    fixture.call = (method, path, options = {}) =>
      http(method, fixture.sims.server.baseUrl + path, { token: fixture.token, ...options });
  });
  beforeEach(() => {
    fixture.sims.server.control.reset();
    fixture.token = fixture.sims.server.control.issueAccessToken();
    fixture.curatorId = fixture.sims.server.control.state().curatorId;
  });
  afterAll(async () => {
    await fixture.sims?.close();
  });
  return fixture;
}

export const newUser = (n: number) => ({
  firstName: `First${n}`,
  lastName: `Last${n}`,
  email: `user${n}@example.com`,
});

export async function createUser(f: ServerFixture, n: number): Promise<Record<string, unknown>> {
  const res = await f.call('POST', '/v3/users', { json: newUser(n) });
  if (res.status !== 200) throw new Error(`create failed: ${res.status} ${res.text}`);
  return obj(res.body);
}

export async function createGroup(f: ServerFixture, name: string, role = 'Viewer'): Promise<string> {
  const res = await f.call('POST', '/v3/usergroups', { json: { name, role } });
  if (res.status !== 200 || typeof res.body !== 'string')
    throw new Error(`group create failed: ${res.status} ${res.text}`);
  return res.body;
}
