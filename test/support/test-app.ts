// A bridge on a real database, driven through real HTTP with supertest.
import supertest from 'supertest';
import type { ProvisioningGateway } from '../../src/app/provisioning-gateway.js';
import { loadEnv } from '../../src/config/env.js';
import { buildBridge, type Bridge } from '../../src/container.js';
import { createLogger } from '../../src/shared/logger.js';
import { createTestDatabase, type DatabaseKind, type TestDatabase } from './databases.js';

export const TEST_TOKEN = 'test-token-0123456789abcdef';
export const SCIM = '/scim/v2';

export interface TestApp {
  bridge: Bridge;
  db: TestDatabase;
  http: ReturnType<typeof supertest>;
  /** an authenticated request builder */
  auth: {
    get(path: string): supertest.Test;
    post(path: string): supertest.Test;
    put(path: string): supertest.Test;
    patch(path: string): supertest.Test;
    delete(path: string): supertest.Test;
  };
  close(): Promise<void>;
}

export async function startTestApp(
  kind: DatabaseKind,
  options: { env?: Record<string, string>; provisioning?: ProvisioningGateway } = {},
): Promise<TestApp> {
  const db = await createTestDatabase(kind);
  const env = loadEnv({ DATABASE_URL: db.url, SCIM_TOKEN: TEST_TOKEN, LOG_LEVEL: 'silent', ...options.env });
  const bridge = await buildBridge({
    env,
    logger: createLogger('silent'),
    provisioning: options.provisioning,
  });
  const http = supertest(bridge.app);
  const withAuth = (t: supertest.Test) => t.set('Authorization', `Bearer ${TEST_TOKEN}`);
  return {
    bridge,
    db,
    http,
    auth: {
      get: (p) => withAuth(http.get(SCIM + p)),
      post: (p) => withAuth(http.post(SCIM + p)).set('Content-Type', 'application/scim+json'),
      put: (p) => withAuth(http.put(SCIM + p)).set('Content-Type', 'application/scim+json'),
      patch: (p) => withAuth(http.patch(SCIM + p)).set('Content-Type', 'application/scim+json'),
      delete: (p) => withAuth(http.delete(SCIM + p)),
    },
    close: async () => {
      await bridge.close();
      await db.drop();
    },
  };
}

export const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
export const PATCH_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
export const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';

export function userBody(userName: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const [local] = userName.split('@');
  return {
    schemas: [USER_SCHEMA],
    userName,
    name: { givenName: local, familyName: 'Test' },
    emails: [{ primary: true, value: userName, type: 'work' }],
    active: true,
    ...extra,
  };
}
