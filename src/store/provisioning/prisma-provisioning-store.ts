// ProvisioningStore (src/core/provisioning/ports.ts) on Prisma, for SQLite and PostgreSQL alike.
// Concurrency: a resource key is owned through a lease on its IdMapping row, taken with ONE conditional UPDATE
// (`… WHERE leaseUntil IS NULL OR leaseUntil < now`), which is atomic on both databases (PostgreSQL re-checks the
// WHERE clause after waiting for a concurrent writer's row lock, so READ COMMITTED cannot hand it out twice).
// Every write goes through withTransaction (serialised on SQLite, ../database.ts).
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
import type { DatabaseHandle, Tx } from '../database.js';
import { withTransaction } from '../transaction.js';
import { mappingColumns, toMapping } from './mapping-row.js';
import { inChunks, readConsistent } from './read.js';
import { toUserSnapshot } from './scim-snapshots.js';

function keyWhere(key: ResourceKey) {
  return { resourceType: key.resourceType, scimId: key.scimId, target: key.target };
}

interface PgCreateMany<Row> {
  idMapping: { createMany(args: { data: Row[]; skipDuplicates: boolean }): Promise<{ count: number }> };
}

interface PendingFinish {
  execution: Execution;
  mapping: Mapping;
  jobs: JobsOutcome;
  dropMemberSyncs: boolean;
  resolve: () => void;
  reject: (err: unknown) => void;
}

const USER_SELECT = { id: true, userName: true, displayName: true, active: true, data: true } as const;

function asTarget(value: string): TargetName {
  return value === 'server' ? 'server' : 'aac';
}

function asMemberOp(value: string): MemberOp {
  return value === 'remove' ? 'remove' : 'add';
}

export class PrismaProvisioningStore implements ProvisioningStore {
  constructor(private readonly handle: DatabaseHandle) {}

  /** Resources with due work on `target` (queued and due, or running with an expired lease), oldest first. */
  private async dueKeys(tx: Tx, target: TargetName, now: Date, limit: number, exclude: ResourceKey[]): Promise<ResourceKey[]> {
    const rows = await tx.provisioningJob.findMany({
      where: {
        target,
        OR: [
          { state: 'queued', runAfter: { lte: now } },
          { state: 'running', leaseUntil: { lt: now } },
        ],
        NOT: exclude.map((k) => ({ resourceType: k.resourceType, scimId: k.scimId })),
      },
      orderBy: { id: 'asc' },
      take: limit * 4,
      select: { resourceType: true, scimId: true },
    });
    const seen = new Set<string>();
    const keys: ResourceKey[] = [];
    for (const row of rows) {
      const id = `${row.resourceType}:${row.scimId}`;
      if (seen.has(id)) continue;
      seen.add(id);
      keys.push({ resourceType: row.resourceType === 'Group' ? 'Group' : 'User', scimId: row.scimId, target });
      if (keys.length >= limit) break;
    }
    return keys;
  }

  /** Takes the lease on the key's mapping row (creating the row if needed). False when someone else holds it. */
  private async takeLease(tx: Tx, key: ResourceKey, claimId: string, now: Date, leaseUntil: Date): Promise<boolean> {
    const taken = await tx.idMapping.updateMany({
      where: { ...keyWhere(key), OR: [{ leaseUntil: null }, { leaseUntil: { lt: now } }] },
      data: { leaseOwner: claimId, leaseUntil },
    });
    if (taken.count === 1) return true;
    const exists = await tx.idMapping.findUnique({
      where: { resourceType_scimId_target: keyWhere(key) },
      select: { id: true },
    });
    if (exists) return false;
    const row = { ...keyWhere(key), leaseOwner: claimId, leaseUntil };
    if (this.handle.provider === 'postgresql') {
      // ON CONFLICT DO NOTHING: a concurrent creator wins without aborting this transaction.
      // The store is typed against the SQLite client, whose types lack `skipDuplicates`; the PostgreSQL one has it.
      const pgTx = tx as unknown as PgCreateMany<typeof row>;
      const created = await pgTx.idMapping.createMany({ data: [row], skipDuplicates: true });
      return created.count === 1;
    }
    // SQLite: writers are serialised, nobody can have created it since the read above.
    await tx.idMapping.create({ data: row });
    return true;
  }

