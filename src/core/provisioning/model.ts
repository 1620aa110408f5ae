// The provisioning core's vocabulary: reconcile jobs, the id-mapping memory of each (resource, target), membership
// deltas and audit records. Plain data, no persistence: src/store/provisioning implements the ports (./ports.ts).
// Design: docs/decisions/0004-durable-provisioning-jobs.md.
import type { TargetName, UserSnapshot } from '../connector.js';

export type ResourceType = 'User' | 'Group';

/** One resource on one target: the unit of exclusivity (never two executions at once) and of coalescing. */
export interface ResourceKey {
  resourceType: ResourceType;
  scimId: string;
  target: TargetName;
}

export function keyString(key: ResourceKey): string {
  return `${key.resourceType}:${key.scimId}:${key.target}`;
}

/**
 * pending: not yet provisioned · synced: upstream matches SCIM · failed: the upstream refused (see reason) ·
 * not_propagated: the upstream cannot take (part of) the SCIM state, by design (AAC names, inactive AAC users) ·
 * removed: the SCIM resource was deleted and removed upstream (the row stays for auditors).
 */
export type MappingState = 'pending' | 'synced' | 'failed' | 'not_propagated' | 'removed';
export const MAPPING_STATES: readonly MappingState[] = [
  'pending',
  'synced',
  'failed',
  'not_propagated',
  'removed',
];

/** What was last sent upstream for a user: the diff base for the next reconcile. */
export interface UserPushed {
  email: string;
  givenName?: string | undefined;
  familyName?: string | undefined;
  displayName?: string | undefined;
  active: boolean;
}

export interface GroupPushed {
  displayName: string;
}

/** Target-specific memory kept with the mapping. */
export interface MappingExtra {
  /** upstream usergroup ids a Server deactivation emptied (docs/reference/bridge-interface.md: "remember the usergroups") */
  removedGroupIds?: string[] | undefined;
  /** why the last name/email change could not be propagated (AAC), until a later change goes through */
  notPropagated?: string | undefined;
}

/** The id-mapping row as the core reads and rewrites it during one execution. */
export interface Mapping {
  upstreamId: string | null;
  state: MappingState;
  reason: string | null;
  email: string | null;
  displayName: string | null;
  /** UserPushed or GroupPushed according to the resource type; null when unknown (never pushed, or linked) */
  lastPushed: UserPushed | GroupPushed | null;
  extra: MappingExtra;
}

export function emptyMapping(): Mapping {
  return {
    upstreamId: null,
    state: 'pending',
    reason: null,
    email: null,
    displayName: null,
    lastPushed: null,
    extra: {},
  };
}

/** A SCIM group as the core needs it. */
export interface GroupSnapshot {
  scimId: string;
  displayName: string;
}

export type DesiredUser = UserSnapshot;

export type JobState = 'queued' | 'running' | 'done' | 'failed';

export interface ClaimedJob {
  id: number;
  requestId: string;
  attempts: number;
  createdAt: Date;
}

/** The SCIM state an execution brings the target in line with; null = the resource was deleted. */
export type DesiredState =
  { resourceType: 'User'; user: DesiredUser | null } | { resourceType: 'Group'; group: GroupSnapshot | null };

/** A resource key leased by one execution, with the queued jobs it took (coalesced) and the mapping it owns. */
export interface Execution {
  key: ResourceKey;
  claimId: string;
  jobs: ClaimedJob[];
  mapping: Mapping;
  /** read in the claiming transaction when the store can; otherwise the runner loads it */
  desired?: DesiredState | undefined;
}

export type MemberOp = 'add' | 'remove';
export type MemberSyncState = 'pending' | 'synced' | 'failed' | 'not_propagated';

export interface MemberSyncRow {
  groupId: string;
  userId: string;
  target: TargetName;
  op: MemberOp;
}

/** Result of applying a membership delta. Written only if the row still carries the same `op`. */
export interface MemberSyncUpdate extends MemberSyncRow {
  state: Exclude<MemberSyncState, 'pending'>;
  reason?: string | undefined;
}

/** How the jobs of an execution end. */
export type JobsOutcome =
  | { state: 'done' }
  | { state: 'failed'; error: string; status?: number | undefined }
  | {
      state: 'queued';
      runAfter: Date;
      error?: string | undefined;
      status?: number | undefined;
      countAttempt: boolean;
    };

export type AuditKind = 'upstream' | 'provisioning';

/** One AuditEvent row (models.prisma). Never carries a secret. */
export interface AuditRecord {
  at: Date;
  requestId: string;
  kind: AuditKind;
  resourceType: ResourceType;
  resourceId: string;
  target: TargetName;
  method?: string | undefined;
  path?: string | undefined;
  status?: number | null | undefined;
  durationMs?: number | undefined;
  attempt?: number | undefined;
  detail?: Record<string, unknown> | undefined;
}

/** The state of all jobs of one SCIM request (what the IdP is waiting for). */
export interface RequestStatus {
  total: number;
  unfinishedTargets: TargetName[];
  /** the resources whose jobs of this request are still queued or running */
  unfinishedKeys: ResourceKey[];
  rejected: { target: TargetName; status?: number | undefined; message: string } | null;
}

/** What the SCIM route answers the IdP (docs/decisions/0003-what-the-idp-sees.md). */
export type RequestOutcome =
  | { state: 'done' }
  | { state: 'pending'; targets: TargetName[] }
  | { state: 'rejected'; target: TargetName; status?: number | undefined; message: string };
