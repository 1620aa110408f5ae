// ProvisioningStore (src/core/provisioning/ports.ts) for SQLite and PostgreSQL alike: the hot path (claim, finish,
// lease renewal, request status, audit) as raw SQL on a SqlRunner (./claim-sql.ts, ./finish-sql.ts, ADR 0006), the
// rest on Prisma's model API. Concurrency: a resource key is owned through a lease on its IdMapping row, taken with
// a conditional UPDATE (`… WHERE leaseUntil IS NULL OR leaseUntil < now`), which is atomic on both databases
// (PostgreSQL re-checks the WHERE clause after waiting for a concurrent writer's row lock, so READ COMMITTED cannot
// hand it out twice). Every write goes through the in-process write queue on SQLite (../transaction.ts).
import type { TargetName } from '../../core/connector.js';
import type {
  AuditRecord,
  DesiredUser,
  Execution,
  GroupSnapshot,
  JobsOutcome,
  Mapping,
  MappingState,
  MemberOp,
  MemberSyncRow,
  MemberSyncUpdate,
  RequestStatus,
  ResourceKey,
  ResourceType,
} from '../../core/provisioning/model.js';
import type { ProvisioningStore } from '../../core/provisioning/ports.js';
import type { DatabaseHandle } from '../database.js';
import { sql } from '../sql.js';
import { column, readRow } from '../rows.js';
import { readSql, withSqlTransaction } from '../sql-runner.js';
import { withTransaction } from '../transaction.js';
import { insertAuditRows } from '../audit.repository.js';
import { claimDueIn, claimIdOf, keysSql, leaseKeys } from './claim-sql.js';
import { finishAllIn, saveMappingIn, type FinishItem } from './finish-sql.js';
import { toMapping } from './mapping-row.js';
import { inChunks, readConsistent } from './read.js';
import { toUserSnapshot } from './scim-snapshots.js';

interface PendingFinish extends FinishItem {
  resolve: () => void;
  reject: (err: unknown) => void;
}

/** How often a claim also looks for running jobs whose lease expired (crash recovery). */
const EXPIRED_SCAN_INTERVAL_MS = 1_000;

const USER_SELECT = { id: true, userName: true, displayName: true, active: true, data: true } as const;

const REQUEST_JOB_ROW = {
  resourceType: column.text,
  scimId: column.text,
  target: column.text,
  state: column.text,
  lastError: column.nullableText,
  lastStatus: column.nullableInt,
};

function asTarget(value: string): TargetName {
  return value === 'server' ? 'server' : 'aac';
}

function asMemberOp(value: string): MemberOp {
  return value === 'remove' ? 'remove' : 'add';
}

export class PrismaProvisioningStore implements ProvisioningStore {
  constructor(private readonly handle: DatabaseHandle) {}

  /**
   * One transaction for a whole batch: candidates, leases, jobs, and the SCIM rows the executions will reconcile
   * (read in the same transaction, so consistent with the jobs taken), in a fixed number of raw statements
   * (./claim-sql.ts). On SQLite, where every write transaction is serialised, this keeps the per-job cost low.
   */
  claimDue(
    target: TargetName,
    now: Date,
    leaseUntil: Date,
    max: number,
    exclude: ResourceKey[],
    newClaimId: () => string,
  ): Promise<Execution[]> {
    const batchId = newClaimId();
    // Expired leases only exist after a crash or a stall: looking for them once a second is enough.
    const includeExpired = now.getTime() - (this.expiredScanAt.get(target) ?? 0) >= EXPIRED_SCAN_INTERVAL_MS;
    if (includeExpired) this.expiredScanAt.set(target, now.getTime());
    return withSqlTransaction(this.handle, (run) =>
      claimDueIn(run, { target, now, leaseUntil, max, exclude, batchId, includeExpired }),
    );
  }

  private readonly expiredScanAt = new Map<TargetName, number>();

  /**
   * The lease of one key with the claim's statements (./claim-sql.ts), for a group job that provisions a member user.
   * The lease owner is derived from `claimId` as for a claimed execution; release() derives it the same way.
   */
  async lease(key: ResourceKey, claimId: string, now: Date, leaseUntil: Date): Promise<Mapping | null> {
    const [leased] = await withSqlTransaction(this.handle, (run) =>
      leaseKeys({ run, target: key.target, batchId: claimId, now, leaseUntil }, [key]),
    );
    return leased ? toMapping(leased.row) : null;
  }

