// Composition of durable provisioning: the Prisma store + the core runner, for src/main / app wiring.
import type { Connector, TargetName } from '../../core/connector.js';
import type { RequestOutcome } from '../../core/provisioning/model.js';
import type { LoggerLike } from '../../shared/log.js';
import { ProvisioningRunner, type RunnerOptions } from '../../core/provisioning/runner.js';
import type { DatabaseHandle } from '../database.js';
import type { SqlRunner } from '../sql-runner.js';
import { enqueueGroupSync, enqueueUserSync } from './outbox.js';
import { PrismaProvisioningStore } from './prisma-provisioning-store.js';

export { enqueueGroupSync, enqueueUserSync } from './outbox.js';
export { createPrismaCredentialStore } from './credential-store.js';
export { PrismaProvisioningStore } from './prisma-provisioning-store.js';
export type { RequestOutcome } from '../../core/provisioning/model.js';

/** How long a SCIM request waits for its upstream effects (docs/decisions/0003-what-the-idp-sees.md). */
export const DEFAULT_REQUEST_DEADLINE_MS = 20_000;

export interface ProvisioningOptions extends Partial<RunnerOptions> {
  /** default deadline of awaitRequest() */
  requestDeadlineMs?: number;
}

export interface Provisioning {
  /** the configured targets, in the order of the connectors given */
  readonly targets: TargetName[];
  start(): Promise<void>;
  /** Stops the workers and flushes the audit trail. Does not close the connectors (their owner does). */
  stop(): Promise<void>;
  /** What the IdP's request waits for; `deadlineMs` defaults to options.requestDeadlineMs (20 s). */
  awaitRequest(requestId: string, deadlineMs?: number): Promise<RequestOutcome>;
  /** Writes buffered audit rows now. */
  flushAudit(): Promise<void>;
  /** enqueueUserSync for this instance's targets (call inside the SCIM transaction). */
  enqueueUser(run: SqlRunner, p: { requestId: string; userId: string }): Promise<void>;
  /** enqueueGroupSync for this instance's targets (call inside the SCIM transaction). */
  enqueueGroup(
    run: SqlRunner,
    p: { requestId: string; groupId: string; added?: string[]; removed?: string[] },
  ): Promise<void>;
}

export function createProvisioning(p: {
  handle: DatabaseHandle;
  connectors: readonly Connector[];
  logger: LoggerLike;
  options?: ProvisioningOptions;
}): Provisioning {
  const { requestDeadlineMs = DEFAULT_REQUEST_DEADLINE_MS, ...runnerOptions } = p.options ?? {};
  const runner = new ProvisioningRunner(
    new PrismaProvisioningStore(p.handle),
    p.connectors,
    p.logger,
    runnerOptions,
  );
  return {
    targets: runner.targets,
    start: () => runner.start(),
    stop: () => runner.stop(),
    awaitRequest: (requestId, deadlineMs = requestDeadlineMs) => runner.awaitRequest(requestId, deadlineMs),
    flushAudit: () => runner.flushAudit(),
    enqueueUser: (run, q) => enqueueUserSync(run, { ...q, targets: runner.targets }),
    enqueueGroup: (run, q) => enqueueGroupSync(run, { ...q, targets: runner.targets }),
  };
}
