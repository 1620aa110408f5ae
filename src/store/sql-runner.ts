// Runs the raw statements of the hot write path (./sql.ts; docs/decisions/0006-hot-write-path.md). On PostgreSQL
// they go through Prisma (`$queryRaw` / `$executeRaw`). On SQLite they go to a second, direct better-sqlite3
// connection on the same file with cached prepared statements: a statement costs a few microseconds there, against
// 0.2–0.5 ms through Prisma's client runtime and query compiler, and every provisioned user takes about twenty.
//
// The direct connection writes only inside the in-process write queue that every Prisma transaction also takes
// (./transaction.ts), so it never waits for the SQLite write lock while a Prisma transaction in this process holds
// it (better-sqlite3 waits synchronously, which would block the event loop that transaction needs to finish).
// Rows come back as each driver gives them; callers read columns with asDate / asBoolean / asNumber.
import Database from 'better-sqlite3';
import type { DatabaseHandle, Db, Tx } from './database.js';
import type { Sql } from './sql.js';
import { runInWriteQueue, withTransaction } from './transaction.js';

export type Row = Record<string, unknown>;

export interface SqlRunner {
  query<T = Row>(statement: Sql): Promise<T[]>;
  /** the number of rows changed */
  execute(statement: Sql): Promise<number>;
}

/** Raw statements through a Prisma client or interactive transaction. */
export function prismaRunner(client: Tx | Db): SqlRunner {
  return {
    query: <T>(statement: Sql) => client.$queryRaw<T[]>(statement),
    execute: (statement: Sql) => client.$executeRaw(statement),
  };
}

/** Prisma's SQLite DATETIME text (@prisma/adapter-better-sqlite3, iso8601): `2026-01-02T03:04:05.678+00:00`. */
export function sqliteDateText(date: Date): string {
  return date.toISOString().replace('Z', '+00:00');
}

function toSqliteValue(value: unknown): unknown {
  if (value instanceof Date) return sqliteDateText(value);
  if (typeof value === 'boolean') return value ? 1 : 0;
  return value ?? null;
}

/** Most distinct statement texts kept prepared (IN lists of different lengths are different texts). */
const STATEMENT_CACHE_SIZE = 500;

/** One better-sqlite3 connection with a cache of prepared statements. */
class CachedConnection {
  readonly db: Database.Database;
  private readonly statements = new Map<string, Database.Statement>();

  constructor(file: string, readonly: boolean) {
    this.db = new Database(file, { readonly, fileMustExist: readonly });
    if (!readonly) {
      this.db.pragma('journal_mode = WAL');
      // WAL + NORMAL, as better-sqlite3 (SQLITE_DEFAULT_WAL_SYNCHRONOUS=1) gives Prisma's own connection: a commit
      // survives a crash of the process (test/e2e/crash.test.ts); a power cut may lose the last commits, never the
      // database. Said explicitly because a connection that itself switches a new file to WAL would stay FULL.
      this.db.pragma('synchronous = NORMAL');
    }
    this.db.pragma('busy_timeout = 5000');
  }

  prepare(text: string): Database.Statement {
    let statement = this.statements.get(text);
    if (!statement) {
      if (this.statements.size >= STATEMENT_CACHE_SIZE) this.statements.clear();
      statement = this.db.prepare(text);
      this.statements.set(text, statement);
    }
    return statement;
  }

  readonly runner: SqlRunner = {
    query: <T>(statement: Sql): Promise<T[]> => {
      const prepared = this.prepare(statement.sql);
      const args = statement.values.map(toSqliteValue);
      if (!prepared.reader) {
        prepared.run(...args);
        return Promise.resolve([]);
      }
      return Promise.resolve(prepared.all(...args) as T[]);
    },
    execute: (statement: Sql): Promise<number> =>
      Promise.resolve(this.prepare(statement.sql).run(...statement.values.map(toSqliteValue)).changes),
  };

  close(): void {
    this.statements.clear();
    this.db.close();
  }
}

/**
 * The direct connections of a SQLite database (see the file comment): a writer, used only inside the write
 * queue, and a read-only reader. Reads never use the writer: between two statements of an open transaction other
 * code may run, and on the writer it would see that transaction's uncommitted rows.
 */
export class SqliteConnection {
  private readonly writer: CachedConnection;
  private readerConnection: CachedConnection | undefined;

  constructor(private readonly file: string) {
    this.writer = new CachedConnection(file, false);
  }

  /** Opened on first use: a read-only connection needs the file to exist (the writer creates it). */
  get reader(): SqlRunner {
    this.readerConnection ??= new CachedConnection(this.file, true);
    return this.readerConnection.runner;
  }

  /** BEGIN IMMEDIATE takes the write lock at once, so a concurrent writer (the CLI) makes us wait, never fail midway. */
  async transaction<T>(fn: (run: SqlRunner) => Promise<T>): Promise<T> {
    this.writer.prepare('BEGIN IMMEDIATE').run();
    try {
      const result = await fn(this.writer.runner);
      this.writer.prepare('COMMIT').run();
      return result;
    } catch (err) {
      if (this.writer.db.inTransaction) this.writer.prepare('ROLLBACK').run();
      throw err;
    }
  }

  close(): void {
    this.readerConnection?.close();
    this.writer.close();
  }
}

/** Runs `fn` in one transaction: the direct connection on SQLite (in the write queue), Prisma on PostgreSQL. */
export function withSqlTransaction<T>(
  handle: DatabaseHandle,
  fn: (run: SqlRunner) => Promise<T>,
): Promise<T> {
  const direct = handle.direct;
  if (!direct) return withTransaction(handle, (tx) => fn(prismaRunner(tx)));
  return runInWriteQueue(handle, () => direct.transaction(fn));
}

/** A read of committed data: on SQLite the direct read-only connection, on PostgreSQL Prisma (READ COMMITTED). */
export function readSql<T = Row>(handle: DatabaseHandle, statement: Sql): Promise<T[]> {
  return (handle.direct?.reader ?? prismaRunner(handle.db)).query<T>(statement);
}

/** DATETIME columns: a Date from Prisma, ISO text from better-sqlite3. */
export function asDate(value: unknown): Date {
  return value instanceof Date ? value : new Date(String(value));
}

/** Boolean columns: a boolean from PostgreSQL, 0/1 from SQLite. */
export function asBoolean(value: unknown): boolean {
  return value === true || value === 1 || value === 1n;
}

/** Integer columns and COUNT(*): numbers, or bigints (PostgreSQL COUNT, Prisma's SQLite adapter). */
export function asNumber(value: unknown): number {
  return typeof value === 'bigint' ? Number(value) : Number(value ?? 0);
}
