// Database failures at start-up, said in one line that names the database (never its password) and the cause:
// unreachable, authentication, missing database or file, permissions, a changed migration.
import fs from 'node:fs';
import { StartError } from '../shared/start-error.js';
import { providerOf, sqlitePath } from './database.js';

/** `SQLite database /abs/bridge.db` or `PostgreSQL database "bridge" on db.example.com:5432 as user "scim"`. */
export function describeDatabase(url: string): string {
  try {
    if (providerOf(url) === 'sqlite') return `SQLite database ${sqlitePath(url)}`;
    const parsed = new URL(url);
    const name = decodeURIComponent(parsed.pathname.replace(/^\//, '')) || '(default)';
    const user = parsed.username ? ` as user "${decodeURIComponent(parsed.username)}"` : '';
    return `PostgreSQL database "${name}" on ${parsed.hostname}:${parsed.port || '5432'}${user}`;
  } catch {
    return 'the database in DATABASE_URL';
  }
}

/** The codes of an error and of its causes (pg, better-sqlite3, Node and Prisma's adapter wrap one another). */
function codesOf(err: unknown): string[] {
  const codes: string[] = [];
  let current: unknown = err;
  for (let depth = 0; current && typeof current === 'object' && depth < 5; depth++) {
    const e = current as { code?: unknown; errors?: unknown; cause?: unknown };
    if (typeof e.code === 'string') codes.push(e.code);
    if (Array.isArray(e.errors)) codes.push(...e.errors.flatMap(codesOf));
    current = e.cause;
  }
  return codes;
}

const CAUSES: Array<[codes: string[], cause: string]> = [
  [['ECONNREFUSED'], 'unreachable: connection refused (is the server running and listening on that port?)'],
  [['ENOTFOUND', 'EAI_AGAIN'], 'unreachable: host name not found'],
  [['ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH'], 'unreachable: no answer from the host'],
  [['ECONNRESET'], 'unreachable: the connection was closed (TLS or proxy settings?)'],
  [['28P01'], 'authentication failed: wrong user name or password'],
  [['28000'], 'authentication failed: the server does not accept this user (unknown role, or pg_hba.conf)'],
  [['3D000'], 'the database does not exist (create it first: CREATE DATABASE …)'],
  [['42501'], 'permission denied: the user may not create the tables (grant CREATE on the schema)'],
  [['57P03'], 'the database server is starting up or shutting down'],
  [
    ['SQLITE_CANTOPEN', 'EACCES', 'EPERM', 'EROFS', 'ENOTDIR'],
    'cannot open or create the file (folder missing or not writable)',
  ],
  [['SQLITE_READONLY'], 'the file is read-only for this process'],
  [['SQLITE_NOTADB'], 'the file is not a SQLite database'],
  [['SQLITE_CORRUPT'], 'the file is corrupt'],
  [['SQLITE_BUSY'], 'the file is locked by another process'],
];

/** The operator-facing cause of a database error. */
export function databaseCause(err: unknown): string {
  const codes = codesOf(err);
  const message = err instanceof Error ? err.message : String(err);
  for (const [known, cause] of CAUSES) {
    if (!codes.some((c) => known.includes(c))) continue;
    // PostgreSQL's own words (e.g. `role "x" does not exist`) name no secret and help; socket errors add nothing.
    const server = /^\d|^[0-9A-Z]{5}$/.test(codes[0] ?? '') && message ? ` (${message.split('\n')[0]})` : '';
    return cause + server;
  }
  if (/migration .* was changed/.test(message)) return message;
  return message.split('\n')[0] || codes[0] || 'unknown error';
}

export class DatabaseStartError extends StartError {
  override readonly name = 'DatabaseStartError';
}

/** Runs `open`; any failure becomes a DatabaseStartError naming the database and the cause. */
export async function openDatabaseOrExplain<T>(url: string, open: () => Promise<T>): Promise<T> {
  try {
    return await open();
  } catch (err) {
    throw new DatabaseStartError(`cannot use the ${describeDatabase(url)}: ${databaseCause(err)}`, 1, {
      cause: err,
    });
  }
}

/**
 * The CLI works on the bridge's database; it must not create an empty one somewhere else because DATABASE_URL is
 * unset or relative to another folder. A missing SQLite file is therefore an error there.
 */
export function assertSqliteFileExists(url: string): void {
  if (providerOf(url) !== 'sqlite') return;
  const file = sqlitePath(url);
  if (!fs.existsSync(file)) {
    throw new DatabaseStartError(
      `no SQLite database at ${file} (${url}; a relative path is resolved from ${process.cwd()}): ` +
        'pass --database or set DATABASE_URL to the file the bridge uses; the bridge creates it at its first start',
    );
  }
}
