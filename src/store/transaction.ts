// One entry point for Prisma transactions. The SQLite driver adapter has ONE connection: while an interactive
// `$transaction` is open, any other query on the client runs inside it and would roll back with it
// (docs/reference/notes.md). So on SQLite every transaction takes the database handle's write queue
// (DatabaseHandle.exclusive, shared with the direct connection's transactions); PostgreSQL runs them concurrently.
// Transactions are kept short and write-first by their callers.
import type { DatabaseHandle, Tx } from './database.js';

const LIMITS = { maxWait: 10_000, timeout: 30_000 };

/** Runs `fn` in a database transaction (serialised on SQLite). */
export function withTransaction<T>(handle: DatabaseHandle, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return handle.exclusive(() => handle.db.$transaction(fn, LIMITS));
}
