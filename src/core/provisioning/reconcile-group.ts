// Brings one target in line with the CURRENT SCIM state of one group: exists with the right name, and the pending
// membership deltas (MemberSync rows) applied in batches. Members are never diffed as whole lists: adding one member
// to a 20 000-member group is one row and one upstream call.
import { UpstreamError } from '../errors.js';
import type { GroupPushed, GroupSnapshot, Mapping, MemberSyncRow, MemberSyncUpdate } from './model.js';
import { chunk } from '../../shared/collections.js';
import { convergeOnce, isRejected, removeUpstream, type ReconcileContext } from './reconcile-context.js';

/** How a group job gets an upstream id for a member user that has none yet on the target. */
export type EnsureMemberResult =
  | { kind: 'ok'; upstreamId: string }
  /** another execution holds the user: leave the delta pending and come back shortly */
  | { kind: 'busy' }
  /** the user cannot be provisioned on this target now (inactive on AAC, refused): recorded on the delta */
  | { kind: 'skipped'; state: 'not_propagated' | 'failed'; reason: string };

export interface GroupReconcileDeps {
  ensureMemberUser(userId: string): Promise<EnsureMemberResult>;
}

export interface GroupReconcileResult {
  dropMemberSyncs: boolean;
  /** some deltas wait for a member user another execution holds */
  retrySoon: boolean;
}

function asGroupPushed(value: Mapping['lastPushed']): GroupPushed | null {
  return value && 'displayName' in value && !('email' in value) ? value : null;
}

export async function reconcileGroup(
  ctx: ReconcileContext,
  mapping: Mapping,
  group: GroupSnapshot | null,
  deps: GroupReconcileDeps,
): Promise<GroupReconcileResult> {
  if (!group) {
    await removeUpstreamGroup(ctx, mapping);
    return { dropMemberSyncs: true, retrySoon: false };
  }
  mapping.displayName = group.displayName;
  if (mapping.state === 'removed') {
    // The SCIM group is back (compensation restored a rejected DELETE): recreate it with every SCIM member.
    mapping.upstreamId = null;
    mapping.lastPushed = null;
    await ctx.store.resetMemberSyncs(group.scimId, ctx.connector.target);
  }
  // The upstream group vanished: create it again and re-add every SCIM member, once.
  return convergeOnce(
    ctx,
    mapping,
    () => converge(ctx, mapping, group, deps),
    () => ctx.store.resetMemberSyncs(group.scimId, ctx.connector.target),
  );
}

function removeUpstreamGroup(ctx: ReconcileContext, mapping: Mapping): Promise<void> {
  return removeUpstream(ctx, mapping, {
    action: 'deleteGroup',
    detail: { displayName: mapping.displayName },
    remove: (upstreamId) => ctx.connector.deleteGroup(upstreamId, ctx.call),
    // deleting a group that is already gone is the same result
    absentOutcome: 'removed',
  });
}

async function converge(
  ctx: ReconcileContext,
  mapping: Mapping,
  group: GroupSnapshot,
  deps: GroupReconcileDeps,
): Promise<GroupReconcileResult> {
  const { connector, call } = ctx;
  if (!mapping.upstreamId) {
    const ensured = await connector.ensureGroup(group.displayName, call);
    mapping.upstreamId = ensured.upstreamId;
    mapping.lastPushed = { displayName: group.displayName };
    ctx.record({
      action: 'ensureGroup',
      outcome: 'ensured',
      upstreamId: ensured.upstreamId,
      displayName: group.displayName,
    });
  } else if (asGroupPushed(mapping.lastPushed)?.displayName !== group.displayName) {
    await connector.renameGroup(mapping.upstreamId, group.displayName, call);
    mapping.lastPushed = { displayName: group.displayName };
    ctx.record({ action: 'renameGroup', outcome: 'renamed', displayName: group.displayName });
  }
  const members = await syncMembers(ctx, group.scimId, mapping.upstreamId, deps);
  if (members.refused.length > 0) {
    // Refused member changes (Server failedUserReasons, a rejected batch) make the request fail visibly; the rows
    // stay `failed` with their reasons, the group itself is fine.
    mapping.state = 'synced';
    mapping.reason = null;
    const first = members.refused[0];
    throw new UpstreamError(
      connector.target,
      'rejected',
      `${members.refused.length} member change(s) refused, e.g. user ${first?.userId}: ${first?.reason}`,
      first?.status,
    );
  }
  mapping.state = 'synced';
  mapping.reason = null;
  return { dropMemberSyncs: false, retrySoon: members.retrySoon };
}

/** Member users provisioned in parallel by one group job (each leases its own user key). */
const ENSURE_CONCURRENCY = 8;

async function forEachConcurrently<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  let failed = false;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length && !failed) {
      const item = items[next++] as T;
      try {
        await fn(item);
      } catch (err) {
        failed = true; // the other lanes finish their current item and stop
        throw err;
      }
    }
  });
  const results = await Promise.allSettled(lanes);
  const rejection = results.find((r) => r.status === 'rejected');
  if (rejection) throw rejection.reason;
}

