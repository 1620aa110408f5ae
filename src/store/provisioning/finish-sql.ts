// The end of executions in raw SQL (docs/decisions/0006-hot-write-path.md), for a group commit of many at once:
// one UPDATE per mapping (its values differ), one UPDATE per target for all jobs that ended done, and the rare
// failed or re-queued executions one by one.
import type { TargetName } from '../../core/connector.js';
import type { Execution, JobsOutcome, Mapping, ResourceKey } from '../../core/provisioning/model.js';
import { empty, list, sql } from '../sql.js';
import type { SqlRunner } from '../sql-runner.js';
import { keysSql } from './claim-sql.js';
import { mappingColumns } from './mapping-row.js';

export interface FinishItem {
  execution: Execution;
  mapping: Mapping;
  jobs: JobsOutcome;
  dropMemberSyncs: boolean;
}

/** Saves the mapping and releases the lease, if `leaseOwner` still holds it. */
export async function saveMappingIn(
  run: SqlRunner,
  key: ResourceKey,
  leaseOwner: string,
  mapping: Mapping,
  now: Date,
): Promise<void> {
  const m = mappingColumns(mapping);
  await run.execute(sql`UPDATE "IdMapping" SET "upstreamId" = ${m.upstreamId}, state = ${m.state}, reason = ${m.reason},
      email = ${m.email}, "displayName" = ${m.displayName}, "lastPushed" = ${m.lastPushed}, extra = ${m.extra},
      "leaseOwner" = NULL, "leaseUntil" = NULL, "updatedAt" = ${now}
    WHERE "resourceType" = ${key.resourceType} AND "scimId" = ${key.scimId} AND target = ${key.target}
      AND "leaseOwner" = ${leaseOwner}`);
}

async function endJobsIn(
  run: SqlRunner,
  execution: Execution,
  jobs: Exclude<JobsOutcome, { state: 'done' }>,
  now: Date,
): Promise<void> {
  const { key, claimId } = execution;
  const mine = sql`WHERE target = ${key.target} AND ${keysSql([key])} AND state = 'running' AND "claimId" = ${claimId}`;
  if (jobs.state === 'failed') {
    await run.execute(sql`UPDATE "ProvisioningJob" SET state = 'failed', "leaseUntil" = NULL, "lastError" = ${jobs.error},
      "lastStatus" = ${jobs.status ?? null}, "updatedAt" = ${now} ${mine}`);
    return;
  }
  // Re-queued (retry later, or handed back unstarted): the attempt is uncounted when the upstream was not tried.
  const attemptsDelta = jobs.countAttempt ? 0 : -1;
  const lastError =
    jobs.error !== undefined
      ? sql`, "lastError" = ${jobs.error}, "lastStatus" = ${jobs.status ?? null}`
      : empty;
  await run.execute(sql`UPDATE "ProvisioningJob" SET state = 'queued', "claimId" = NULL, "leaseUntil" = NULL,
    "runAfter" = ${jobs.runAfter}, attempts = attempts + ${attemptsDelta}, "updatedAt" = ${now} ${lastError} ${mine}`);
}

/** Ends a batch of executions in the caller's transaction. */
export async function finishAllIn(run: SqlRunner, batch: readonly FinishItem[], now: Date): Promise<void> {
  const doneClaims = new Map<TargetName, string[]>();
  for (const f of batch) {
    await saveMappingIn(run, f.execution.key, f.execution.claimId, f.mapping, now);
    if (f.jobs.state === 'done') {
      const claims = doneClaims.get(f.execution.key.target) ?? [];
      claims.push(f.execution.claimId);
      doneClaims.set(f.execution.key.target, claims);
    } else {
      await endJobsIn(run, f.execution, f.jobs, now);
    }
    if (f.dropMemberSyncs) {
      const { key } = f.execution;
      const column = key.resourceType === 'User' ? sql`"userId"` : sql`"groupId"`;
      await run.execute(
        sql`DELETE FROM "MemberSync" WHERE ${column} = ${key.scimId} AND target = ${key.target}`,
      );
    }
  }
  // Only running jobs of the target are read (index on target, state): the claim ids pick this batch's.
  for (const [target, claims] of doneClaims) {
    await run.execute(sql`UPDATE "ProvisioningJob" SET state = 'done', "leaseUntil" = NULL, "updatedAt" = ${now}
      WHERE target = ${target} AND state = 'running' AND "claimId" IN (${list(claims)})`);
  }
}
