// What the SCIM services need from provisioning (issue 4): enqueue reconcile work inside their own database
// transaction (through its SqlRunner), then wait (bounded) for the upstream outcome of the request. With no target configured the
// gateway is inert and the bridge only stores.
import type { TargetName } from '../core/connector.js';
import type { SqlRunner } from '../store/sql.js';

export type RequestOutcome =
  | { state: 'done' }
  | { state: 'pending'; targets: TargetName[] }
  | { state: 'rejected'; target: TargetName; status?: number | undefined; message: string };

export interface ProvisioningGateway {
  readonly targets: readonly TargetName[];
  enqueueUser(run: SqlRunner, p: { requestId: string; userId: string }): Promise<void>;
  enqueueGroup(
    run: SqlRunner,
    p: { requestId: string; groupId: string; added?: string[]; removed?: string[] },
  ): Promise<void>;
  awaitRequest(requestId: string, deadlineMs: number): Promise<RequestOutcome>;
  /** the product name of a target, for the people reading an answer (the connector's declared label) */
  labelOf(target: TargetName): string;
}

export const NO_PROVISIONING: ProvisioningGateway = {
  targets: [],
  enqueueUser: async () => undefined,
  enqueueGroup: async () => undefined,
  awaitRequest: async () => ({ state: 'done' }),
  labelOf: (target) => target,
};
