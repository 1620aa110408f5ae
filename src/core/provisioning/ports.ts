// Ports the provisioning core needs from the outside. src/store/provisioning/prisma-provisioning-store.ts
// implements ProvisioningStore with Prisma; tests may use it on a temp SQLite file or PostgreSQL.
import type { TargetName } from '../connector.js';
import type {
  AuditRecord,
  DesiredUser,
  Execution,
  GroupSnapshot,
  JobsOutcome,
  Mapping,
  MappingState,
  MemberSyncRow,
  MemberSyncUpdate,
  RequestStatus,
  ResourceKey,
  ResourceType,
} from './model.js';

export interface ProvisioningStore {
  /**
   * Claims up to `max` resources with due work on `target` (queued and due, or running with an expired lease),
   * oldest due first, skipping `exclude`, in as few transactions as the store can. Each claimed resource is
   * leased atomically and ALL its queued jobs are taken with it (coalescing, due or backing off), plus running
   * jobs whose lease expired. Every execution gets its own claim id, derived from one `newClaimId()` per call.
   */
  claimDue(
    target: TargetName,
    now: Date,
    leaseUntil: Date,
    max: number,
    exclude: ResourceKey[],
    newClaimId: () => string,
  ): Promise<Execution[]>;
  /** Leases a key without taking jobs (a group job ensuring a member user). Null when the key is busy. */
  lease(key: ResourceKey, claimId: string, now: Date, leaseUntil: Date): Promise<Mapping | null>;
  /** Extends the lease of a long execution; false when the lease was lost. */
  renewLease(key: ResourceKey, claimId: string, leaseUntil: Date): Promise<boolean>;
  /** Saves the mapping and releases the lease (the `lease()` counterpart). */
  release(key: ResourceKey, claimId: string, mapping: Mapping): Promise<void>;
  /** Saves the mapping, ends the claimed jobs and releases the lease, in one transaction. */
  finish(
    execution: Execution,
    mapping: Mapping,
    jobs: JobsOutcome,
    options?: { dropMemberSyncs?: boolean | undefined },
  ): Promise<void>;

  loadUser(scimId: string): Promise<DesiredUser | null>;
  loadGroup(scimId: string): Promise<GroupSnapshot | null>;
  /** `active` of the given SCIM users; a user missing from the map was deleted. */
  usersActive(userIds: string[]): Promise<Map<string, boolean>>;
  /** SCIM groups the user is a member of. */
  groupIdsOfUser(userId: string): Promise<string[]>;
  /** Upstream ids (and mapping states) on `target` of the given SCIM resources; absent = no mapping row. */
  mappingsOf(
    resourceType: ResourceType,
    scimIds: string[],
    target: TargetName,
  ): Promise<Map<string, { upstreamId: string | null; state: MappingState }>>;
  /** Pending membership deltas of a group on a target, by user id, after `afterUserId` (keyset paging). */
  pendingMemberSyncs(
    groupId: string,
    target: TargetName,
    limit: number,
    afterUserId?: string,
  ): Promise<MemberSyncRow[]>;
  /** Writes outcomes of membership deltas; a row whose `op` changed meanwhile (a newer request) is left pending. */
  settleMemberSyncs(updates: MemberSyncUpdate[]): Promise<void>;
  /** The upstream group was lost: every current SCIM member becomes a pending add again. */
  resetMemberSyncs(groupId: string, target: TargetName): Promise<void>;

  requestStatus(requestId: string): Promise<RequestStatus>;
  appendAudit(records: AuditRecord[]): Promise<void>;
}
