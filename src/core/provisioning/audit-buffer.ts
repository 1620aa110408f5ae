// Batches audit rows so that recording every upstream call costs one multi-row insert per batch, not one
// transaction per call on the hot path. Flushed when `maxBatch` rows wait or after `flushIntervalMs`, and on stop.
import type { AuditRecord } from './model.js';
import type { LoggerLike } from '../../shared/log.js';

export class AuditBuffer {
  private pending: AuditRecord[] = [];
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly write: (records: AuditRecord[]) => Promise<void>,
    private readonly logger: LoggerLike,
    private readonly options: { maxBatch: number; flushIntervalMs: number } = {
      maxBatch: 500,
      flushIntervalMs: 200,
    },
  ) {}

  push(record: AuditRecord): void {
    this.pending.push(record);
    if (this.pending.length >= this.options.maxBatch) {
      void this.flush();
    } else if (!this.timer) {
      this.timer = setTimeout(() => void this.flush(), this.options.flushIntervalMs);
      this.timer.unref();
    }
  }

  /** Writes everything pushed so far; resolves when it is stored. */
  flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    const batch = this.pending;
    this.pending = [];
    this.flushing = this.flushing.then(async () => {
      if (batch.length === 0) return;
      try {
        await this.write(batch);
      } catch (err) {
        // The audit trail must not stop provisioning, but a lost batch must be loud.
        this.logger.error({ err, lost: batch.length }, 'could not write audit events');
      }
    });
    return this.flushing;
  }
}
