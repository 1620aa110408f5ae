// When one target's workers claim work, and how much (docs/decisions/0004, 0006): a claim is one store transaction
// for a batch sized to the free workers; idle workers sleep until woken (work queued in this process, a retry that
// came due) or until the poll interval passes (work of other processes). Claims of one target run one at a time:
// they would only race for the same rows.
import { randomUUID } from 'node:crypto';
import { sleep } from '../../shared/collections.js';
import type { LoggerLike } from '../../shared/log.js';
import { Mutex } from '../../shared/mutex.js';
import type { TargetName } from '../connector.js';
import { keyString, type Execution, type ResourceKey } from './model.js';
import type { ProvisioningStore } from './ports.js';

export interface ClaimOptions {
  /** concurrent executions per target */
  workersPerTarget: number;
  /** fallback poll for jobs queued by other processes and for retries that came due */
  pollIntervalMs: number;
  /** how long a claimed resource stays leased without renewal (crash recovery delay) */
  leaseMs: number;
  /** candidate resources read per claim attempt */
  claimBatch: number;
  /**
   * How long a claim waits before it reads, so that work queued meanwhile is claimed in the same transaction.
   * SCIM requests queue their jobs one at a time; without the wait nearly every claim took a single job, and a
   * claim is a write transaction (bench/README.md). Skipped while claims come back full.
   */
  claimDelayMs: number;
}

export class ClaimScheduler {
  private readonly claimLock = new Mutex();
  /** resources executing here now: claims skip them */
  private readonly inFlight = new Map<string, ResourceKey>();
  /** claimed in a batch, not yet started by a worker */
  private readonly ready: Execution[] = [];
  /** executions running now */
  private executing = 0;
  private readonly idleWaiters = new Set<() => void>();
  private woken = false;
  /**
   * Counts the reasons to look for due work (wake-ups and poll ticks). A claim that found nothing remembers the
   * count it started under (`emptyAt`): until the count moves, other workers do not repeat the same empty query.
   * Without this, one enqueue woke every idle worker and each ran its own claim transaction (measured: ~6
   * transactions per provisioned user on SQLite instead of ~2).
   */
  private wakeSeq = 0;
  private emptyAt = -1;
  /** the last claim took as many resources as it asked for: more are waiting, no need to let work accumulate */
  private lastClaimFull = false;
  /**
   * Resources executing here that got new jobs meanwhile (claims skip resources in flight): when their execution
   * ends, the workers look for work again. Any other execution end needs no claim: nothing new became claimable.
   */
  private readonly queuedWhileInFlight = new Set<string>();

  constructor(
    readonly target: TargetName,
    private readonly store: ProvisioningStore,
    private readonly options: ClaimOptions,
    private readonly clock: () => Date,
    private readonly isRunning: () => boolean,
    private readonly logger: LoggerLike,
  ) {}

  /** Wakes this target's idle workers now (instead of at the next poll). */
  wake(): void {
    this.woken = true;
    this.wakeSeq++;
    for (const resolve of this.idleWaiters) resolve();
    this.idleWaiters.clear();
  }

  /** Jobs were queued for `key`: if it is executing here, look again when that execution ends. */
  noteQueued(key: ResourceKey): void {
    const id = keyString(key);
    if (this.inFlight.has(id)) this.queuedWhileInFlight.add(id);
  }

  isInFlight(key: ResourceKey): boolean {
    return this.inFlight.has(keyString(key));
  }

  /** Marks a key leased outside a claim (a member user a group job provisions). */
  hold(key: ResourceKey): void {
    this.inFlight.set(keyString(key), key);
  }

  /** The resource is free again: jobs queued for it meanwhile (skipped while in flight) can be claimed now. */
  release(key: ResourceKey): void {
    const id = keyString(key);
    this.inFlight.delete(id);
    if (this.queuedWhileInFlight.delete(id)) this.wake();
  }

  /** The next execution for a worker, or null when there is none now (the worker then idles). */
  async next(): Promise<Execution | null> {
    try {
      return await this.claimLock.run(() => this.claimNext());
    } catch (err) {
      this.logger.error({ err, target: this.target }, 'could not claim provisioning jobs');
      return null;
    }
  }

  /** Counts an execution as running while `work` runs (claims are sized to the free workers). */
  async whileExecuting<T>(work: () => Promise<T>): Promise<T> {
    this.executing++;
    try {
      return await work();
    } finally {
      this.executing--;
    }
  }

  /** A worker's execution claimed during shutdown: handed back rather than started. */
  handBack(execution: Execution): void {
    this.ready.push(execution);
  }

  /** Waits until woken or the poll interval passed. */
  idle(): Promise<void> {
    if (this.woken) {
      this.woken = false;
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.wakeSeq++; // a poll tick: work may have come from another process or come due
        done();
      }, this.options.pollIntervalMs);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.idleWaiters.add(done);
    }).then(() => {
      this.woken = false;
    });
  }

  /** Executions claimed but never started (shutdown): their jobs go back to the queue at once, no attempt counted. */
  releaseUnstarted(): Promise<void> {
    return this.claimLock.run(async () => {
      for (const execution of this.ready.splice(0)) {
        this.inFlight.delete(keyString(execution.key));
        await this.store
          .finish(execution, execution.mapping, {
            state: 'queued',
            runAfter: this.clock(),
            countAttempt: false,
          })
          .catch((err: unknown) =>
            this.logger.warn({ err, key: execution.key }, 'could not hand back a claimed job'),
          );
      }
    });
  }

  /**
   * Hands out a claimed execution: one left from the last batch, else a new batch sized to the free workers
   * (one store transaction for the batch). Runs under the claim lock.
   */
  private async claimNext(): Promise<Execution | null> {
    if (!this.isRunning()) return null;
    const ready = this.ready.shift();
    if (ready) return ready;
    if (this.emptyAt === this.wakeSeq) return null; // nothing new since the last empty claim
    if (this.options.claimDelayMs > 0 && !this.lastClaimFull) {
      await sleep(this.options.claimDelayMs);
      if (!this.isRunning()) return null;
    }
    const seqAtClaim = this.wakeSeq;
    const now = this.clock();
    const free = Math.max(1, this.options.workersPerTarget - this.executing);
    const max = Math.min(this.options.claimBatch, free);
    const claimed = await this.store.claimDue(
      this.target,
      now,
      new Date(now.getTime() + this.options.leaseMs),
      max,
      [...this.inFlight.values()],
      () => randomUUID(),
    );
    this.lastClaimFull = claimed.length === max;
    if (claimed.length === 0) this.emptyAt = seqAtClaim;
    for (const execution of claimed) this.inFlight.set(keyString(execution.key), execution.key);
    const [first, ...rest] = claimed;
    if (rest.length > 0) {
      this.ready.push(...rest);
      this.wake();
    }
    return first ?? null;
  }
}
