// The runner's claim step in set-based raw SQL (docs/decisions/0006-hot-write-path.md): one transaction takes a
// whole batch of resource keys with a fixed number of statements, however many keys the batch holds.
//
// Ownership is unchanged from ADR 0004: a key is leased through its IdMapping row, with a conditional UPDATE
// (`leaseUntil IS NULL OR leaseUntil < now`) that is atomic on both databases; PostgreSQL re-checks the WHERE
// clause after waiting for a concurrent writer's row lock, so READ COMMITTED cannot hand a key out twice.
// Each key's execution gets its own claim id, derived in SQL and in JS alike from one fresh batch id:
// `<batch>:<resourceType>:<scimId>`.
import type { TargetName } from '../../core/connector.js';
import type { ClaimedJob, Execution, ResourceKey, ResourceType } from '../../core/provisioning/model.js';
import { list, rows, sql, type Sql } from '../sql.js';
import { column, selectRows } from '../rows.js';
import type { SqlRunner } from '../sql-runner.js';
import { MAPPING_ROW, toMapping, type MappingRow } from './mapping-row.js';
import { toUserSnapshot } from './scim-snapshots.js';

export function claimIdOf(batchId: string, key: Pick<ResourceKey, 'resourceType' | 'scimId'>): string {
  return `${batchId}:${key.resourceType}:${key.scimId}`;
}

/** The same claim id as claimIdOf, computed by the database for the row at hand. */
function claimIdSql(batchId: string): Sql {
  return sql`${batchId} || ':' || "resourceType" || ':' || "scimId"`;
}

/**
 * `("resourceType", "scimId") IN (VALUES (…), …)`; keys non-empty. The row-value form lets SQLite use the unique
 * (resourceType, scimId, target) index; an OR of one IN list per type made it scan every row of the target.
 */
export function keysSql(keys: readonly Pick<ResourceKey, 'resourceType' | 'scimId'>[]): Sql {
  return sql`("resourceType", "scimId") IN (VALUES ${rows(keys.map((k) => [k.resourceType, k.scimId]))})`;
}

function asResourceType(value: string): ResourceType {
  return value === 'Group' ? 'Group' : 'User';
}

const KEY_ROW = { resourceType: column.text, scimId: column.text };

/**
 * Resources with due work on `target`, oldest due first: running jobs whose lease expired (a crashed execution,
 * looked for only when `includeExpired`), then queued jobs that are due. Index range scans on
 * (target, state, runAfter), in index order. The resources in flight here are skipped in JS: as SQL (`NOT IN
 * (VALUES …)`, one text per list length) that cost more than the scan itself.
 */
async function dueKeys(
  run: SqlRunner,
  p: { target: TargetName; now: Date; max: number; exclude: ResourceKey[]; includeExpired: boolean },
): Promise<ResourceKey[]> {
  const { target, now, max } = p;
  const excluded = new Set(p.exclude.map((k) => `${k.resourceType}:${k.scimId}`));
  // A resource with several queued jobs appears once per job, an excluded one may too: read more rows than wanted.
  const limit = max * 4 + excluded.size;
  const expired = p.includeExpired
    ? await selectRows(
        run,
        KEY_ROW,
        sql`SELECT "resourceType", "scimId" FROM "ProvisioningJob"
        WHERE target = ${target} AND state = 'running' AND "leaseUntil" < ${now}
        ORDER BY "leaseUntil", id LIMIT ${limit}`,
      )
    : [];
  const queued = await selectRows(
    run,
    KEY_ROW,
    sql`SELECT "resourceType", "scimId" FROM "ProvisioningJob"
    WHERE target = ${target} AND state = 'queued' AND "runAfter" <= ${now}
    ORDER BY "runAfter", id LIMIT ${limit}`,
  );
  const seen = new Set<string>();
  const keys: ResourceKey[] = [];
  for (const row of [...expired, ...queued]) {
    const id = `${row.resourceType}:${row.scimId}`;
    if (seen.has(id) || excluded.has(id)) continue;
    seen.add(id);
    keys.push({ resourceType: asResourceType(row.resourceType), scimId: row.scimId, target });
    if (keys.length >= max) break;
  }
  return keys;
}

/** What every statement of one claim shares. */
export interface ClaimScope {
  run: SqlRunner;
  target: TargetName;
  batchId: string;
  now: Date;
  leaseUntil: Date;
}

/**
 * Leases the keys that nobody holds (creating their mapping rows first), and returns the leased ones with their
 * mapping rows: two statements for the whole batch (UPDATE … RETURNING: SQLite ≥ 3.35 and PostgreSQL).
 */
export async function leaseKeys(
  scope: ClaimScope,
  keys: ResourceKey[],
): Promise<Array<{ key: ResourceKey; row: MappingRow }>> {
  const { run, target, batchId, now, leaseUntil } = scope;
  const missing = keys.map((k) => [k.resourceType, k.scimId, target, 'pending', now, now]);
  await run.execute(sql`INSERT INTO "IdMapping" ("resourceType", "scimId", target, state, "createdAt", "updatedAt")
    VALUES ${rows(missing)} ON CONFLICT ("resourceType", "scimId", target) DO NOTHING`);
  // A lease is not a change of the mapping: updatedAt ("when it last changed") is left alone.
  const leased = await selectRows(
    run,
    { ...KEY_ROW, ...MAPPING_ROW },
    sql`UPDATE "IdMapping"
    SET "leaseOwner" = ${claimIdSql(batchId)}, "leaseUntil" = ${leaseUntil}
    WHERE target = ${target} AND ${keysSql(keys)} AND ("leaseUntil" IS NULL OR "leaseUntil" < ${now})
    RETURNING "resourceType", "scimId", "upstreamId", state, reason, email, "displayName", "lastPushed", extra`,
  );
  return leased.map((row) => ({
    key: { resourceType: asResourceType(row.resourceType), scimId: row.scimId, target },
    row,
  }));
}

