// Transactional outbox: the SCIM layer calls these INSIDE its own withTransaction callback, right after writing
// the SCIM rows, so a SCIM change and the jobs that propagate it commit (or roll back) together.
// A job says only "bring this resource on this target in line with the SCIM store": the runner reads the
// current state when it executes (docs/decisions/0004-durable-provisioning-jobs.md).
import type { TargetName } from '../../core/connector.js';
import { provisioningSignals } from '../../core/provisioning/signals.js';
import type { Tx } from '../database.js';
import { inChunks } from './read.js';

/** After a user was created, replaced, patched or deleted (a deleted user: its row is gone when the job runs). */
export async function enqueueUserSync(
  tx: Tx,
  p: { requestId: string; userId: string; targets: TargetName[] },
): Promise<void> {
  if (p.targets.length === 0) return;
  await tx.provisioningJob.createMany({
    data: p.targets.map((target) => ({ requestId: p.requestId, resourceType: 'User', scimId: p.userId, target })),
  });
  provisioningSignals.work(p.targets);
}

/**
 * After a group was created, renamed, deleted or its members changed. `added` / `removed` are SCIM user ids whose
 * membership changed in this request; each becomes one pending MemberSync row per target (the latest change of a
 * (group, user, target) wins). A deleted group needs neither: its job drops its rows.
 */
export async function enqueueGroupSync(
  tx: Tx,
  p: { requestId: string; groupId: string; targets: TargetName[]; added?: string[]; removed?: string[] },
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
    for (const batch of inChunks(ids, 400)) {
      await tx.memberSync.deleteMany({
        where: { groupId: p.groupId, target: { in: p.targets }, userId: { in: batch } },
      });
      await tx.memberSync.createMany({
        data: batch.flatMap((userId) =>
          p.targets.map((target) => ({ groupId: p.groupId, userId, target, op, state: 'pending' })),
        ),
      });
    }
  }
  await tx.provisioningJob.createMany({
    data: p.targets.map((target) => ({ requestId: p.requestId, resourceType: 'Group', scimId: p.groupId, target })),
  });
  provisioningSignals.work(p.targets);
}
