// The job runner: N workers per target take due reconcile jobs, run the reconcile step with the target's connector,
// persist the mapping and end the jobs. Durable by construction: jobs live in the store (queued in the same
// transaction as the SCIM change), a crash leaves them `running` with a lease that expires, and any worker of any
// process then takes them again. Design: docs/decisions/0004-durable-provisioning-jobs.md.
import { randomUUID } from 'node:crypto';
import type { Connector, TargetName, UpstreamCall } from '../connector.js';
import { UpstreamError } from '../errors.js';
import { AuditBuffer } from './audit-buffer.js';
import { DEFAULT_BACKOFF, retryDelayMs, type BackoffOptions } from './backoff.js';
import {
  type AuditRecord,
  type Execution,
  type JobsOutcome,
  type Mapping,
  type ResourceKey,
  keyString,
} from './model.js';
import type { ProvisioningLogger, ProvisioningStore } from './ports.js';
import { errorMessage, type OutcomeRecord, type ReconcileContext } from './reconcile-context.js';
import { reconcileGroup, type EnsureMemberResult } from './reconcile-group.js';
import { reconcileUser } from './reconcile-user.js';
import { awaitRequestOutcome } from './request-waiter.js';
import { provisioningSignals } from './signals.js';
import type { RequestOutcome } from './model.js';

export interface RunnerOptions {
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
  /** upstream ids per addMembers / removeMembers call */
  memberBatchSize: number;
  /** MemberSync rows read per page */
  memberPageSize: number;
  /** delay before re-running a group job that waited for a member user held by another execution */
  retrySoonMs: number;
  backoff: BackoffOptions;
  /** how long stop() waits for running executions before leaving them to lease expiry */
  stopTimeoutMs: number;
  /** awaitRequest re-checks the store this often, for jobs run by another process */
  crossProcessRecheckMs: number;
  audit: { maxBatch: number; flushIntervalMs: number };
}

export const DEFAULT_RUNNER_OPTIONS: RunnerOptions = {
  workersPerTarget: 64,
  pollIntervalMs: 1_000,
  leaseMs: 60_000,
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

/** Serialises async sections (the claim step of one target's workers: they would only race for the same rows). */
class Mutex {
  private tail: Promise<unknown> = Promise.resolve();
  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task, task);
    this.tail = result.catch(() => undefined);
    return result;
  }
}

interface TargetState {
  connector: Connector;
  claimLock: Mutex;
  inFlight: Map<string, ResourceKey>;
  /** claimed in a batch, not yet started by a worker */
  ready: Execution[];
  /** executions running now */
  executing: number;
  idleWaiters: Set<() => void>;
  woken: boolean;
  /**
   * Counts the reasons to look for due work (wake-ups and poll ticks). A claim that found nothing remembers the
   * count it started under (`emptyAt`): until the count moves, other workers do not repeat the same empty query.
   * Without this, one enqueue woke every idle worker and each ran its own claim transaction (measured: ~6
   * transactions per provisioned user on SQLite instead of ~2).
   */
  wakeSeq: number;
  emptyAt: number;
  /** the last claim took as many resources as it asked for: more are waiting, no need to let work accumulate */
  lastClaimFull: boolean;
  /**
   * Resources executing here that got new jobs meanwhile (claims skip resources in flight): when their execution
   * ends, the workers look for work again. Any other execution end needs no claim: nothing new became claimable.
   */
  queuedWhileInFlight: Set<string>;
}

