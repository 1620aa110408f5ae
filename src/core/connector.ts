// The one contract every upstream connector implements (AAC v4, Alteryx Server v3).
// The provisioning core talks only to this interface; it knows nothing of HTTP, axios or the upstream payloads.
// What each method must do on each product is fixed by docs/reference/bridge-interface.md ("What a SCIM operation
// does upstream"); the request/response shapes by docs/reference/upstream-contracts.md.

export type TargetName = 'aac' | 'server';
export const TARGET_NAMES: readonly TargetName[] = ['aac', 'server'];

/** What a connector needs to know about a SCIM user: canonical, SCIM-agnostic. */
export interface UserSnapshot {
  /** the bridge's SCIM id, for logs and audit only */
  scimId: string;
  /** primary `emails` value, else the first `emails` value, else `userName` (docs/reference/bridge-interface.md) */
  email: string;
  givenName?: string | undefined;
  familyName?: string | undefined;
  displayName?: string | undefined;
  active: boolean;
}

/** One HTTP exchange with an upstream, reported for the audit trail. Never carries a secret. */
export interface UpstreamCall {
  target: TargetName;
  method: string;
  /** path relative to the upstream base URL, query string included, credentials never included */
  path: string;
  /** HTTP status, or null when no response came (timeout, dropped connection) */
  status: number | null;
  durationMs: number;
  /** 1 for the first try, 2 for the first retry, … */
  attempt: number;
  error?: string | undefined;
}

/** Passed with every connector call so that each upstream call is attributed to the SCIM request behind it. */
export interface CallContext {
  requestId: string;
  onUpstreamCall?: ((call: UpstreamCall) => void) | undefined;
}

export interface EnsureUserResult {
  upstreamId: string;
  /** created/invited: a new upstream user; linked: an existing one with that email was adopted */
  outcome: 'created' | 'invited' | 'linked';
}

export interface UpdateUserResult {
  /** not-propagated: the upstream cannot take this change (AAC admins cannot change name/email) */
  outcome: 'updated' | 'unchanged' | 'not-propagated';
  reason?: string | undefined;
}

export interface RemoveUserResult {
  /** upstream group ids the user was removed from (Server deactivation), so reactivation can restore them */
  removedGroupIds: string[];
}

export interface MemberChangeResult {
  /** members the upstream refused (Server `failedUserReasons`), by upstream user id */
  failed: Array<{ upstreamUserId: string; reason: string }>;
}

/**
 * What a connector declares about its upstream, so that the core decides by behaviour, never by a vendor's name
 * (docs/reference/bridge-interface.md, "What a SCIM operation does upstream"). The connector contract suite
 * (test/connectors/connector.contract.ts) checks that each connector behaves as it declares.
 */
export interface ConnectorTraits {
  /** the product's name for people, e.g. in the error an IdP is answered when the upstream refused a change */
  readonly label: string;
  /** false: the upstream only hears about active users; an inactive SCIM user is provisioned once activated (AAC) */
  readonly provisionsInactiveUsers: boolean;
  /** name and email changes: pushed (Server), or not accepted from an admin and reported `not-propagated` (AAC) */
  readonly nameChanges: 'propagated' | 'not-propagated';
  /**
   * what a user adopted by email is diffed against: `scim-state` = the SCIM state, as after a create (the upstream
   * keeps its own names and the connector aligns `active` on adoption: AAC); `unknown` = nothing, so everything is
   * pushed (Server)
   */
  readonly linkedUserBaseline: 'scim-state' | 'unknown';
  /** deactivation empties the user's upstream groups, so reactivation restores SCIM's memberships (Server) */
  readonly deactivationDropsMemberships: boolean;
  /**
   * what a SCIM DELETE leaves upstream: the account outside the workspace (AAC), a deactivated account, or no
   * account (Server's SERVER_DELETE_MODE)
   */
  readonly deprovisioning: 'remove-from-workspace' | 'deactivate' | 'delete';
}

export interface Connector {
  readonly target: TargetName;
  readonly traits: ConnectorTraits;
  /**
   * Idempotent: look the user up by email first and adopt it ("linked"); create or invite only when absent.
   * Server creates the user with `isActive = user.active`. AAC is only asked for active users.
   */
  ensureUser(user: UserSnapshot, ctx: CallContext): Promise<EnsureUserResult>;
  /** Push name/email changes. AAC answers `not-propagated` for changes it cannot accept. */
  updateUser(upstreamId: string, user: UserSnapshot, ctx: CallContext): Promise<UpdateUserResult>;
  /** active → false. AAC: suspend. Server: deactivate, returning the usergroups it emptied. */
  deactivateUser(upstreamId: string, ctx: CallContext): Promise<RemoveUserResult>;
  /** active → true. AAC: unsuspend. Server: PUT isActive true (group restoration is done by the core via addMembers). */
  reactivateUser(upstreamId: string, user: UserSnapshot, ctx: CallContext): Promise<void>;
  /** SCIM DELETE. AAC: remove from the workspace. Server: SERVER_DELETE_MODE (deactivate, or hard delete). */
  removeUser(upstreamId: string, ctx: CallContext): Promise<RemoveUserResult>;
  /** Idempotent: adopt an upstream group of that name if one exists, else create it. */
  ensureGroup(name: string, ctx: CallContext): Promise<{ upstreamId: string }>;
  renameGroup(upstreamId: string, name: string, ctx: CallContext): Promise<void>;
  /** Idempotent: an already-deleted group counts as deleted. */
  deleteGroup(upstreamId: string, ctx: CallContext): Promise<void>;
  addMembers(
    groupUpstreamId: string,
    userUpstreamIds: string[],
    ctx: CallContext,
  ): Promise<MemberChangeResult>;
  /** Idempotent: removing a non-member is not an error. */
  removeMembers(groupUpstreamId: string, userUpstreamIds: string[], ctx: CallContext): Promise<void>;
  /** For /readyz: proves the upstream answers and the credentials yield a token. */
  checkReady(ctx: CallContext): Promise<void>;
  /** Stops timers (token refresh, micro-batch windows) so the process can exit. */
  close(): Promise<void>;
}
