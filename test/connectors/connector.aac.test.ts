// The contract suite against the AAC simulator, under the default settings and under the other side of every
// Part D uncertainty that changes what the connector sees (docs/reference/upstream-contracts.md Part D #7-#16).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulators, type AacSettings, type RunningSimulators } from '../../src/simulators/index.js';
import { aacHarness } from './aac-harness.js';
import { connectorContract } from './connector.contract.js';

let sims: RunningSimulators;
beforeAll(async () => {
  sims = await startSimulators({ aacPort: 0, serverPort: 0 });
});
afterAll(async () => {
  await sims.close();
});

const OTHER_SIDE: Partial<AacSettings> = {
  default_limit: 2,
  max_limit: 2,
  include_count_default: true,
  invite_response_shape: 'ids',
  invite_status_code: 200,
  invite_existing_member: 'error409',
  list_includes_pending: false,
  membership_status_values: 'ui',
  email_match: 'case_sensitive',
  delete_member_status: 200,
  error_401_body: 'empty',
  rate_limit_standard_retry_after: true,
  refresh_token_rotation: false,
  access_token_ttl_s: 3600,
};

connectorContract('AAC, default simulator settings', () => {
  sims.aac.control.reset();
  return Promise.resolve(aacHarness(sims));
});

connectorContract(
  'AAC, the other side of Part D (ids invite shape, 200s, UI statuses, hidden invitees, limit 2)',
  () => {
    sims.aac.control.reset();
    sims.aac.control.updateSettings(OTHER_SIDE);
    return Promise.resolve(aacHarness(sims, { workspaceId: sims.aac.workspaceId }));
  },
);

describe('AAC traits', () => {
  it('declare the AAC column of docs/reference/bridge-interface.md', async () => {
    const sut = aacHarness(sims);
    expect(sut.connector.traits).toEqual({
      label: 'Alteryx Analytics Cloud',
      provisionsInactiveUsers: false,
      nameChanges: 'not-propagated',
      linkedUserBaseline: 'scim-state',
      deactivationDropsMemberships: false,
      deprovisioning: 'remove-from-workspace',
    });
    await sut.close();
  });
});
