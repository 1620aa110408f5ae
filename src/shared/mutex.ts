// The one mutual-exclusion helper of the bridge, for async sections inside one process. `Mutex` serialises every
// task given to it (the SQLite write queue, the claim step of one target's workers); `KeyedMutex` serialises per key
// (two concurrent ensureUser calls for one email: the second waits, then finds the user instead of creating a
// duplicate). Across processes the database (leases, unique indexes) and the upstreams' own uniqueness are the
// backstop.

/** Runs tasks one after another, in the order they were given; a failing task does not stop the next. */
export class Mutex {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task, task);
    this.tail = result.catch(() => undefined);
    return result;
  }
}

/** One `Mutex` per key, kept only while a key has work queued. */
export class KeyedMutex {
  private readonly locks = new Map<string, { mutex: Mutex; users: number }>();

  async run<T>(key: string, task: () => Promise<T>): Promise<T> {
    let lock = this.locks.get(key);
    if (!lock) {
      lock = { mutex: new Mutex(), users: 0 };
      this.locks.set(key, lock);
    }
    lock.users++;
    try {
      return await lock.mutex.run(task);
    } finally {
      if (--lock.users === 0) this.locks.delete(key);
    }
  }
}
