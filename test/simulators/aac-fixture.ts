// Shared setup for AAC simulator tests: one simulator per test file, reset before each test.
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { startSimulators, type RunningSimulators } from '../../src/simulators/index.js';
import { http, type HttpResult, type RequestOptions } from './http.js';

export interface AacFixture {
  sims: RunningSimulators;
  /** a valid access token for the configured workspace, minted in-process after each reset */
  token: string;
  ws: number;
  call(method: string, path: string, options?: RequestOptions): Promise<HttpResult>;
  tokenRequest(form: Record<string, string>): Promise<HttpResult>;
}

export function useAacSimulator(): AacFixture {
  const fixture = {} as AacFixture;
  beforeAll(async () => {
    fixture.sims = await startSimulators();
    fixture.ws = fixture.sims.aac.workspaceId;
    fixture.call = (method, path, options = {}) =>
      http(method, fixture.sims.aac.baseUrl + path, { token: fixture.token, ...options });
    fixture.tokenRequest = (form) => http('POST', fixture.sims.aac.tokenUrl, { form });
  });
  beforeEach(() => {
    fixture.sims.aac.control.reset();
    fixture.token = fixture.sims.aac.control.issueAccessToken();
  });
  afterAll(async () => {
    await fixture.sims?.close();
  });
  return fixture;
}

/** Invites emails through the API and returns their person ids. */
export async function invite(f: AacFixture, emails: string[]): Promise<number[]> {
  const res = await f.call('POST', `/v4/workspaces/${f.ws}/people/batch`, { json: { emails } });
  if (res.status !== 201) throw new Error(`invite failed: ${res.status} ${res.text}`);
  return (res.body as { data: Array<{ id: number }> }).data.map((entry) => entry.id);
}
