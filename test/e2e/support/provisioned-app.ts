// The whole product in one test process: the AAC and Server simulators on 127.0.0.1 (random ports) and the bridge
// built exactly as `npm start` builds it (buildProvisionedBridge), pointed at them through the environment, on a
// fresh test database. Driven through real HTTP with supertest; upstream effects are read back through the
// simulators' controls and the bridge's own tables (id-mapping, audit trail).
import supertest from 'supertest';
import { loadEnv } from '../../../src/config/env.js';
import { buildProvisionedBridge, type Bridge } from '../../../src/container.js';
import type { TargetName } from '../../../src/core/connector.js';
import { createLogger } from '../../../src/shared/logger.js';
import {
  startSimulators,
  type RunningSimulators,
  type SimulatorOptions,
} from '../../../src/simulators/index.js';
import type { Upstreams } from '../../../src/upstreams.js';
import { createTestDatabase, type DatabaseKind, type TestDatabase } from '../../support/databases.js';
import { SCIM, TEST_TOKEN } from '../../support/test-app.js';

export { SCIM, TEST_TOKEN };

/** The environment that points a bridge at running simulators (docs/reference/bridge-interface.md variable names). */
export function simulatorEnv(sims: RunningSimulators): Record<string, string> {
  return {
    AAC_API_URL: sims.aac.baseUrl,
    AAC_TOKEN_URL: sims.aac.tokenUrl,
    AAC_CLIENT_ID: sims.aac.clientId,
    AAC_REFRESH_TOKEN: sims.aac.refreshToken,
    AAC_WORKSPACE_ID: String(sims.aac.workspaceId),
    SERVER_API_URL: sims.server.baseUrl,
    SERVER_CLIENT_ID: sims.server.clientId,
    SERVER_CLIENT_SECRET: sims.server.clientSecret,
    // no proactive rate limit: the simulators take whatever comes, and the tests should not wait for a bucket
    AAC_RATE_LIMIT_RPS: '0',
    AAC_MAX_CONCURRENCY: '0',
    SERVER_RATE_LIMIT_RPS: '0',
    SERVER_MAX_CONCURRENCY: '0',
  };
}

type AuthTest = supertest.Test;

export interface ProvisionedApp {
  sims: RunningSimulators;
  bridge: Bridge & { upstreams?: Upstreams | undefined };
  db: TestDatabase;
  kind: DatabaseKind;
  /** authenticated SCIM requests (path relative to /scim/v2) */
  scim: {
    get(path: string): AuthTest;
    post(path: string): AuthTest;
    put(path: string): AuthTest;
    patch(path: string): AuthTest;
    delete(path: string): AuthTest;
    /** any method, with extra headers (fixture replays) */
    send(method: string, path: string, headers?: Record<string, string>): AuthTest;
  };
  upstream: UpstreamView;
  store: StoreView;
  close(): Promise<void>;
}

export interface ProvisionedAppOptions {
  /** extra bridge environment (wins over the defaults) */
  env?: Record<string, string>;
  simulators?: SimulatorOptions;
}

export async function startProvisionedApp(
  kind: DatabaseKind,
  options: ProvisionedAppOptions = {},
): Promise<ProvisionedApp> {
  const sims = await startSimulators({ aacPort: 0, serverPort: 0, ...options.simulators });
  let db: TestDatabase | undefined;
  try {
    db = await createTestDatabase(kind);
    const env = loadEnv({
      DATABASE_URL: db.url,
      SCIM_TOKEN: TEST_TOKEN,
      LOG_LEVEL: 'silent',
      ...simulatorEnv(sims),
      ...options.env,
    });
    const bridge = await buildProvisionedBridge(env, createLogger('silent'));
    const http = supertest(bridge.app);
    const auth = (t: AuthTest) => t.set('Authorization', `Bearer ${TEST_TOKEN}`);
    const withBody = (t: AuthTest) => auth(t).set('Content-Type', 'application/scim+json');
    const send = (method: string, path: string, headers: Record<string, string> = {}) => {
      const m = method.toLowerCase();
      const test =
        m === 'get'
          ? http.get(SCIM + path)
          : m === 'post'
            ? http.post(SCIM + path)
            : m === 'put'
              ? http.put(SCIM + path)
              : m === 'patch'
                ? http.patch(SCIM + path)
                : m === 'delete'
                  ? http.delete(SCIM + path)
                  : undefined;
      if (!test) throw new Error(`unsupported method ${method}`);
      let t = auth(test);
      for (const [name, value] of Object.entries(headers)) t = t.set(name, value);
      return t;
    };
    const dbRef = db;
    return {
      sims,
      bridge,
      db,
      kind,
      scim: {
        get: (p) => auth(http.get(SCIM + p)),
        post: (p) => withBody(http.post(SCIM + p)),
        put: (p) => withBody(http.put(SCIM + p)),
        patch: (p) => withBody(http.patch(SCIM + p)),
        delete: (p) => auth(http.delete(SCIM + p)),
        send,
      },
      upstream: new UpstreamView(sims),
      store: new StoreView(bridge),
      close: async () => {
        await bridge.close();
        await sims.close();
        await dbRef.drop();
      },
    };
  } catch (error) {
    await sims.close();
    await db?.drop();
    throw error;
  }
}

