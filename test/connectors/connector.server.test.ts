// The contract suite against the Server simulator, under the default settings and under the other side of the
// Part D uncertainties that change what the connector sees (docs/reference/upstream-contracts.md Part D #22-#28).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulators, type RunningSimulators, type ServerSettings } from '../../src/simulators/index.js';
import { connectorContract } from './connector.contract.js';
import { serverHarness } from './server-harness.js';

let sims: RunningSimulators;
beforeAll(async () => {
  sims = await startSimulators({ aacPort: 0, serverPort: 0 });
});
afterAll(async () => {
  await sims.close();
});

const OTHER_SIDE: Partial<ServerSettings> = {
  token_auth_style: 'form',
  list_view_default: 'Full',
  pagination: 'page',
  create_status_code: 201,
  duplicate_email: 'allow',
  put_requires_all_fields: true,
};

connectorContract('Server, default simulator settings (delete mode: deactivate)', () => {
  sims.server.control.reset();
  return Promise.resolve(serverHarness(sims));
});

connectorContract('Server, delete mode: delete', () => {
  sims.server.control.reset();
  return Promise.resolve(serverHarness(sims, { deleteMode: 'delete' }));
});

connectorContract(
  'Server, the other side of Part D (form-only token, paging, 201, duplicates allowed)',
  () => {
    sims.server.control.reset();
    sims.server.control.updateSettings(OTHER_SIDE);
    return Promise.resolve(serverHarness(sims));
  },
);

describe('Server traits', () => {
  it('declare the Server column of docs/reference/bridge-interface.md, deprovisioning as SERVER_DELETE_MODE says', async () => {
    for (const deleteMode of ['deactivate', 'delete'] as const) {
      const sut = serverHarness(sims, { deleteMode });
      expect(sut.connector.traits).toEqual({
        label: 'Alteryx Server',
        provisionsInactiveUsers: true,
        nameChanges: 'propagated',
        linkedUserBaseline: 'unknown',
        deactivationDropsMemberships: true,
        deprovisioning: deleteMode,
      });
      await sut.close();
    }
  });
});
