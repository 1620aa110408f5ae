// What a reconcile step gets: the target's connector, the store, the call context that attributes every upstream
// call to the SCIM request, and a recorder for provisioning outcomes (audit kind "provisioning").
import type { CallContext, Connector } from '../connector.js';
import { UpstreamError } from '../errors.js';
import type { Mapping } from './model.js';
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

/**
 * Runs `converge`; when the upstream object it works on vanished (deleted by an admin: not-found), records it as lost,
 * forgets it (`forget` drops what depended on it) and converges once more from scratch.
 */
export async function convergeOnce<T>(
  ctx: ReconcileContext,
  mapping: Mapping,
  converge: () => Promise<T>,
  forget: () => Promise<void> = async () => undefined,
): Promise<T> {
  try {
    return await converge();
  } catch (err) {
    if (!isNotFound(err) || !mapping.upstreamId) throw err;
    ctx.record({
      action: 'lookup',
      outcome: 'lost',
      upstreamId: mapping.upstreamId,
      reason: errorMessage(err),
    });
    mapping.upstreamId = null;
    mapping.lastPushed = null;
    await forget();
    return converge();
  }
}

/**
 * A SCIM DELETE upstream: `remove` the upstream object if there is one (a not-found counts as done, recorded as
 * `absentOutcome`), then the mapping is `removed`. Idempotent: a removed mapping is left alone.
 */
export async function removeUpstream(
  ctx: ReconcileContext,
  mapping: Mapping,
  p: {
    action: string;
    detail: Record<string, unknown>;
    remove(upstreamId: string): Promise<void>;
    absentOutcome: string;
  },
): Promise<void> {
  if (mapping.state === 'removed') return;
  if (mapping.upstreamId) {
    const record = { action: p.action, upstreamId: mapping.upstreamId, ...p.detail };
    try {
      await p.remove(mapping.upstreamId);
      ctx.record({ ...record, outcome: 'removed' });
    } catch (err) {
      if (!isNotFound(err)) throw err;
      ctx.record({ ...record, outcome: p.absentOutcome });
    }
  } else {
    ctx.record({ action: p.action, outcome: 'nothing-upstream', ...p.detail });
  }
  mapping.state = 'removed';
  mapping.reason = null;
}
