// The append-only audit trail. Rows are only ever inserted (no update or delete exists in this module): one per SCIM
// request that changed something (kind "scim"), and the provisioning runner's rows for the upstream calls and
// outcomes it caused (kinds "upstream" and "provisioning"), linked by requestId.
import { rows, sql } from './sql.js';
import type { SqlRunner } from './sql-runner.js';

export interface ScimAuditEntry {
  requestId: string;
  tokenId: string | null;
  method: string;
  /** request path without the query string (a filter may carry personal data; the path never carries a secret) */
  path: string;
  resourceType: 'User' | 'Group';
  resourceId: string;
  status: number;
  /** non-secret details, e.g. the userName or email touched, so auditors can search by email */
  detail?: Record<string, unknown> | undefined;
}

/** One AuditEvent row as written (models.prisma). */
export interface AuditRow {
  at: Date;
  requestId: string;
  kind: string;
  tokenId?: string | null | undefined;
  method?: string | null | undefined;
  path?: string | null | undefined;
  resourceType?: string | null | undefined;
  resourceId?: string | null | undefined;
  status?: number | null | undefined;
  target?: string | null | undefined;
  durationMs?: number | null | undefined;
  attempt?: number | null | undefined;
  detail?: Record<string, unknown> | null | undefined;
}

/** 13 bound parameters a row: 200 rows stay far below SQLite's and PostgreSQL's parameter limits. */
const ROWS_PER_STATEMENT = 200;

/** Appends audit rows with one multi-row INSERT per 200 rows (raw SQL: docs/decisions/0006-hot-write-path.md). */
export async function insertAuditRows(run: SqlRunner, entries: readonly AuditRow[]): Promise<void> {
  for (let i = 0; i < entries.length; i += ROWS_PER_STATEMENT) {
    const values = entries
      .slice(i, i + ROWS_PER_STATEMENT)
      .map((r) => [
        r.at,
        r.requestId,
        r.kind,
        r.tokenId ?? null,
        r.method ?? null,
        r.path ?? null,
        r.resourceType ?? null,
        r.resourceId ?? null,
        r.status ?? null,
        r.target ?? null,
        r.durationMs ?? null,
        r.attempt ?? null,
        r.detail ? JSON.stringify(r.detail) : null,
      ]);
    await run.execute(sql`INSERT INTO "AuditEvent" (at, "requestId", kind, "tokenId", method, path, "resourceType",
      "resourceId", status, target, "durationMs", attempt, detail) VALUES ${rows(values)}`);
  }
}

export function recordScimRequest(
  run: SqlRunner,
  entry: ScimAuditEntry,
  at: Date = new Date(),
): Promise<void> {
  return insertAuditRows(run, [{ ...entry, at, kind: 'scim' }]);
}
