// What a reconcile step gets: the target's connector, the store, the call context that attributes every upstream
// call to the SCIM request, and a recorder for provisioning outcomes (audit kind "provisioning").
import type { CallContext, Connector } from '../connector.js';
import { UpstreamError } from '../errors.js';
import type { ProvisioningStore } from './ports.js';

export interface OutcomeRecord {
  /** the connector operation, e.g. "ensureUser" */
  action: string;
  /** e.g. created, linked, updated, not_propagated, removed, failed */
  outcome: string;
  status?: number | undefined;
  [detail: string]: unknown;
}

export interface ReconcileContext {
  connector: Connector;
  store: ProvisioningStore;
  call: CallContext;
  record(outcome: OutcomeRecord): void;
  /** upstream ids per addMembers/removeMembers call */
  memberBatchSize: number;
  /** pending MemberSync rows read per page */
  memberPageSize: number;
}

export function isNotFound(err: unknown): boolean {
  return err instanceof UpstreamError && err.kind === 'not-found';
}

export function isRejected(err: unknown): err is UpstreamError {
  return err instanceof UpstreamError && err.kind === 'rejected';
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