  private async readMapping(tx: Tx, key: ResourceKey): Promise<Mapping> {
    const row = await tx.idMapping.findUniqueOrThrow({ where: { resourceType_scimId_target: keyWhere(key) } });
    return toMapping(row);
  }

  /** Leases the key and takes all its queued (and lease-expired running) jobs; null when busy or nothing left. */
  private async claimIn(tx: Tx, key: ResourceKey, claimId: string, now: Date, leaseUntil: Date): Promise<Execution | null> {
    if (!(await this.takeLease(tx, key, claimId, now, leaseUntil))) return null;
    // All queued jobs of the resource, due or backing off: one execution satisfies them all (coalescing).
    const taken = await tx.provisioningJob.updateMany({
      where: {
        ...keyWhere(key),
        OR: [{ state: 'queued' }, { state: 'running', leaseUntil: { lt: now } }],
      },
      data: { state: 'running', claimId, leaseUntil, attempts: { increment: 1 } },
    });
    if (taken.count === 0) {
      await tx.idMapping.updateMany({
        where: { ...keyWhere(key), leaseOwner: claimId },
        data: { leaseOwner: null, leaseUntil: null },
      });
      return null;
    }
    const jobs = await tx.provisioningJob.findMany({
      where: { claimId },
      select: { id: true, requestId: true, attempts: true, createdAt: true },
      orderBy: { id: 'asc' },
    });
    return { key, claimId, jobs, mapping: await this.readMapping(tx, key) };
  }

  claim(key: ResourceKey, claimId: string, now: Date, leaseUntil: Date): Promise<Execution | null> {
    return withTransaction(this.handle, (tx) => this.claimIn(tx, key, claimId, now, leaseUntil));
  }

  /**
   * One transaction for a whole batch: candidates, leases, jobs, and the SCIM rows the executions will reconcile
   * (read in the same transaction, so consistent with the jobs taken). On SQLite, where every write transaction is
   * serialised, this is what keeps the per-job database cost low.
   */
  claimDue(
    target: TargetName,
    now: Date,
    leaseUntil: Date,
    max: number,
    exclude: ResourceKey[],
    newClaimId: () => string,
  ): Promise<Execution[]> {
    return withTransaction(this.handle, async (tx) => {
      const executions: Execution[] = [];
      for (const key of await this.dueKeys(tx, target, now, max, exclude)) {
        const execution = await this.claimIn(tx, key, newClaimId(), now, leaseUntil);
        if (execution) executions.push(execution);
      }
      const userIds = executions.filter((e) => e.key.resourceType === 'User').map((e) => e.key.scimId);
      const groupIds = executions.filter((e) => e.key.resourceType === 'Group').map((e) => e.key.scimId);
      const users = userIds.length
        ? await tx.scimUser.findMany({ where: { id: { in: userIds } }, select: USER_SELECT })
        : [];
      const groups = groupIds.length
        ? await tx.scimGroup.findMany({ where: { id: { in: groupIds } }, select: { id: true, displayName: true } })
        : [];
      const userById = new Map(users.map((u) => [u.id, toUserSnapshot(u)]));
      const groupById = new Map(groups.map((g) => [g.id, { scimId: g.id, displayName: g.displayName }]));
      for (const e of executions) {
        e.desired =
          e.key.resourceType === 'User'
            ? { resourceType: 'User', user: userById.get(e.key.scimId) ?? null }
            : { resourceType: 'Group', group: groupById.get(e.key.scimId) ?? null };
      }
      return executions;
    });
  }

  lease(key: ResourceKey, claimId: string, now: Date, leaseUntil: Date): Promise<Mapping | null> {
    return withTransaction(this.handle, async (tx) =>
      (await this.takeLease(tx, key, claimId, now, leaseUntil)) ? this.readMapping(tx, key) : null,
    );
  }

  renewLease(key: ResourceKey, claimId: string, leaseUntil: Date): Promise<boolean> {
    return withTransaction(this.handle, async (tx) => {
      const kept = await tx.idMapping.updateMany({
        where: { ...keyWhere(key), leaseOwner: claimId },
        data: { leaseUntil },
      });
      await tx.provisioningJob.updateMany({ where: { claimId, state: 'running' }, data: { leaseUntil } });
      return kept.count === 1;
    });
  }