interface Refusal {
  userId: string;
  reason: string;
  status?: number | undefined;
}

async function syncMembers(
  ctx: ReconcileContext,
  groupId: string,
  groupUpstreamId: string,
  deps: GroupReconcileDeps,
): Promise<{ retrySoon: boolean; refused: Refusal[] }> {
  const { store, connector } = ctx;
  const refused: Refusal[] = [];
  let retrySoon = false;
  let after: string | undefined;
  for (;;) {
    const rows = await store.pendingMemberSyncs(groupId, connector.target, ctx.memberPageSize, after);
    if (rows.length === 0) break;
    after = rows[rows.length - 1]?.userId;
    const updates: MemberSyncUpdate[] = [];
    const users = await store.mappingsOf(
      'User',
      rows.map((r) => r.userId),
      connector.target,
    );

    const removals: Array<{ row: MemberSyncRow; upstreamId: string }> = [];
    for (const row of rows.filter((r) => r.op === 'remove')) {
      const upstreamId = users.get(row.userId)?.upstreamId;
      if (upstreamId) removals.push({ row, upstreamId });
      else updates.push({ ...row, state: 'synced' }); // never provisioned there: nothing to remove
    }
    await applyBatches(ctx, groupUpstreamId, 'remove', removals, updates, refused);

    const addRows = rows.filter((r) => r.op === 'add');
    const active = await store.usersActive(addRows.map((r) => r.userId));
    const additions: Array<{ row: MemberSyncRow; upstreamId: string }> = [];
    const unprovisioned: MemberSyncRow[] = [];
    for (const row of addRows) {
      const isActive = active.get(row.userId);
      if (isActive === undefined) {
        updates.push({ ...row, state: 'not_propagated', reason: 'user deleted' });
      } else if (!isActive) {
        // Server empties an inactive user's groups; AAC never saw them. Added when the user is activated.
        updates.push({ ...row, state: 'not_propagated', reason: 'user inactive: added when activated' });
      } else {
        const upstreamId = users.get(row.userId)?.upstreamId;
        if (upstreamId) additions.push({ row, upstreamId });
        else unprovisioned.push(row);
      }
    }
    // "users not yet invited are invited first" (docs/reference/bridge-interface.md), a few at a time.
    await forEachConcurrently(unprovisioned, ENSURE_CONCURRENCY, async (row) => {
      const ensured = await deps.ensureMemberUser(row.userId);
      if (ensured.kind === 'busy') {
        retrySoon = true;
      } else if (ensured.kind === 'skipped') {
        updates.push({ ...row, state: ensured.state, reason: ensured.reason });
        if (ensured.state === 'failed') refused.push({ userId: row.userId, reason: ensured.reason });
      } else {
        additions.push({ row, upstreamId: ensured.upstreamId });
      }
    });
    await applyBatches(ctx, groupUpstreamId, 'add', additions, updates, refused);
    await store.settleMemberSyncs(updates);
  }
  return { retrySoon, refused };
}

async function applyBatches(
  ctx: ReconcileContext,
  groupUpstreamId: string,
  op: 'add' | 'remove',
  items: Array<{ row: MemberSyncRow; upstreamId: string }>,
  updates: MemberSyncUpdate[],
  refused: Refusal[],
): Promise<void> {
  const { connector, call } = ctx;
  for (const batch of chunk(items, ctx.memberBatchSize)) {
    const ids = batch.map((b) => b.upstreamId);
    try {
      if (op === 'remove') {
        await connector.removeMembers(groupUpstreamId, ids, call);
        for (const b of batch) updates.push({ ...b.row, state: 'synced' });
        ctx.record({ action: 'removeMembers', outcome: 'removed', count: batch.length });
        continue;
      }
      const result = await connector.addMembers(groupUpstreamId, ids, call);
      const reasons = new Map(result.failed.map((f) => [f.upstreamUserId, f.reason]));
      for (const b of batch) {
        const reason = reasons.get(b.upstreamId);
        updates.push({ ...b.row, state: reason === undefined ? 'synced' : 'failed', reason });
        if (reason !== undefined) refused.push({ userId: b.row.userId, reason });
      }
      ctx.record({
        action: 'addMembers',
        outcome: 'added',
        count: batch.length - reasons.size,
        failed: reasons.size,
      });
    } catch (err) {
      if (!isRejected(err)) {
        // Transient, auth or group-not-found: keep what succeeded so far, the rest stays pending.
        await ctx.store.settleMemberSyncs(updates.splice(0));
        throw err;
      }
      for (const b of batch) {
        updates.push({ ...b.row, state: 'failed', reason: err.message });
        refused.push({ userId: b.row.userId, reason: err.message, status: err.status });
      }
      ctx.record({
        action: `${op}Members`,
        outcome: 'failed',
        count: batch.length,
        reason: err.message,
        status: err.status,
      });
    }
  }
}
