// Which database a CLI command works on, and how it is opened. The URL comes from `--database`, else DATABASE_URL,
// else the bridge's own default (the env schema's, not a copy). Unattended use must never change a database by
// accident: a missing SQLite file is an error (never created), and only commands that change state apply pending
// migrations; read-only commands work on the schema they find.
import fs from 'node:fs';
import { envSchema } from '../config/env.js';
import { openDatabase, providerOf, sqlitePath, type DatabaseHandle } from '../store/database.js';
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

export async function openCliDatabase(url: string, access: DatabaseAccess): Promise<DatabaseHandle> {
  if (providerOf(url) === 'sqlite') {
    const file = sqlitePath(url);
    if (!fs.existsSync(file))
      throw new CliError(
        `no SQLite database at ${file}: start the bridge once (npm start) to create it, or name another with --database`,
      );
  }
  if (access === 'write') await migrate(url);
  return openDatabase(url);
}
