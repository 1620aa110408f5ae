// CLI-only helper: a pg Pool for the Prisma CLI's PostgreSQL driver adapter.
// The CLI introspects the catalog (`migrate diff`), whose columns have types like `name` (OID 19) that
// @prisma/adapter-pg 6.19 cannot deserialize (prisma/orm#27403, docs/reference/notes.md). Reporting those columns
// as `text` (OID 25) is faithful: they are strings. The bridge itself never uses this file.
import pg from 'pg';

const CATALOG_TYPE_OIDS = new Set([18, 19, 22, 24, 30, 194, 2205, 2206]);
const TEXT_OID = 25;

function asText<T>(result: T): T {
  const fields = (result as { fields?: Array<{ dataTypeID: number }> } | undefined)?.fields;
  for (const field of fields ?? []) {
    if (CATALOG_TYPE_OIDS.has(field.dataTypeID)) field.dataTypeID = TEXT_OID;
  }
  return result;
}

type QueryFn = (...args: unknown[]) => Promise<unknown>;

function patchQuery(target: { query: unknown }): void {
  const original = (target.query as QueryFn).bind(target);
  target.query = async (...args: unknown[]) => asText(await original(...args));
}

export function createCliPgPool(connectionString: string): pg.Pool {
  const pool = new pg.Pool({ connectionString });
  patchQuery(pool);
  pool.on('connect', (client) => patchQuery(client));
  return pool;
}
