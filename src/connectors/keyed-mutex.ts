// Serialises work per key inside one process, e.g. two concurrent ensureUser calls for the same email: the
// second waits for the first and then finds (links) the user instead of creating a duplicate.
// Across replicas the upstream's own uniqueness (and the connectors' duplicate handling) is the backstop.

export class KeyedMutex {
  private readonly tails = new Map<string, Promise<void>>();

  async run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const current = new Promise<void>((resolve) => {
      release = resolve;
    });
    const tail = previous.then(() => current);
    this.tails.set(key, tail);
    await previous;
    try {
      return await work();
    } finally {
      release();
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }
}
