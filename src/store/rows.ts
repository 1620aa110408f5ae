// The one typed reading of raw rows (./sql.ts statements). Each driver returns column values its own way: Prisma's
// PostgreSQL adapter a Date, a boolean and a number or bigint (COUNT); the direct SQLite connection ISO text (as
// Prisma's SQLite adapter writes it, ./sqlite-connection.ts), 0/1 and numbers. A statement declares its columns once,
// and `selectRows` hands back typed rows, whatever ran it.
import type { Row, Sql, SqlRunner } from './sql.js';

type Column<T> = (value: unknown) => T;

const int: Column<number> = (value) => (typeof value === 'bigint' ? Number(value) : Number(value ?? 0));
const text: Column<string> = (value) => String(value);

export const column = {
  text,
  nullableText: ((value) => (value === null || value === undefined ? null : text(value))) as Column<
    string | null
  >,
  /** integers, COUNT(*) included (a bigint on PostgreSQL and from Prisma's SQLite adapter) */
  int,
  nullableInt: ((value) => (value === null || value === undefined ? null : int(value))) as Column<
    number | null
  >,
  /** a boolean on PostgreSQL, 0/1 on SQLite */
  boolean: ((value) => value === true || value === 1 || value === 1n) as Column<boolean>,
  /** DATETIME: a Date from Prisma, ISO text from the direct SQLite connection */
  date: ((value) => (value instanceof Date ? value : new Date(String(value)))) as Column<Date>,
};

export type RowSpec = Record<string, Column<unknown>>;
export type RowOf<S extends RowSpec> = { [K in keyof S]: ReturnType<S[K]> };

export function readRow<S extends RowSpec>(spec: S, row: Row): RowOf<S> {
  const out: Record<string, unknown> = {};
  for (const [name, read] of Object.entries(spec)) out[name] = read(row[name]);
  return out as RowOf<S>;
}

/** Runs a statement and reads its rows by `spec`. */
export async function selectRows<S extends RowSpec>(
  run: SqlRunner,
  spec: S,
  statement: Sql,
): Promise<Array<RowOf<S>>> {
  return (await run.query(statement)).map((row) => readRow(spec, row));
}
