// Builds Server connectors against the in-process Server simulator, with test-sized timeouts and backoff, and
// reads the simulator's state for the contract suite.
import { createServerConnector, type ServerConnectorConfig } from '../../src/connectors/server/index.js';
import type { RunningSimulators } from '../../src/simulators/index.js';
import type { ConnectorUnderTest, UpstreamUserStatus } from './connector.contract.js';

export const FAST: Partial<ServerConnectorConfig> = {
  timeoutMs: 400,
  retry: { maxAttempts: 4, baseDelayMs: 5, maxDelayMs: 40, maxRetryAfterMs: 3_000 },
  rateLimit: { requestsPerSecond: 0, maxConcurrent: 16 },
};

export function serverConnector(
  sims: RunningSimulators,
  overrides: Partial<ServerConnectorConfig> = {},
  clock?: { now(): number },
) {
  return createServerConnector(
    {
      apiUrl: sims.server.baseUrl,
      clientId: sims.server.clientId,
      clientSecret: sims.server.clientSecret,
      ...FAST,
      ...overrides,
    },
    { clock },
  );
}

export function serverHarness(
  sims: RunningSimulators,
  overrides: Partial<ServerConnectorConfig> = {},
): ConnectorUnderTest {
  const control = sims.server.control;
  const connector = serverConnector(sims, overrides);
  return {
    connector,
    usersWithEmail: (email) =>
      control.state().users.filter((u) => u.email.toLowerCase() === email.toLowerCase()).length,
    userStatus: (id): UpstreamUserStatus => {
      const user = control.state().users.find((u) => u.id === id);
      if (!user) return 'absent';
      return user.isActive ? 'active' : 'inactive';
    },
    groupsNamed: (name) =>
      control
        .state()
        .groups.filter((g) => g.name.toLowerCase() === name.toLowerCase())
        .map((g) => g.id),
    groupName: (id) => control.state().groups.find((g) => g.id === id)?.name,
    groupMembers: (id) => control.state().groups.find((g) => g.id === id)?.memberIds ?? [],
    close: () => connector.close(),
  };
}

export function serverRequests(sims: RunningSimulators, method: string, pathPattern: RegExp) {
  return sims.server.control.requests().filter((r) => r.method === method && pathPattern.test(r.path));
}