/** What the simulators hold, keyed the way the bridge provisions (email for people/users, name for groups). */
export class UpstreamView {
  constructor(private readonly sims: RunningSimulators) {}

  get workspaceId(): number {
    return this.sims.aac.workspaceId;
  }

  aacPeople(email: string) {
    const e = email.toLowerCase();
    return this.sims.aac.control.state().people.filter((p) => p.email.toLowerCase() === e);
  }

  aacPerson(email: string) {
    return this.aacPeople(email)[0];
  }

  /** the person's membership status in the bridge's workspace (`new`, `active`, `suspended`), undefined = not a member */
  aacStatus(email: string): string | undefined {
    return this.aacPerson(email)?.memberships.find((m) => m.workspaceId === this.workspaceId)?.status;
  }

  aacGroup(name: string) {
    return this.sims.aac.control
      .state()
      .groups.find((g) => g.workspaceId === this.workspaceId && g.name === name);
  }

  aacGroups() {
    return this.sims.aac.control.state().groups.filter((g) => g.workspaceId === this.workspaceId);
  }

  serverUsers(email: string) {
    const e = email.toLowerCase();
    return this.sims.server.control.state().users.filter((u) => u.email.toLowerCase() === e);
  }

  serverUser(email: string) {
    return this.serverUsers(email)[0];
  }

  serverGroup(name: string) {
    return this.sims.server.control.state().groups.find((g) => g.name === name);
  }

  serverGroups() {
    return this.sims.server.control.state().groups;
  }

  aacRequests() {
    return this.sims.aac.control.requests();
  }

  serverRequests() {
    return this.sims.server.control.requests();
  }
}

export interface AuditRow {
  requestId: string;
  kind: string;
  method: string | null;
  path: string | null;
  status: number | null;
  target: string | null;
  resourceType: string | null;
  resourceId: string | null;
  detail: string | null;
}

/** The bridge's own records: id-mapping rows and the audit trail. */
export class StoreView {
  constructor(private readonly bridge: Bridge) {}

  mapping(resourceType: 'User' | 'Group', scimId: string, target: TargetName) {
    return this.bridge.handle.db.idMapping.findUnique({
      where: { resourceType_scimId_target: { resourceType, scimId, target } },
    });
  }

  mappings(resourceType: 'User' | 'Group', scimId: string) {
    return this.bridge.handle.db.idMapping.findMany({
      where: { resourceType, scimId },
      orderBy: { target: 'asc' },
    });
  }

  async audit(requestId: string): Promise<AuditRow[]> {
    return this.bridge.handle.db.auditEvent.findMany({ where: { requestId }, orderBy: { id: 'asc' } });
  }

  async allAudit(): Promise<AuditRow[]> {
    return this.bridge.handle.db.auditEvent.findMany({ orderBy: { id: 'asc' } });
  }

  jobs(requestId: string) {
    return this.bridge.handle.db.provisioningJob.findMany({ where: { requestId } });
  }
}

/** Polls `condition` until it holds; the error names what was awaited. */
export async function eventually<T>(
  what: string,
  probe: () => T | Promise<T>,
  accept: (value: T) => boolean = Boolean,
  timeoutMs = 10_000,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  let last: T = await probe();
  while (!accept(last)) {
    if (Date.now() > until)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last: ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 25));
    last = await probe();
  }
  return last;
}
