// Reads that decide upstream actions. On SQLite the driver adapter has ONE connection: a query issued while
// another interactive transaction is open runs inside it and could see data that is then rolled back
// (../shared/NOTES.md). So on SQLite these reads queue behind the writes; PostgreSQL reads directly.
import type { DatabaseHandle, Db, Tx } from '../database.js';
import { withTransaction } from '../transaction.js';

export function readConsistent<T>(handle: DatabaseHandle, fn: (db: Db | Tx) => Promise<T>): Promise<T> {
  return handle.provider === 'sqlite' ? withTransaction(handle, fn) : fn(handle.db);
}

/** Splits `IN (…)` lists: SQLite limits bound variables per statement. */
export function inChunks<T>(items: readonly T[], size = 500): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