  async release(key: ResourceKey, claimId: string, mapping: Mapping): Promise<void> {
    await withTransaction(this.handle, (tx) =>
      tx.idMapping.updateMany({
        where: { ...keyWhere(key), leaseOwner: claimId },
        data: { ...mappingColumns(mapping), leaseOwner: null, leaseUntil: null },
      }),
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
      this.pendingFinishes.push({ execution, mapping, jobs, dropMemberSyncs: options.dropMemberSyncs ?? false, resolve, reject });
      if (this.pendingFinishes.length === 1) setImmediate(() => void this.flushFinishes());
    });
  }

  private readonly pendingFinishes: PendingFinish[] = [];

  private async flushFinishes(): Promise<void> {
    const batch = this.pendingFinishes.splice(0);
    if (batch.length === 0) return;
    try {
      await withTransaction(this.handle, async (tx) => {
        for (const f of batch) await this.finishIn(tx, f);
      });
      for (const f of batch) f.resolve();
    } catch (err) {
      for (const f of batch) f.reject(err);
    }
  }

  private async finishIn(tx: Tx, f: PendingFinish): Promise<void> {
    const { key, claimId } = f.execution;
    const jobs = f.jobs;
    await tx.idMapping.updateMany({
      where: { ...keyWhere(key), leaseOwner: claimId },
      data: { ...mappingColumns(f.mapping), leaseOwner: null, leaseUntil: null },
    });
    const where = { claimId, state: 'running' };
    if (jobs.state === 'done') {
      await tx.provisioningJob.updateMany({ where, data: { state: 'done', leaseUntil: null } });
    } else if (jobs.state === 'failed') {
      await tx.provisioningJob.updateMany({
        where,
        data: { state: 'failed', leaseUntil: null, lastError: jobs.error, lastStatus: jobs.status ?? null },
      });
    } else {
      await tx.provisioningJob.updateMany({
        where,
        data: {
          state: 'queued',
          claimId: null,
          leaseUntil: null,
          runAfter: jobs.runAfter,
          ...(jobs.error !== undefined ? { lastError: jobs.error, lastStatus: jobs.status ?? null } : {}),
          ...(jobs.countAttempt ? {} : { attempts: { decrement: 1 } }),
        },
      });
    }
    if (f.dropMemberSyncs) {
      await tx.memberSync.deleteMany({
        where: key.resourceType === 'User' ? { userId: key.scimId, target: key.target } : { groupId: key.scimId, target: key.target },
      });
    }
  }

  async loadUser(scimId: string): Promise<DesiredUser | null> {
    const row = await readConsistent(this.handle, (db) => db.scimUser.findUnique({ where: { id: scimId }, select: USER_SELECT }));
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
    const rows = await readConsistent(this.handle, (db) =>
      db.groupMember.findMany({ where: { userId }, select: { groupId: true } }),
    );
    return rows.map((r) => r.groupId);
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
          select: { scimId: true, upstreamId: true, state: true, reason: true, email: true, displayName: true, lastPushed: true, extra: true },
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
        where: { groupId, target, state: 'pending', ...(afterUserId !== undefined ? { userId: { gt: afterUserId } } : {}) },
        orderBy: { userId: 'asc' },
        take: limit,
        select: { groupId: true, userId: true, target: true, op: true },
      }),
    );
    return rows.map((r) => ({ groupId: r.groupId, userId: r.userId, target: asTarget(r.target), op: asMemberOp(r.op) }));
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
    const jobs = await readConsistent(this.handle, (db) =>
      db.provisioningJob.findMany({
        where: { requestId },
        select: { resourceType: true, scimId: true, target: true, state: true, lastError: true, lastStatus: true },
        orderBy: { id: 'asc' },
      }),
    );
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
    await withTransaction(this.handle, async (tx) => {
      for (const batch of inChunks(records, 200)) {
        await tx.auditEvent.createMany({
          data: batch.map((r) => ({
            at: r.at,
            requestId: r.requestId,
            kind: r.kind,
            resourceType: r.resourceType,
            resourceId: r.resourceId,
            target: r.target,
            method: r.method ?? null,
            path: r.path ?? null,
            status: r.status ?? null,
            durationMs: r.durationMs ?? null,
            attempt: r.attempt ?? null,
            detail: r.detail ? JSON.stringify(r.detail) : null,
          })),
        });
      }
    });
  }
}
