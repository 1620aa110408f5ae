// Transactional outbox: the SCIM layer calls these INSIDE its own transaction (with that transaction's SqlRunner),
// right after writing the SCIM rows, so a SCIM change and the jobs that propagate it commit (or roll back) together.
// A job says only "bring this resource on this target in line with the SCIM store": the runner reads the
// current state when it executes (docs/decisions/0004-durable-provisioning-jobs.md).
import type { TargetName } from '../../core/connector.js';
import type { WorkSignal } from '../../core/provisioning/signals.js';
import { rows, sql } from '../sql.js';
import type { SqlRunner } from '../sql-runner.js';
import { inChunks } from './read.js';

/** After a user was created, replaced, patched or deleted (a deleted user: its row is gone when the job runs). */
export async function enqueueUserSync(
  run: SqlRunner,
  p: { requestId: string; userId: string; targets: TargetName[] },
  /** tells this bridge's runner at once (without it, the runner's poll finds the work) */
  signals?: WorkSignal,
): Promise<void> {
  if (p.targets.length === 0) return;
  await insertJobs(run, p.requestId, 'User', p.userId, p.targets);
  signals?.work(p.targets, { resourceType: 'User', scimId: p.userId });
}

/** One queued job per target, due now (raw SQL: docs/decisions/0006-hot-write-path.md). */
async function insertJobs(
  run: SqlRunner,
  requestId: string,
  resourceType: 'User' | 'Group',
  scimId: string,
  targets: readonly TargetName[],
): Promise<void> {
  const now = new Date();
  const values = targets.map((target) => [
    requestId,
    resourceType,
    scimId,
    target,
    'queued',
    0,
    now,
    now,
    now,
  ]);
  await run.execute(sql`INSERT INTO "ProvisioningJob" ("requestId", "resourceType", "scimId", target, state, attempts,
    "runAfter", "createdAt", "updatedAt") VALUES ${rows(values)}`);
}

/**
 * After a group was created, renamed, deleted or its members changed. `added` / `removed` are SCIM user ids whose
 * membership changed in this request; each becomes one pending MemberSync row per target (the latest change of a
 * (group, user, target) wins). A deleted group needs neither: its job drops its rows.
 */
export async function enqueueGroupSync(
  run: SqlRunner,
  p: { requestId: string; groupId: string; targets: TargetName[]; added?: string[]; removed?: string[] },
  signals?: WorkSignal,
): Promise<void> {
  if (p.targets.length === 0) return;
  const removed = new Set(p.removed ?? []);
  // A user both removed and added in one request (PUT replacing a list) ends up a member: "add" wins.
  const added = new Set(p.added ?? []);
  for (const id of added) removed.delete(id);
  for (const [op, ids] of [
    ['add', [...added]],
    ['remove', [...removed]],
  ] as const) {
    // One upsert per chunk: the newest change of a (group, user, target) replaces any older pending one.
    for (const batch of inChunks(ids, 400)) {
      const now = new Date();
      const values = batch.flatMap((userId) =>
        p.targets.map((target) => [p.groupId, userId, target, op, 'pending', now]),
      );
      await run.execute(sql`INSERT INTO "MemberSync" ("groupId", "userId", target, op, state, "updatedAt")
        VALUES ${rows(values)}
        ON CONFLICT ("groupId", "userId", target)
        DO UPDATE SET op = excluded.op, state = 'pending', reason = NULL, "updatedAt" = excluded."updatedAt"`);
    }
  }
  await insertJobs(run, p.requestId, 'Group', p.groupId, p.targets);
  signals?.work(p.targets, { resourceType: 'Group', scimId: p.groupId });
}
