// Member leasing: a group job provisions a member user that has no upstream id yet on the target ("users not yet
// invited are invited first", docs/reference/bridge-interface.md), under that user's own lease, so that it never runs at the same
// time as the user's own execution. A user held elsewhere makes the delta wait (`busy`): the group job comes back
// shortly.
import { randomUUID } from 'node:crypto';
import type { ClaimScheduler } from './claim-scheduler.js';
import { isPermanentRefusal } from './failure-policy.js';
import type { Mapping, ResourceKey } from './model.js';
import type { ProvisioningStore } from './ports.js';
import type { ReconcileContext } from './reconcile-context.js';
import type { EnsureMemberResult } from './reconcile-group.js';
import { reconcileUser } from './reconcile-user.js';

export interface MemberLeasingDeps {
  store: ProvisioningStore;
  scheduler: Pick<ClaimScheduler, 'target' | 'isInFlight' | 'hold' | 'release'>;
  now: () => Date;
  leaseUntil: () => Date;
  /** the reconcile context of the member user, attributed to the group's request */
  context: (key: ResourceKey) => ReconcileContext;
}

export async function ensureMemberUser(deps: MemberLeasingDeps, userId: string): Promise<EnsureMemberResult> {
  const { store, scheduler } = deps;
  const key: ResourceKey = { resourceType: 'User', scimId: userId, target: scheduler.target };
  const claimId = randomUUID();
  if (scheduler.isInFlight(key)) return { kind: 'busy' };
  const leased = await store.lease(key, claimId, deps.now(), deps.leaseUntil());
  if (!leased) return { kind: 'busy' };
  const mapping: Mapping = structuredClone(leased);
  scheduler.hold(key);
  const ctx = deps.context(key);
  try {
    const user = await store.loadUser(userId);
    if (!user) return { kind: 'skipped', state: 'not_propagated', reason: 'user deleted' };
    await reconcileUser(ctx, mapping, user, userId);
    if (mapping.upstreamId) return { kind: 'ok', upstreamId: mapping.upstreamId };
    return {
      kind: 'skipped',
      state: 'not_propagated',
      reason: mapping.reason ?? 'user not provisioned on this target',
    };
  } catch (err) {
    if (isPermanentRefusal(err)) {
      mapping.state = 'failed';
      mapping.reason = err.message;
      ctx.record({ action: 'ensureUser', outcome: 'failed', reason: err.message, status: err.status });
      return { kind: 'skipped', state: 'failed', reason: err.message };
    }
    throw err;
  } finally {
    try {
      await store.release(key, claimId, mapping);
    } finally {
      scheduler.release(key);
    }
  }
}
