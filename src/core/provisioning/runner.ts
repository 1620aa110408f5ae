// The job runner: N workers per target take due reconcile jobs and execute them. Durable by construction: jobs live
// in the store (queued in the same transaction as the SCIM change), a crash leaves them `running` with a lease that
// expires, and any worker of any process then takes them again. Design: docs/decisions/0004-durable-provisioning-jobs.md.
// The parts: when and how much to claim (./claim-scheduler.ts), one execution with its lease and failure policy
// (./execution.ts, ./failure-policy.ts), member leasing (./member-leasing.ts); the signals come from the
// composition root (./signals.ts).
import type { LoggerLike } from '../../shared/log.js';
import type { Connector, TargetName } from '../connector.js';
import { AuditBuffer } from './audit-buffer.js';
import { DEFAULT_BACKOFF } from './backoff.js';
import { ClaimScheduler, type ClaimOptions } from './claim-scheduler.js';
import { Executor, type ExecutionOptions } from './execution.js';
import type { RequestOutcome } from './model.js';
import type { ProvisioningStore } from './ports.js';
import { awaitRequestOutcome } from './request-waiter.js';
import type { ProvisioningSignals } from './signals.js';

export interface RunnerOptions extends ClaimOptions, ExecutionOptions {
  /** how long stop() waits for running executions before leaving them to lease expiry */
  stopTimeoutMs: number;
  /** awaitRequest re-checks the store this often, for jobs run by another process */
  crossProcessRecheckMs: number;
  audit: { maxBatch: number; flushIntervalMs: number };
}

/**
 * Tuning of the runner that no operator sets. What the configuration sets (workers per target, lease length) has its
 * default in one place only, the environment schema (src/config/env.ts), and is passed in by the composition root.
 */
export const RUNNER_TUNING: Omit<RunnerOptions, 'workersPerTarget' | 'leaseMs'> = {
  pollIntervalMs: 1_000,
  claimBatch: 50,
  claimDelayMs: 5,
  memberBatchSize: 100,
  memberPageSize: 500,
  retrySoonMs: 250,
  backoff: DEFAULT_BACKOFF,
  stopTimeoutMs: 10_000,
  crossProcessRecheckMs: 1_000,
  audit: { maxBatch: 500, flushIntervalMs: 200 },
};

export class ProvisioningRunner {
  private readonly options: RunnerOptions;
  private readonly schedulers = new Map<TargetName, { scheduler: ClaimScheduler; connector: Connector }>();
  private readonly audit: AuditBuffer;
  private readonly executor: Executor;
  private running = false;
  private workers: Promise<void>[] = [];
  private unsubscribeWork: (() => void) | null = null;
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly store: ProvisioningStore,
    connectors: readonly Connector[],
    private readonly logger: LoggerLike,
    private readonly signals: ProvisioningSignals,
    options: Pick<RunnerOptions, 'workersPerTarget' | 'leaseMs'> & Partial<RunnerOptions>,
    private readonly clock: () => Date = () => new Date(),
  ) {
    this.options = { ...RUNNER_TUNING, ...options };
    for (const connector of connectors) {
      const scheduler = new ClaimScheduler(
        connector.target,
        store,
        this.options,
        clock,
        () => this.running,
        logger,
      );
      this.schedulers.set(connector.target, { scheduler, connector });
    }
    this.audit = new AuditBuffer((records) => store.appendAudit(records), logger, this.options.audit);
    this.executor = new Executor({
      store,
      audit: this.audit,
      signals,
      logger,
      clock,
      options: this.options,
      wakeAt: (scheduler, when) => this.wakeAt(scheduler, when),
    });
  }

  get targets(): TargetName[] {
    return [...this.schedulers.keys()];
  }

  /** Starts the workers. Queued jobs and jobs left running by a crashed process (once their lease expired) resume. */
  start(): Promise<void> {
    if (this.running) return Promise.resolve();
    this.running = true;
    this.unsubscribeWork = this.signals.onWork((targets, work) => {
      for (const target of targets) this.schedulers.get(target)?.scheduler.noteQueued({ ...work, target });
      this.wake(targets);
    });
    for (const { scheduler, connector } of this.schedulers.values()) {
      for (let i = 0; i < this.options.workersPerTarget; i++)
        this.workers.push(this.workerLoop(scheduler, connector));
    }
    this.logger.info(
      { targets: this.targets, workersPerTarget: this.options.workersPerTarget },
      'provisioning runner started',
    );
    return Promise.resolve();
  }

  /**
   * Stops taking jobs, waits up to `stopTimeoutMs` for running executions (the rest are left to lease expiry), then
   * writes the buffered audit rows.
   */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.unsubscribeWork?.();
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.wake(this.targets);
    let timeout: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timeout = setTimeout(() => resolve('timeout'), this.options.stopTimeoutMs);
    });
    const result = await Promise.race([Promise.all(this.workers).then(() => 'stopped' as const), timedOut]);
    clearTimeout(timeout);
    if (result === 'timeout') {
      this.logger.warn(
        {},
        'provisioning runner stopped with executions still running; their leases will expire',
      );
    }
    this.workers = [];
    await this.audit.flush();
  }

  /** Wakes idle workers of the given targets now (instead of at the next poll). */
  wake(targets: readonly TargetName[] = this.targets): void {
    for (const target of targets) this.schedulers.get(target)?.scheduler.wake();
  }

  /**
   * Resolves when every job of the request is done or one was permanently rejected, else at the deadline with
   * `pending` (the work stays queued). docs/decisions/0003-what-the-idp-sees.md.
   */
  awaitRequest(requestId: string, deadlineMs: number): Promise<RequestOutcome> {
    // The caller awaits its SCIM transaction before calling: this is the post-commit kick for the workers.
    this.wake();
    return awaitRequestOutcome(this.store, requestId, deadlineMs, {
      recheckMs: this.options.crossProcessRecheckMs,
      logger: this.logger,
      signals: this.signals,
    });
  }

  /** Writes buffered audit rows now (tests, CLI). */
  flushAudit(): Promise<void> {
    return this.audit.flush();
  }

  private async workerLoop(scheduler: ClaimScheduler, connector: Connector): Promise<void> {
    while (this.running) {
      const execution = await scheduler.next();
      if (!this.running && execution) {
        // Claimed during shutdown: hand it back rather than start an upstream call now.
        scheduler.handBack(execution);
        break;
      }
      if (execution) {
        await scheduler.whileExecuting(() => this.executor.execute(scheduler, connector, execution));
      } else {
        await scheduler.idle();
      }
    }
    await scheduler.releaseUnstarted();
  }

  /** In-process retries wake their target when due instead of waiting for the next poll. */
  private wakeAt(scheduler: ClaimScheduler, when: Date): void {
    if (!this.running) return;
    const timer = setTimeout(
      () => {
        this.timers.delete(timer);
        scheduler.wake();
      },
      Math.max(0, when.getTime() - this.clock().getTime()) + 5,
    );
    timer.unref();
    this.timers.add(timer);
  }
}
