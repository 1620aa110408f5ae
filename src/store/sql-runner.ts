// Runs the raw statements of the hot write path (./sql.ts; docs/decisions/0006-hot-write-path.md). On PostgreSQL
// they go through Prisma (`$queryRaw` / `$executeRaw`). On SQLite they go to the direct better-sqlite3 connections
// (./sqlite-connection.ts).
//
// The direct connection writes only inside the write queue of the database handle that every Prisma transaction
// also takes (./database.ts), so it never waits for the SQLite write lock while a Prisma transaction in this process
// holds it (better-sqlite3 waits synchronously, which would block the event loop that transaction needs to finish).
// Rows come back as each driver gives them; ./rows.ts reads them into typed values.
import type { DatabaseHandle, Db, Tx } from './database.js';
import type { Row, Sql, SqlRunner } from './sql.js';
import { withTransaction } from './transaction.js';

export type { Row, SqlRunner };

/** Raw statements through a Prisma client or interactive transaction. */
export function prismaRunner(client: Tx | Db): SqlRunner {
  return {
    query: (statement: Sql) => client.$queryRaw<Row[]>(statement),
    execute: (statement: Sql) => client.$executeRaw(statement),
  };
}

/** Runs `fn` in one transaction: the direct connection on SQLite (in the write queue), Prisma on PostgreSQL. */
export function withSqlTransaction<T>(
  handle: DatabaseHandle,
  fn: (run: SqlRunner) => Promise<T>,
): Promise<T> {
  const direct = handle.direct;
  if (!direct) return withTransaction(handle, (tx) => fn(prismaRunner(tx)));
  return handle.exclusive(() => direct.transaction(fn));
}

/** A read of committed data: on SQLite the direct read-only connection, on PostgreSQL Prisma (READ COMMITTED). */
export function readSql(handle: DatabaseHandle, statement: Sql): Promise<Row[]> {
  return (handle.direct?.reader ?? prismaRunner(handle.db)).query(statement);
}
