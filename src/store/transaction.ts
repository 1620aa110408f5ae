// One entry point for every write to the database.
// The SQLite driver adapter has ONE connection: while an interactive `$transaction` is open, any other query on
// the client runs inside it and would roll back with it (../shared/NOTES.md). So on SQLite every write (and every
// transaction) is serialised through one in-process queue; PostgreSQL runs them concurrently. Transactions are kept
// short and write-first by their callers.
import { Mutex } from '../shared/mutex.js';
import type { DatabaseHandle, Tx } from './database.js';

const sqliteQueues = new WeakMap<object, Mutex>();

/**
 * Runs `task` alone among this process's SQLite writers: Prisma transactions (withTransaction) and the direct
 * connection's transactions (./sql-runner.ts) share one queue per database.
 */
export function runInWriteQueue<T>(handle: DatabaseHandle, task: () => Promise<T>): Promise<T> {
  let queue = sqliteQueues.get(handle.db);
  if (!queue) {
    queue = new Mutex();
    sqliteQueues.set(handle.db, queue);
  }
  return queue.run(task);
}

/** Runs `fn` in a database transaction (serialised on SQLite). */
export function withTransaction<T>(handle: DatabaseHandle, fn: (tx: Tx) => Promise<T>): Promise<T> {
  const { db } = handle;
  if (handle.provider !== 'sqlite') {
    return db.$transaction(fn, { maxWait: 10_000, timeout: 30_000 });
  }
  return runInWriteQueue(handle, () => db.$transaction(fn, { maxWait: 10_000, timeout: 30_000 }));
}
