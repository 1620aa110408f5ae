// Builds AAC connectors against the in-process AAC simulator, with test-sized timeouts and backoff, and reads the
// simulator's state for the contract suite.
import type { CredentialStore } from '../../src/core/credential-store.js';
import { createAacConnector, type AacConnectorConfig } from '../../src/connectors/aac/index.js';
import { InMemoryCredentialStore } from '../../src/connectors/in-memory-credential-store.js';
import type { RunningSimulators } from '../../src/simulators/index.js';
import type { ConnectorUnderTest, UpstreamUserStatus } from './connector.contract.js';

export const FAST: Partial<AacConnectorConfig> = {
  timeoutMs: 400,
  retry: { maxAttempts: 4, baseDelayMs: 5, maxDelayMs: 40, maxRetryAfterMs: 3_000 },
  rateLimit: { requestsPerSecond: 0, maxConcurrent: 16 },
  refreshLeaseMs: 2_000,
};

export function aacConnector(
  sims: RunningSimulators,
  store: CredentialStore = new InMemoryCredentialStore(),
  overrides: Partial<AacConnectorConfig> = {},
  clock?: { now(): number },
) {
  return createAacConnector(
    {
      apiUrl: sims.aac.baseUrl,
      tokenUrl: sims.aac.tokenUrl,
      clientId: sims.aac.clientId,
      initialRefreshToken: sims.aac.refreshToken,
      ...FAST,
      ...overrides,
    },
    { credentialStore: store, clock },
  );
}

export function aacHarness(
  sims: RunningSimulators,
  overrides: Partial<AacConnectorConfig> = {},
): ConnectorUnderTest {
  const control = sims.aac.control;
  const ws = sims.aac.workspaceId;
  const membership = (person: ReturnType<typeof control.state>['people'][number]) =>
    person.memberships.find((m) => m.workspaceId === ws);
  const connector = aacConnector(sims, new InMemoryCredentialStore(), overrides);
  return {
    connector,
    usersWithEmail: (email) =>
      control.state().people.filter((p) => p.email.toLowerCase() === email.toLowerCase() && membership(p))
        .length,
    userStatus: (id): UpstreamUserStatus => {
      const person = control.state().people.find((p) => String(p.id) === id);
      const m = person ? membership(person) : undefined;
      if (!m) return 'absent';
      return m.status === 'suspended' || m.status === 'disabled' ? 'inactive' : 'active';
    },
    groupsNamed: (name) =>
      control
        .state()
        .groups.filter((g) => g.workspaceId === ws && g.name.toLowerCase() === name.toLowerCase())
        .map((g) => g.id),
    groupName: (id) => control.state().groups.find((g) => g.id === id)?.name,
    groupMembers: (id) => (control.state().groups.find((g) => g.id === id)?.users ?? []).map(String),
    close: () => connector.close(),
  };
}

/** Calls the simulator received, by method and path pattern. */
export function aacRequests(sims: RunningSimulators, method: string, pathPattern: RegExp) {
  return sims.aac.control.requests().filter((r) => r.method === method && pathPattern.test(r.path));
}
