// The statements of the hot write path (docs/decisions/0006-hot-write-path.md), built as `Prisma.sql` values so that
// one text serves both databases: ./sql-runner.ts runs them through Prisma's `$queryRaw` on PostgreSQL and on a direct
// better-sqlite3 connection on SQLite (a Prisma model query costs 0.7–1.2 ms of CPU here, a prepared statement about
// 0.01 ms). Portable SQL only: double-quoted identifiers, bound parameters, ON CONFLICT, RETURNING, row values, `||`.
// Dates are always passed from JS, never left to a column DEFAULT: Prisma writes SQLite DATETIMEs as ISO text
// (`…T…+00:00`) while CURRENT_TIMESTAMP writes `YYYY-MM-DD HH:MM:SS`, and the two formats do not compare as text.
import { Prisma } from './generated/sqlite/client.js';

export type Sql = Prisma.Sql;
export const sql = Prisma.sql;
export const empty = Prisma.empty;

/** A row as a driver returns it: column values in the driver's own types (see ./rows.ts for the typed reading). */
export type Row = Record<string, unknown>;

/** Runs statements: a Prisma client or transaction (PostgreSQL), or the direct SQLite connection (ADR 0006). */
export interface SqlRunner {
  query(statement: Sql): Promise<Row[]>;
  /** the number of rows changed */
  execute(statement: Sql): Promise<number>;
}

/** `a, b, c` as bound parameters (for `IN (…)`); the list must not be empty. */
export function list(values: readonly unknown[]): Sql {
  if (values.length === 0) throw new Error('sql.list: empty list');
  return Prisma.join(values);
}

/** `(a, b), (c, d)`: the rows of a multi-row INSERT, as bound parameters. */
export function rows(values: ReadonlyArray<readonly unknown[]>): Sql {
  return Prisma.join(values.map((row) => sql`(${Prisma.join(row)})`));
}
