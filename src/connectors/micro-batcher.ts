// Collects single requests that arrive within a short window into one upstream batch call (AAC invites and
// suspends take arrays, docs/reference/upstream-contracts.md A.6.4/A.6.5), and routes each item's own result or failure back to its
// caller. The window starts with the first item, so a lone request waits at most `windowMs`. While requests keep
// coming (the previous batch had company and went out less than a second ago) the window widens to
// `busyWindowMs`: during a burst, waiting a little longer turns many small batch calls into a few large ones, and
// a lone request after a quiet second is back to the short window.

export type BatchItemResult<R> = { ok: true; value: R } | { ok: false; error: unknown };

export interface MicroBatcherOptions<I, R> {
  /** how long the first item of a batch waits for company */
  windowMs: number;
  /** the window while batches keep coming (default: windowMs) */
  busyWindowMs?: number | undefined;
  /** a batch is sent as soon as it has this many items */
  maxBatchSize: number;
  /** sends one batch; must return one result per item, in the same order */
  send(items: I[]): Promise<Array<BatchItemResult<R>>>;
}

/** How long a batch with company keeps the next window wide. */
const BUSY_MEMORY_MS = 1_000;

interface Waiter<I, R> {
  item: I;
  resolve(value: R): void;
  reject(error: unknown): void;
}

export class MicroBatcher<I, R> {
  private pending: Array<Waiter<I, R>> = [];
  private timer: NodeJS.Timeout | undefined;
  private readonly inFlight = new Set<Promise<void>>();
  /** size and time of the last batch sent: is a burst going on? */
  private last = { size: 0, at: Number.NEGATIVE_INFINITY };

  constructor(private readonly options: MicroBatcherOptions<I, R>) {}

  add(item: I): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      if (this.pending.length >= this.options.maxBatchSize) this.flush();
      else this.timer ??= setTimeout(() => this.flush(), this.currentWindowMs());
    });
  }

  private currentWindowMs(): number {
    const busy = this.last.size > 1 && performance.now() - this.last.at < BUSY_MEMORY_MS;
    return busy ? (this.options.busyWindowMs ?? this.options.windowMs) : this.options.windowMs;
  }

  /** Sends what is pending now and waits for every batch in flight. */
  async close(): Promise<void> {
    this.flush();
    await Promise.allSettled([...this.inFlight]);
  }

  private flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.pending.splice(0, this.pending.length);
    if (batch.length === 0) return;
    this.last = { size: batch.length, at: performance.now() };
    const sending = this.sendBatch(batch).finally(() => this.inFlight.delete(sending));
    this.inFlight.add(sending);
  }

  private async sendBatch(batch: Array<Waiter<I, R>>): Promise<void> {
    try {
      const results = await this.options.send(batch.map((waiter) => waiter.item));
      batch.forEach((waiter, index) => {
        const result = results[index];
        if (!result) waiter.reject(new Error('batch returned no result for this item'));
        else if (result.ok) waiter.resolve(result.value);
        else waiter.reject(result.error);
      });
    } catch (error) {
      for (const waiter of batch) waiter.reject(error);
    }
  }
}
