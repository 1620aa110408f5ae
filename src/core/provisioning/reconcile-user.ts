// Brings one target in line with the CURRENT SCIM state of one user (docs/reference/bridge-interface.md, "What a SCIM operation
// does upstream"). Idempotent by construction: the diff base is the mapping's `lastPushed`, so running it twice,
// or once for three coalesced changes, does the right thing. Mutates `mapping`; the runner persists it even when
// a step throws, so partial progress (an upstream id obtained) is never lost.
import type { ConnectorTraits } from '../connector.js';
import type { DesiredUser, Mapping, MemberSyncUpdate, UserPushed } from './model.js';
import {
  convergeOnce,
  isNotFound,
  isRejected,
  removeUpstream,
  type ReconcileContext,
} from './reconcile-context.js';

export interface UserReconcileResult {
  /** the SCIM user is gone: its membership deltas on this target are moot */
  dropMemberSyncs: boolean;
}

/**
 * Reactivation restores SCIM's memberships where deactivation emptied the user's groups: by the connector's
 * declaration (Server), or because this deactivation reported groups it emptied.
 */
function deactivationDropsMemberships(traits: ConnectorTraits, mapping: Mapping): boolean {
  return traits.deactivationDropsMemberships || (mapping.extra.removedGroupIds?.length ?? 0) > 0;
}

/**
 * What a linked (pre-existing) upstream user is diffed against. Where its names and active flag are unknown (Server),
 * diff against nothing, so they are pushed. Where the upstream never takes names from an admin and the connector
 * aligns `active` when it adopts a person (AAC, A.6.3), the SCIM state is the baseline, as after an invite, and only
 * later changes are reported as not propagated. (Otherwise a user invited just before a crash, and found again after
 * it, would be `not_propagated` where every other invitee is `synced`.)
 */
function baselineAfterLink(traits: ConnectorTraits, user: DesiredUser): UserPushed | null {
  return traits.linkedUserBaseline === 'scim-state' ? pushedOf(user) : null;
}

const NAME_FIELDS = ['email', 'givenName', 'familyName', 'displayName'] as const;

function pushedOf(user: DesiredUser): UserPushed {
  return {
    email: user.email,
    givenName: user.givenName,
    familyName: user.familyName,
    displayName: user.displayName,
    active: user.active,
  };
}

export function asUserPushed(value: Mapping['lastPushed']): UserPushed | null {
  return value && 'email' in value && typeof value.active === 'boolean' ? value : null;
}

function changedFields(last: UserPushed | null, user: DesiredUser): string[] {
  return NAME_FIELDS.filter((f) => (last?.[f] ?? undefined) !== (user[f] ?? undefined));
}

export async function reconcileUser(
  ctx: ReconcileContext,
  mapping: Mapping,
  user: DesiredUser | null,
  scimId: string,
): Promise<UserReconcileResult> {
  if (!user) {
    await removeUpstreamUser(ctx, mapping);
    return { dropMemberSyncs: true };
  }
  if (mapping.state === 'removed') {
    // The SCIM user is back (compensation restored a rejected DELETE): whatever the upstream kept is unknown, so
    // provision afresh; ensureUser links the existing upstream user by email where one survived.
    mapping.upstreamId = null;
    mapping.lastPushed = null;
    mapping.extra = {};
  }
  mapping.email = user.email.toLowerCase();
  mapping.displayName =
    user.displayName ?? ([user.givenName, user.familyName].filter(Boolean).join(' ') || null);
  // The upstream user vanished (deleted by an admin): forget it and provision again, once.
  await convergeOnce(ctx, mapping, () => converge(ctx, mapping, user, scimId));
  return { dropMemberSyncs: false };
}

function removeUpstreamUser(ctx: ReconcileContext, mapping: Mapping): Promise<void> {
  return removeUpstream(ctx, mapping, {
    action: 'removeUser',
    detail: { email: mapping.email },
    remove: async (upstreamId) => {
      const result = await ctx.connector.removeUser(upstreamId, ctx.call);
      if (result.removedGroupIds.length > 0) mapping.extra.removedGroupIds = result.removedGroupIds;
    },
    absentOutcome: 'already-absent',
  });
}

/** local@domain.tld: the shape both upstreams accept (docs/reference/upstream-contracts.md B.5 validation; AAC invites by e-mail). */
export function looksLikeEmail(value: string): boolean {
  return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value);
}

