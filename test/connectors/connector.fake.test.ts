// The provisioning tests' in-memory fake passes the same contract suite as the real connectors, in both of its
// trait sets: what the provisioning tests prove with it holds for a connector that behaves like AAC or like Server.
import { connectorContract, type ConnectorUnderTest, type UpstreamUserStatus } from './connector.contract.js';
import { AAC_LIKE, FakeConnector, SERVER_LIKE } from '../provisioning/fake-connector.js';

function fakeHarness(connector: FakeConnector): ConnectorUnderTest {
  return {
    connector,
    usersWithEmail: (email) =>
      [...connector.users.values()].filter((u) => u.email.toLowerCase() === email.toLowerCase()).length,
    userStatus: (id): UpstreamUserStatus => {
      const user = connector.users.get(id);
      if (!user) return 'absent';
      return user.active ? 'active' : 'inactive';
    },
    groupsNamed: (name) =>
      [...connector.groups.values()]
        .filter((g) => g.name.toLowerCase() === name.toLowerCase())
        .map((g) => g.id),
    groupName: (id) => connector.groups.get(id)?.name,
    groupMembers: (id) => [...(connector.groups.get(id)?.members ?? [])],
    close: () => connector.close(),
  };
}

connectorContract('in-memory fake, AAC-like traits', async () =>
  fakeHarness(new FakeConnector('aac', AAC_LIKE)),
);
connectorContract('in-memory fake, Server-like traits', async () =>
  fakeHarness(new FakeConnector('server', SERVER_LIKE)),
);