  renewLease(key: ResourceKey, claimId: string, leaseUntil: Date): Promise<boolean> {
    return withSqlTransaction(this.handle, async (run) => {
      const kept = await run.execute(sql`UPDATE "IdMapping" SET "leaseUntil" = ${leaseUntil}
        WHERE "resourceType" = ${key.resourceType} AND "scimId" = ${key.scimId} AND target = ${key.target}
          AND "leaseOwner" = ${claimId}`);
      await run.execute(sql`UPDATE "ProvisioningJob" SET "leaseUntil" = ${leaseUntil}
        WHERE target = ${key.target} AND ${keysSql([key])} AND state = 'running' AND "claimId" = ${claimId}`);
      return kept === 1;
    });
  }

  async release(key: ResourceKey, claimId: string, mapping: Mapping): Promise<void> {
    await withSqlTransaction(this.handle, (run) =>
      saveMappingIn(run, key, claimIdOf(claimId, key), mapping, new Date()),
    );
  }

  /**
   * Ends an execution. Finishes arriving together are written in ONE transaction (group commit): on SQLite every
   * transaction is serialised, so this divides the per-job cost by the number of workers finishing at once.
   */
  finish(
    execution: Execution,
    mapping: Mapping,
    jobs: JobsOutcome,
    options: { dropMemberSyncs?: boolean | undefined } = {},
  ): Promise<void> {
    return new Promise((resolve, reject) => {
      this.pendingFinishes.push({
        execution,
        mapping,
        jobs,
        dropMemberSyncs: options.dropMemberSyncs ?? false,
        resolve,
        reject,
      });
      if (this.pendingFinishes.length === 1) setImmediate(() => void this.flushFinishes());
    });
  }

  private readonly pendingFinishes: PendingFinish[] = [];

  private async flushFinishes(): Promise<void> {
    const batch = this.pendingFinishes.splice(0);
    if (batch.length === 0) return;
    try {
      await withSqlTransaction(this.handle, (run) => finishAllIn(run, batch, new Date()));
      for (const f of batch) f.resolve();
    } catch (err) {
      for (const f of batch) f.reject(err);
    }
  }

  async loadUser(scimId: string): Promise<DesiredUser | null> {
    const row = await readConsistent(this.handle, (db) =>
      db.scimUser.findUnique({ where: { id: scimId }, select: USER_SELECT }),
    );
    return row ? toUserSnapshot(row) : null;
  }

  async loadGroup(scimId: string): Promise<GroupSnapshot | null> {
    const row = await readConsistent(this.handle, (db) =>
      db.scimGroup.findUnique({ where: { id: scimId }, select: { id: true, displayName: true } }),
    );
    return row ? { scimId: row.id, displayName: row.displayName } : null;
  }

  async usersActive(userIds: string[]): Promise<Map<string, boolean>> {
    const result = new Map<string, boolean>();
    for (const ids of inChunks(userIds)) {
      const rows = await readConsistent(this.handle, (db) =>
        db.scimUser.findMany({ where: { id: { in: ids } }, select: { id: true, active: true } }),
      );
      for (const row of rows) result.set(row.id, row.active);
    }
    return result;
  }

  async groupIdsOfUser(userId: string): Promise<string[]> {
    // Raw: every newly provisioned user asks this once per target (docs/decisions/0006-hot-write-path.md).
    const rows = await readSql(
      this.handle,
      sql`SELECT "groupId" FROM "GroupMember" WHERE "userId" = ${userId}`,
    );
    return rows.map((r) => readRow({ groupId: column.text }, r).groupId);
  }