const JOB_ROW = {
  id: column.int,
  requestId: column.text,
  attempts: column.int,
  createdAt: column.date,
  claimId: column.text,
};

/**
 * Takes ALL queued jobs of the leased keys (due or backing off: coalescing) and expired running ones. A queued
 * job never has a lease (enqueue and re-queue clear it), so "queued, or running with an expired lease" is written
 * as `state IN (…) AND lease absent or expired`: with an OR on state, SQLite scanned every queued job of the target.
 */
async function takeJobs(scope: ClaimScope, keys: ResourceKey[]): Promise<Map<string, ClaimedJob[]>> {
  const { run, target, batchId, now, leaseUntil } = scope;
  const taken = await selectRows(
    run,
    JOB_ROW,
    sql`UPDATE "ProvisioningJob" SET state = 'running',
      "claimId" = ${claimIdSql(batchId)}, "leaseUntil" = ${leaseUntil}, attempts = attempts + 1, "updatedAt" = ${now}
    WHERE target = ${target} AND ${keysSql(keys)} AND state IN ('queued', 'running')
      AND ("leaseUntil" IS NULL OR "leaseUntil" < ${now})
    RETURNING id, "requestId", attempts, "createdAt", "claimId"`,
  );
  // RETURNING gives no order: the core expects each execution's jobs oldest first.
  taken.sort((a, b) => a.id - b.id);
  const byClaim = new Map<string, ClaimedJob[]>();
  for (const job of taken) {
    const jobs = byClaim.get(job.claimId) ?? [];
    jobs.push({ id: job.id, requestId: job.requestId, attempts: job.attempts, createdAt: job.createdAt });
    byClaim.set(job.claimId, jobs);
  }
  return byClaim;
}

const USER_ROW = {
  id: column.text,
  userName: column.text,
  displayName: column.nullableText,
  active: column.boolean,
  data: column.text,
};
const GROUP_ROW = { id: column.text, displayName: column.text };

/** The SCIM rows the executions reconcile, read in the claiming transaction (consistent with the jobs taken). */
async function attachDesired(run: SqlRunner, executions: Execution[]): Promise<void> {
  const userIds = executions.filter((e) => e.key.resourceType === 'User').map((e) => e.key.scimId);
  const groupIds = executions.filter((e) => e.key.resourceType === 'Group').map((e) => e.key.scimId);
  const users = userIds.length
    ? await selectRows(
        run,
        USER_ROW,
        sql`SELECT id, "userName", "displayName", active, data FROM "ScimUser"
        WHERE id IN (${list(userIds)})`,
      )
    : [];
  const groups = groupIds.length
    ? await selectRows(
        run,
        GROUP_ROW,
        sql`SELECT id, "displayName" FROM "ScimGroup"
        WHERE id IN (${list(groupIds)})`,
      )
    : [];
  const userById = new Map(users.map((u) => [u.id, toUserSnapshot(u)]));
  const groupById = new Map(groups.map((g) => [g.id, { scimId: g.id, displayName: g.displayName }]));
  for (const e of executions) {
    e.desired =
      e.key.resourceType === 'User'
        ? { resourceType: 'User', user: userById.get(e.key.scimId) ?? null }
        : { resourceType: 'Group', group: groupById.get(e.key.scimId) ?? null };
  }
}

export interface ClaimParams {
  target: TargetName;
  now: Date;
  leaseUntil: Date;
  max: number;
  exclude: ResourceKey[];
  batchId: string;
  /** also look for running jobs whose lease expired (crash recovery) */
  includeExpired: boolean;
}

/**
 * Claims up to `max` resources with due work on `target`, skipping `exclude`, in one transaction of five
 * statements in the common case: due keys (1, or 2 with includeExpired), leases (2), jobs (1), SCIM rows (1–2),
 * plus one to release keys that had nothing left to take.
 */
export async function claimDueIn(run: SqlRunner, p: ClaimParams): Promise<Execution[]> {
  const { target, now, leaseUntil, batchId } = p;
  const keys = await dueKeys(run, p);
  if (keys.length === 0) return [];
  const scope: ClaimScope = { run, target, batchId, now, leaseUntil };
  const leased = await leaseKeys(scope, keys);
  if (leased.length === 0) return [];
  const jobsByClaim = await takeJobs(
    scope,
    leased.map((l) => l.key),
  );
  const executions: Execution[] = [];
  const idle: ResourceKey[] = [];
  for (const { key, row } of leased) {
    const claimId = claimIdOf(batchId, key);
    const jobs = jobsByClaim.get(claimId);
    if (jobs) executions.push({ key, claimId, jobs, mapping: toMapping(row) });
    else idle.push(key); // its jobs were taken between our read and our lease (another replica)
  }
  if (idle.length > 0) {
    await run.execute(sql`UPDATE "IdMapping" SET "leaseOwner" = NULL, "leaseUntil" = NULL
      WHERE target = ${target} AND ${keysSql(idle)} AND "leaseOwner" IN (${list(idle.map((k) => claimIdOf(batchId, k)))})`);
  }
  await attachDesired(run, executions);
  return executions;
}