async function converge(
  ctx: ReconcileContext,
  mapping: Mapping,
  user: DesiredUser,
  scimId: string,
): Promise<void> {
  const { connector, call } = ctx;
  const { traits } = connector;
  let justProvisioned = false;

  if (!mapping.upstreamId) {
    // docs/reference/bridge-interface.md: "POST /Users with active false → nothing upstream" on AAC.
    if (!traits.provisionsInactiveUsers && !user.active) {
      const reason = 'inactive user: not invited until activated';
      if (mapping.state !== 'not_propagated' || mapping.reason !== reason) {
        ctx.record({ action: 'ensureUser', outcome: 'not_propagated', reason, email: user.email });
      }
      mapping.state = 'not_propagated';
      mapping.reason = reason;
      return;
    }
    if (!looksLikeEmail(user.email)) {
      // Both products key people on an e-mail address (AAC invites it, Server requires it). A SCIM user without
      // one is kept here and reported, not refused: the IdP's attribute mapping is what needs fixing.
      const reason = `"${user.email}" is not an e-mail address: not provisioned until the user has one`;
      if (mapping.state !== 'not_propagated' || mapping.reason !== reason) {
        ctx.record({ action: 'ensureUser', outcome: 'not_propagated', reason, email: user.email });
      }
      mapping.state = 'not_propagated';
      mapping.reason = reason;
      return;
    }
    const ensured = await connector.ensureUser(user, call);
    mapping.upstreamId = ensured.upstreamId;
    justProvisioned = true;
    ctx.record({
      action: 'ensureUser',
      outcome: ensured.outcome,
      upstreamId: ensured.upstreamId,
      email: user.email,
    });
    mapping.lastPushed = ensured.outcome === 'linked' ? baselineAfterLink(traits, user) : pushedOf(user);
  }
  const upstreamId = mapping.upstreamId;
  const last = asUserPushed(mapping.lastPushed);

  const fields = changedFields(last, user);
  if (fields.length > 0) {
    const updated = await connector.updateUser(upstreamId, user, call);
    if (updated.outcome === 'not-propagated') {
      // AAC admins cannot change a person's name or email: keep the SCIM value, say so (docs/reference/bridge-interface.md).
      const reason = updated.reason ?? `${traits.label} does not accept changes of ${fields.join(', ')}`;
      mapping.extra.notPropagated = reason;
      ctx.record({ action: 'updateUser', outcome: 'not_propagated', fields, reason, email: user.email });
    } else {
      delete mapping.extra.notPropagated;
      if (updated.outcome === 'updated')
        ctx.record({ action: 'updateUser', outcome: 'updated', fields, email: user.email });
    }
  }

  // Unknown (linked) or changed active flag: align it. A user created just now was created with the right flag.
  if (last === null || last.active !== user.active) {
    if (!user.active) {
      const result = await connector.deactivateUser(upstreamId, call);
      const remembered = new Set([...(mapping.extra.removedGroupIds ?? []), ...result.removedGroupIds]);
      mapping.extra.removedGroupIds = [...remembered];
      ctx.record({
        action: 'deactivateUser',
        outcome: 'deactivated',
        removedGroupIds: result.removedGroupIds,
        email: user.email,
      });
    } else {
      await connector.reactivateUser(upstreamId, user, call);
      ctx.record({ action: 'reactivateUser', outcome: 'reactivated', email: user.email });
      if (deactivationDropsMemberships(traits, mapping)) await restoreMemberships(ctx, scimId, upstreamId);
      delete mapping.extra.removedGroupIds;
    }
  } else if (justProvisioned && user.active) {
    // Memberships SCIM already has (e.g. an AAC user invited only now, on activation) follow the user.
    await restoreMemberships(ctx, scimId, upstreamId);
  }

  mapping.lastPushed = pushedOf(user);
  mapping.state = mapping.extra.notPropagated ? 'not_propagated' : 'synced';
  mapping.reason = mapping.extra.notPropagated ?? null;
}

/** Adds the user upstream to every SCIM group it belongs to that exists on the target (one call per group). */
async function restoreMemberships(
  ctx: ReconcileContext,
  userId: string,
  upstreamUserId: string,
): Promise<void> {
  const { connector, call, store } = ctx;
  const groupIds = await store.groupIdsOfUser(userId);
  if (groupIds.length === 0) return;
  const groups = await store.mappingsOf('Group', groupIds, connector.target);
  const updates: MemberSyncUpdate[] = [];
  const base = { userId, target: connector.target, op: 'add' as const };
  for (const groupId of groupIds) {
    const group = groups.get(groupId);
    // A group not yet created upstream gets its members from its own job (MemberSync rows).
    if (!group?.upstreamId || group.state === 'removed') continue;
    try {
      const result = await connector.addMembers(group.upstreamId, [upstreamUserId], call);
      const refused = result.failed[0];
      updates.push({ ...base, groupId, state: refused ? 'failed' : 'synced', reason: refused?.reason });
      ctx.record({
        action: 'addMembers',
        outcome: refused ? 'failed' : 'restored',
        groupId,
        reason: refused?.reason,
      });
    } catch (err) {
      if (isRejected(err)) {
        updates.push({ ...base, groupId, state: 'failed', reason: err.message });
        ctx.record({
          action: 'addMembers',
          outcome: 'failed',
          groupId,
          reason: err.message,
          status: err.status,
        });
      } else if (!isNotFound(err)) {
        throw err;
      }
    }
  }
  await store.settleMemberSyncs(updates);
}