  async mappingsOf(
    resourceType: ResourceType,
    scimIds: string[],
    target: TargetName,
  ): Promise<Map<string, { upstreamId: string | null; state: MappingState }>> {
    const result = new Map<string, { upstreamId: string | null; state: MappingState }>();
    for (const ids of inChunks(scimIds)) {
      const rows = await readConsistent(this.handle, (db) =>
        db.idMapping.findMany({
          where: { resourceType, target, scimId: { in: ids } },
          select: {
            scimId: true,
            upstreamId: true,
            state: true,
            reason: true,
            email: true,
            displayName: true,
            lastPushed: true,
            extra: true,
          },
        }),
      );
      for (const row of rows) {
        const mapping = toMapping(row);
        result.set(row.scimId, { upstreamId: mapping.upstreamId, state: mapping.state });
      }
    }
    return result;
  }

  async pendingMemberSyncs(
    groupId: string,
    target: TargetName,
    limit: number,
    afterUserId?: string,
  ): Promise<MemberSyncRow[]> {
    const rows = await readConsistent(this.handle, (db) =>
      db.memberSync.findMany({
        where: {
          groupId,
          target,
          state: 'pending',
          ...(afterUserId !== undefined ? { userId: { gt: afterUserId } } : {}),
        },
        orderBy: { userId: 'asc' },
        take: limit,
        select: { groupId: true, userId: true, target: true, op: true },
      }),
    );
    return rows.map((r) => ({
      groupId: r.groupId,
      userId: r.userId,
      target: asTarget(r.target),
      op: asMemberOp(r.op),
    }));
  }

  async settleMemberSyncs(updates: MemberSyncUpdate[]): Promise<void> {
    if (updates.length === 0) return;
    // One UPDATE per (group, target, op, outcome) instead of one per row. The `op` condition leaves a row that a
    // newer request flipped (add → remove) pending for the next execution.
    const buckets = new Map<string, { sample: MemberSyncUpdate; userIds: string[] }>();
    for (const u of updates) {
      const id = JSON.stringify([u.groupId, u.target, u.op, u.state, u.reason ?? null]);
      const bucket = buckets.get(id) ?? { sample: u, userIds: [] };
      bucket.userIds.push(u.userId);
      buckets.set(id, bucket);
    }
    await withTransaction(this.handle, async (tx) => {
      for (const { sample, userIds } of buckets.values()) {
        for (const ids of inChunks(userIds)) {
          await tx.memberSync.updateMany({
            where: { groupId: sample.groupId, target: sample.target, op: sample.op, userId: { in: ids } },
            data: { state: sample.state, reason: sample.reason ?? null },
          });
        }
      }
    });
  }

  async resetMemberSyncs(groupId: string, target: TargetName): Promise<void> {
    await withTransaction(this.handle, async (tx) => {
      await tx.memberSync.deleteMany({ where: { groupId, target } });
      const members = await tx.groupMember.findMany({ where: { groupId }, select: { userId: true } });
      for (const batch of inChunks(members)) {
        await tx.memberSync.createMany({
          data: batch.map((m) => ({ groupId, userId: m.userId, target, op: 'add', state: 'pending' })),
        });
      }
    });
  }

  async requestStatus(requestId: string): Promise<RequestStatus> {
    const jobs = (
      await readSql(
        this.handle,
        sql`SELECT "resourceType", "scimId", target, state, "lastError", "lastStatus" FROM "ProvisioningJob"
          WHERE "requestId" = ${requestId} ORDER BY id`,
      )
    ).map((row) => readRow(REQUEST_JOB_ROW, row));
    const failed = jobs.find((j) => j.state === 'failed');
    const unfinished = jobs.filter((j) => j.state !== 'done' && j.state !== 'failed');
    return {
      total: jobs.length,
      unfinishedTargets: [...new Set(unfinished.map((j) => asTarget(j.target)))],
      unfinishedKeys: unfinished.map((j) => ({
        resourceType: j.resourceType === 'Group' ? 'Group' : 'User',
        scimId: j.scimId,
        target: asTarget(j.target),
      })),
      rejected: failed
        ? {
            target: asTarget(failed.target),
            status: failed.lastStatus ?? undefined,
            message: failed.lastError ?? 'rejected by the upstream',
          }
        : null,
    };
  }

  async appendAudit(records: AuditRecord[]): Promise<void> {
    if (records.length === 0) return;
    await withSqlTransaction(this.handle, (run) => insertAuditRows(run, records));
  }
}
