// Counts of provisioning jobs by target and state, and the oldest pending job per target: one grouped query for
// /metrics (`scim_bridge_jobs`, `scim_bridge_oldest_pending_job_age_seconds`), /readyz (backlog) and the CLI.
// Read from the table rather than counted inside the runner, so every replica and the CLI see the same numbers.
import type { DatabaseHandle } from '../database.js';

/** States that are still of interest (`done` rows pile up and are not counted). `held` arrives with issue 10. */
export const OPEN_JOB_STATES = ['queued', 'running', 'failed', 'held'] as const;
/** Work the runner still has to do: the backlog. */
export const PENDING_JOB_STATES: readonly string[] = ['queued', 'running'];

export interface JobStat {
  target: string;
  state: string;
  count: number;
  /** createdAt of the oldest job in this group */
  oldestCreatedAt: Date | null;
}

export async function jobStats(handle: DatabaseHandle): Promise<JobStat[]> {
  const rows = await handle.db.provisioningJob.groupBy({
    by: ['target', 'state'],
    where: { state: { in: [...OPEN_JOB_STATES] } },
    _count: { _all: true },
    _min: { createdAt: true },
  });
  return rows.map((row) => ({
    target: row.target,
    state: row.state,
    count: row._count._all,
    oldestCreatedAt: row._min.createdAt ?? null,
  }));
}

/** Age in seconds of the oldest pending (queued or running) job per target; targets without one are absent. */
export function oldestPendingAgeSeconds(stats: readonly JobStat[], now: Date): Map<string, number> {
  const ages = new Map<string, number>();
  for (const stat of stats) {
    if (!PENDING_JOB_STATES.includes(stat.state) || !stat.oldestCreatedAt) continue;
    const age = Math.max(0, (now.getTime() - stat.oldestCreatedAt.getTime()) / 1000);
    ages.set(stat.target, Math.max(ages.get(stat.target) ?? 0, age));
  }
  return ages;
}
