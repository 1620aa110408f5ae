// Reads that decide upstream actions. On SQLite the driver adapter has ONE connection: a plain query issued while
// another interactive transaction is open runs inside it and could see data that is then rolled back
// (docs/reference/notes.md). A batch `$transaction([...])` takes the adapter's transaction mutex, so on SQLite these
// reads wait for any open transaction to end; it costs about a third of an interactive transaction (measured
// here: 3 ms against 8-10 ms). PostgreSQL reads directly (READ COMMITTED never shows uncommitted rows).
import { chunk } from '../../shared/collections.js';
import type { DatabaseHandle, Db, Prisma } from '../database.js';

export async function readConsistent<T>(
  handle: DatabaseHandle,
  query: (db: Db) => Prisma.PrismaPromise<T>,
): Promise<T> {
  if (handle.provider !== 'sqlite') return query(handle.db);
  const [result] = await handle.db.$transaction([query(handle.db)]);
  return result;
}

/** Splits `IN (…)` lists: SQLite limits bound variables per statement. */
export function inChunks<T>(items: readonly T[], size = 500): T[][] {
  return chunk(items, size);
}