export class ProvisioningRunner {
  private readonly options: RunnerOptions;
  private readonly targetStates = new Map<TargetName, TargetState>();
  private readonly audit: AuditBuffer;
  private running = false;
  private workers: Promise<void>[] = [];
  private unsubscribeWork: (() => void) | null = null;
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly store: ProvisioningStore,
    connectors: readonly Connector[],
    private readonly logger: ProvisioningLogger,
    options: Partial<RunnerOptions> = {},
    private readonly clock: () => Date = () => new Date(),
  ) {
    this.options = { ...DEFAULT_RUNNER_OPTIONS, ...options };
    for (const connector of connectors) {
      this.targetStates.set(connector.target, {
        connector,
        claimLock: new Mutex(),
        inFlight: new Map(),
        ready: [],
        executing: 0,
        idleWaiters: new Set(),
        woken: false,
        wakeSeq: 0,
        emptyAt: -1,
        lastClaimFull: false,
        queuedWhileInFlight: new Set(),
      });
    }
    this.audit = new AuditBuffer((records) => store.appendAudit(records), logger, this.options.audit);
  }

  get targets(): TargetName[] {
    return [...this.targetStates.keys()];
  }

  /** Starts the workers. Queued jobs and jobs left running by a crashed process (once their lease expired) resume. */
  start(): Promise<void> {
    if (this.running) return Promise.resolve();
    this.running = true;
    this.unsubscribeWork = provisioningSignals.onWork((targets, work) => {
      for (const target of targets) {
        const state = this.targetStates.get(target);
        const key = keyString({ ...work, target });
        if (state?.inFlight.has(key)) state.queuedWhileInFlight.add(key);
      }
      this.wake(targets);
    });
    for (const [target, state] of this.targetStates) {
      for (let i = 0; i < this.options.workersPerTarget; i++)
        this.workers.push(this.workerLoop(target, state));
    }
    this.logger.info(
      { targets: this.targets, workersPerTarget: this.options.workersPerTarget },
      'provisioning runner started',
    );
    return Promise.resolve();
  }

  /** Stops taking jobs, waits (bounded) for running executions, flushes the audit trail. */
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
    for (const target of targets) {
      const state = this.targetStates.get(target);
      if (!state) continue;
      state.woken = true;
      state.wakeSeq++;
      for (const resolve of state.idleWaiters) resolve();
      state.idleWaiters.clear();
    }
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
    });
  }

  /** Writes buffered audit rows now (tests, CLI). */
  flushAudit(): Promise<void> {
    return this.audit.flush();
  }

  private async workerLoop(target: TargetName, state: TargetState): Promise<void> {
    while (this.running) {
      let execution: Execution | null = null;
      try {
        execution = await state.claimLock.run(() => this.claimNext(state));
      } catch (err) {
        this.logger.error({ err, target }, 'could not claim provisioning jobs');
      }
      if (!this.running && execution) {
        // Claimed during shutdown: hand it back rather than start an upstream call now.
        state.ready.push(execution);
        break;
      }
      if (execution) {
        state.executing++;
        try {
          await this.execute(state, execution);
        } finally {
          state.executing--;
        }
      } else {
        await this.idle(state);
      }
    }
    await state.claimLock.run(() => this.releaseUnstarted(state));
  }

  private idle(state: TargetState): Promise<void> {
    if (state.woken) {
      state.woken = false;
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        state.wakeSeq++; // a poll tick: work may have come from another process or come due
        done();
      }, this.options.pollIntervalMs);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      state.idleWaiters.add(done);
    }).then(() => {
      state.woken = false;
    });
  }

  /**
   * Hands out a claimed execution: one left from the last batch, else a new batch sized to the free workers
   * (one store transaction for the batch). Runs under the target's claim lock.
   */
  private async claimNext(state: TargetState): Promise<Execution | null> {
    if (!this.running) return null;
    const ready = state.ready.shift();
    if (ready) return ready;
    if (state.emptyAt === state.wakeSeq) return null; // nothing new since the last empty claim
    if (this.options.claimDelayMs > 0 && !state.lastClaimFull) {
      await new Promise((resolve) => setTimeout(resolve, this.options.claimDelayMs));
      if (!this.running) return null;
    }
    const seqAtClaim = state.wakeSeq;
    const now = this.clock();
    const free = Math.max(1, this.options.workersPerTarget - state.executing);
    const max = Math.min(this.options.claimBatch, free);
    const claimed = await this.store.claimDue(
      state.connector.target,
      now,
      this.leaseUntil(),
      max,
      [...state.inFlight.values()],
      () => randomUUID(),
    );
    state.lastClaimFull = claimed.length === max;
    if (claimed.length === 0) state.emptyAt = seqAtClaim;
    for (const execution of claimed) state.inFlight.set(keyString(execution.key), execution.key);
    const [first, ...rest] = claimed;
    if (rest.length > 0) {
      state.ready.push(...rest);
      this.wake([state.connector.target]);
    }
    return first ?? null;
  }

  /** Executions claimed but never started (shutdown): their jobs go back to the queue at once, no attempt counted. */
  private async releaseUnstarted(state: TargetState): Promise<void> {
    for (const execution of state.ready.splice(0)) {
      state.inFlight.delete(keyString(execution.key));
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
  }

  private leaseUntil(): Date {
    return new Date(this.clock().getTime() + this.options.leaseMs);
  }

  private context(
    connector: Connector,
    requestId: string,
    key: ResourceKey,
    extraDetail: Record<string, unknown>,
  ): ReconcileContext {
    const base = { requestId, resourceType: key.resourceType, resourceId: key.scimId, target: key.target };
    const push = (record: AuditRecord): void => this.audit.push(record);
    return {
      connector,
      store: this.store,
      memberBatchSize: this.options.memberBatchSize,
      memberPageSize: this.options.memberPageSize,
      call: {
        requestId,
        onUpstreamCall: (call: UpstreamCall) =>
          push({
            ...base,
            at: this.clock(),
            kind: 'upstream',
            method: call.method,
            path: call.path,
            status: call.status,
            durationMs: Math.round(call.durationMs),
            attempt: call.attempt,
            detail: call.error ? { error: call.error } : undefined,
          }),
      },
      record: (outcome: OutcomeRecord) =>
        push({
          ...base,
          at: this.clock(),
          kind: 'provisioning',
          status: outcome.status,
          detail: { ...outcome, ...extraDetail },
        }),
    };
  }

  private async execute(state: TargetState, execution: Execution): Promise<void> {
    const { key, jobs } = execution;
    const { connector } = state;
    // The newest request's desired state is what is applied; coalesced older requests are listed in the audit.
    const newest = jobs.reduce((a, b) => (b.id > a.id ? b : a));
    const requestIds = [...new Set(jobs.map((j) => j.requestId))];
    const ctx = this.context(connector, newest.requestId, key, requestIds.length > 1 ? { requestIds } : {});
    const mapping: Mapping = structuredClone(execution.mapping);
    const renewal = setInterval(
      () => {
        this.store.renewLease(key, execution.claimId, this.leaseUntil()).then(
          (kept) =>
            kept ||
            this.logger.warn(
              { key, requestId: newest.requestId },
              'provisioning lease lost during execution',
            ),
          (err: unknown) =>
            this.logger.warn({ err, key, requestId: newest.requestId }, 'could not renew provisioning lease'),
        );
      },
      Math.max(1_000, Math.floor(this.options.leaseMs / 3)),
    );
    renewal.unref();

    let outcome: JobsOutcome = { state: 'done' };
    let dropMemberSyncs = false;
    try {
      const desired = execution.desired;
      if (key.resourceType === 'User') {
        const user = desired?.resourceType === 'User' ? desired.user : await this.store.loadUser(key.scimId);
        ({ dropMemberSyncs } = await reconcileUser(ctx, mapping, user, key.scimId));
      } else {
        const group =
          desired?.resourceType === 'Group' ? desired.group : await this.store.loadGroup(key.scimId);
        const result = await reconcileGroup(ctx, mapping, group, {
          ensureMemberUser: (userId) => this.ensureMemberUser(state, newest.requestId, userId),
        });
        dropMemberSyncs = result.dropMemberSyncs;
        if (result.retrySoon) {
          outcome = { state: 'queued', runAfter: this.after(this.options.retrySoonMs), countAttempt: false };
        }
      }
    } catch (err) {
      outcome = this.failureOutcome(err, execution, mapping, ctx);
    } finally {
      clearInterval(renewal);
    }

    try {
      await this.store.finish(execution, mapping, outcome, { dropMemberSyncs });
    } catch (err) {
      // The lease expires and another execution redoes the (idempotent) work.
      this.logger.error({ err, key, requestId: newest.requestId }, 'could not record provisioning result');
    }
    this.releaseInFlight(state, key);
    provisioningSignals.settled(requestIds, {
      key,
      state: outcome.state,
      status: outcome.state === 'done' ? undefined : outcome.status,
      message: outcome.state === 'done' ? undefined : outcome.error,
    });
    if (outcome.state === 'queued') this.wakeAt(key.target, outcome.runAfter);
  }

  private failureOutcome(
    err: unknown,
    execution: Execution,
    mapping: Mapping,
    ctx: ReconcileContext,
  ): JobsOutcome {
    const { key } = execution;
    const { requestId } = ctx.call;
    const attempts = Math.max(...execution.jobs.map((j) => j.attempts));
    const status = err instanceof UpstreamError ? err.status : undefined;
    const message = errorMessage(err);
    if (err instanceof UpstreamError && (err.kind === 'rejected' || err.kind === 'not-found')) {
      mapping.state = 'failed';
      mapping.reason = message;
      ctx.record({ action: 'reconcile', outcome: 'failed', reason: message, status });
      this.logger.warn(
        { key, requestId, status, reason: message },
        'upstream rejected a provisioning change',
      );
      return { state: 'failed', error: message, status };
    }
    const kind = err instanceof UpstreamError && err.kind === 'auth' ? 'auth' : 'transient';
    const retryAfterMs = err instanceof UpstreamError ? err.retryAfterMs : undefined;
    const delay = retryDelayMs(attempts, this.options.backoff, kind, retryAfterMs);
    const runAfter = this.after(delay);
    ctx.record({
      action: 'reconcile',
      outcome: 'retry',
      reason: message,
      status,
      attempts,
      runAfter: runAfter.toISOString(),
    });
    if (kind === 'auth') {
      this.logger.error(
        { key, requestId, status, attempts, retryInMs: delay },
        `UPSTREAM CREDENTIALS REFUSED by ${key.target}: provisioning is stalled until they are fixed (${message})`,
      );
    } else if (err instanceof UpstreamError) {
      this.logger.warn(
        { key, requestId, status, attempts, retryInMs: delay, reason: message },
        'transient upstream error, will retry',
      );
    } else {
      this.logger.error(
        { err, key, requestId, attempts, retryInMs: delay },
        'provisioning step failed unexpectedly, will retry',
      );
    }
    return { state: 'queued', runAfter, error: message, status, countAttempt: true };
  }

  private async ensureMemberUser(
    state: TargetState,
    requestId: string,
    userId: string,
  ): Promise<EnsureMemberResult> {
    const key: ResourceKey = { resourceType: 'User', scimId: userId, target: state.connector.target };
    const claimId = randomUUID();
    if (state.inFlight.has(keyString(key))) return { kind: 'busy' };
    const leased = await this.store.lease(key, claimId, this.clock(), this.leaseUntil());
    if (!leased) return { kind: 'busy' };
    const mapping: Mapping = structuredClone(leased);
    state.inFlight.set(keyString(key), key);
    const ctx = this.context(state.connector, requestId, key, { via: 'group membership' });
    try {
      const user = await this.store.loadUser(userId);
      if (!user) return { kind: 'skipped', state: 'not_propagated', reason: 'user deleted' };
      await reconcileUser(ctx, mapping, user, userId);
      if (mapping.upstreamId) return { kind: 'ok', upstreamId: mapping.upstreamId };
      return {
        kind: 'skipped',
        state: 'not_propagated',
        reason: mapping.reason ?? 'user not provisioned on this target',
      };
    } catch (err) {
      if (err instanceof UpstreamError && (err.kind === 'rejected' || err.kind === 'not-found')) {
        mapping.state = 'failed';
        mapping.reason = err.message;
        ctx.record({ action: 'ensureUser', outcome: 'failed', reason: err.message, status: err.status });
        return { kind: 'skipped', state: 'failed', reason: err.message };
      }
      throw err;
    } finally {
      try {
        await this.store.release(key, claimId, mapping);
      } finally {
        this.releaseInFlight(state, key);
      }
    }
  }

  /** The resource is free again: jobs queued for it meanwhile (skipped while in flight) can be claimed now. */
  private releaseInFlight(state: TargetState, key: ResourceKey): void {
    const id = keyString(key);
    state.inFlight.delete(id);
    if (state.queuedWhileInFlight.delete(id)) this.wake([key.target]);
  }

  private after(ms: number): Date {
    return new Date(this.clock().getTime() + ms);
  }

  /** In-process retries wake their target when due instead of waiting for the next poll. */
  private wakeAt(target: TargetName, when: Date): void {
    if (!this.running) return;
    const timer = setTimeout(
      () => {
        this.timers.delete(timer);
        this.wake([target]);
      },
      Math.max(0, when.getTime() - this.clock().getTime()) + 5,
    );
    timer.unref();
    this.timers.add(timer);
  }
}
