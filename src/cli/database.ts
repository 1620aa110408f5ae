// Which database a CLI command works on, and how it is opened. The URL comes from `--database`, else DATABASE_URL,
// else the bridge's own default (the env schema's, not a copy). Unattended use must never change a database by
// accident: a missing SQLite file is an error (never created), and only commands that change state apply pending
// migrations; read-only commands work on the schema they find.
import { envSchema } from '../config/env.js';
import { openDatabase, type DatabaseHandle } from '../store/database.js';
import { assertSqliteFileExists, openDatabaseOrExplain } from '../store/database-errors.js';
import { migrate } from '../store/migrator.js';

export type DatabaseAccess = 'read' | 'write';

/** A failure the user can fix (bad URL, missing file): printed as one line, exit 1. */
export class CliError extends Error {
  override readonly name = 'CliError';
}

export function resolveDatabaseUrl(option: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  const parsed = envSchema.shape.DATABASE_URL.safeParse(option ?? (env.DATABASE_URL?.trim() || undefined));
  if (!parsed.success) throw new CliError(`--database / DATABASE_URL must start with file: or postgresql://`);
  return parsed.data;
}

/** Failures name the database and the cause in one line (store/database-errors.ts). */
export async function openCliDatabase(url: string, access: DatabaseAccess): Promise<DatabaseHandle> {
  assertSqliteFileExists(url);
  return openDatabaseOrExplain(url, async () => {
    if (access === 'write') await migrate(url);
    const handle = openDatabase(url);
    await handle.db.$queryRawUnsafe('SELECT 1');
    return handle;
  });
}
