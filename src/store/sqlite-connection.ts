// The direct better-sqlite3 connections of a SQLite database (docs/decisions/0006-hot-write-path.md): a writer with
// cached prepared statements, used only inside the database handle's write queue (./database.ts), and a read-only
// reader. A statement costs a few microseconds here, against 0.2–0.5 ms through Prisma's client runtime and query
// compiler, and every provisioned user takes about twenty.
//
// Values are written as Prisma's SQLite adapter writes them, so that both connections read each other's rows; the
// matching reading is ./rows.ts.
import Database from 'better-sqlite3';
import type { Row, Sql, SqlRunner } from './sql.js';

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
    query: (statement: Sql): Promise<Row[]> => {
      const prepared = this.prepare(statement.sql);
      const args = statement.values.map(toSqliteValue);
      if (!prepared.reader) {
        prepared.run(...args);
        return Promise.resolve([]);
      }
      return Promise.resolve(prepared.all(...args) as Row[]);
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
