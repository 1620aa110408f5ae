// One execution: a leased resource key with the jobs it took. Runs the reconcile step with the target's connector,
// keeps the lease alive while it runs, ends the jobs by the failure policy (./failure-policy.ts) and tells the
// request waiters (docs/decisions/0003, 0004). Every upstream call and outcome becomes an audit row. A group job's
// member users are provisioned under their own leases (./member-leasing.ts).
import type { LoggerLike } from '../../shared/log.js';
import type { Connector, UpstreamCall } from '../connector.js';
import type { AuditBuffer } from './audit-buffer.js';
import type { BackoffOptions } from './backoff.js';
import type { ClaimScheduler } from './claim-scheduler.js';
import { failureOutcome } from './failure-policy.js';
import { ensureMemberUser } from './member-leasing.js';
import type { AuditRecord, Execution, JobsOutcome, Mapping, ResourceKey } from './model.js';
import type { ProvisioningStore } from './ports.js';
import type { OutcomeRecord, ReconcileContext } from './reconcile-context.js';
import { reconcileGroup } from './reconcile-group.js';
import { reconcileUser } from './reconcile-user.js';
import type { ProvisioningSignals } from './signals.js';

export interface ExecutionOptions {
  /** how long a lease lasts; renewed every third of it while the execution runs */
  leaseMs: number;
  /** upstream ids per addMembers / removeMembers call */
  memberBatchSize: number;
  /** MemberSync rows read per page */
  memberPageSize: number;
  /** delay before re-running a group job that waited for a member user held by another execution */
  retrySoonMs: number;
  backoff: BackoffOptions;
}

export interface ExecutionDeps {
  store: ProvisioningStore;
  audit: AuditBuffer;
  signals: Pick<ProvisioningSignals, 'settled'>;
  logger: LoggerLike;
  clock: () => Date;
  options: ExecutionOptions;
  /** in-process retries wake their target when due */
  wakeAt(scheduler: ClaimScheduler, when: Date): void;
}

export class Executor {
  constructor(private readonly deps: ExecutionDeps) {}

  async execute(scheduler: ClaimScheduler, connector: Connector, execution: Execution): Promise<void> {
    const { store, options, logger } = this.deps;
    const { key, jobs } = execution;
    // The newest request's desired state is what is applied; coalesced older requests are listed in the audit.
    const newest = jobs.reduce((a, b) => (b.id > a.id ? b : a));
    const requestIds = [...new Set(jobs.map((j) => j.requestId))];
    const ctx = this.context(connector, newest.requestId, key, requestIds.length > 1 ? { requestIds } : {});
    const mapping: Mapping = structuredClone(execution.mapping);
    const stopRenewal = this.keepLease(key, execution.claimId, newest.requestId);

    let outcome: JobsOutcome = { state: 'done' };
    let dropMemberSyncs = false;
    try {
      const desired = execution.desired;
      if (key.resourceType === 'User') {
        const user = desired?.resourceType === 'User' ? desired.user : await store.loadUser(key.scimId);
        ({ dropMemberSyncs } = await reconcileUser(ctx, mapping, user, key.scimId));
      } else {
        const group = desired?.resourceType === 'Group' ? desired.group : await store.loadGroup(key.scimId);
        const result = await reconcileGroup(ctx, mapping, group, {
          ensureMemberUser: (userId) =>
            ensureMemberUser(
              {
                store,
                scheduler,
                now: this.deps.clock,
                leaseUntil: () => this.leaseUntil(),
                context: (member) =>
                  this.context(connector, newest.requestId, member, { via: 'group membership' }),
              },
              userId,
            ),
        });
        dropMemberSyncs = result.dropMemberSyncs;
        if (result.retrySoon) {
          outcome = { state: 'queued', runAfter: this.after(options.retrySoonMs), countAttempt: false };
        }
      }
    } catch (err) {
      outcome = failureOutcome(
        err,
        { key, jobs, mapping, requestId: newest.requestId, record: (o) => ctx.record(o) },
        { backoff: options.backoff, logger, now: this.deps.clock },
      );
    } finally {
      stopRenewal();
    }

    try {
      await store.finish(execution, mapping, outcome, { dropMemberSyncs });
    } catch (err) {
      // The lease expires and another execution redoes the (idempotent) work.
      logger.error({ err, key, requestId: newest.requestId }, 'could not record provisioning result');
    }
    scheduler.release(key);
    this.deps.signals.settled(requestIds, {
      key,
      state: outcome.state,
      status: outcome.state === 'done' ? undefined : outcome.status,
      message: outcome.state === 'done' ? undefined : outcome.error,
    });
    if (outcome.state === 'queued') this.deps.wakeAt(scheduler, outcome.runAfter);
  }

  /** Renews the lease every third of its length while the execution runs; returns the stop. */
  private keepLease(key: ResourceKey, claimId: string, requestId: string): () => void {
    const { store, logger, options } = this.deps;
    const renewal = setInterval(
      () => {
        store.renewLease(key, claimId, this.leaseUntil()).then(
          (kept) => kept || logger.warn({ key, requestId }, 'provisioning lease lost during execution'),
          (err: unknown) => logger.warn({ err, key, requestId }, 'could not renew provisioning lease'),
        );
      },
      Math.max(1_000, Math.floor(options.leaseMs / 3)),
    );
    renewal.unref();
    return () => clearInterval(renewal);
  }

  /** What a reconcile step gets: the connector, the store, and audit rows attributed to the SCIM request. */
  private context(
    connector: Connector,
    requestId: string,
    key: ResourceKey,
    extraDetail: Record<string, unknown>,
  ): ReconcileContext {
    const { audit, clock, options, store } = this.deps;
    const base = { requestId, resourceType: key.resourceType, resourceId: key.scimId, target: key.target };
    const push = (record: AuditRecord): void => audit.push(record);
    return {
      connector,
      store,
      memberBatchSize: options.memberBatchSize,
      memberPageSize: options.memberPageSize,
      call: {
        requestId,
        onUpstreamCall: (call: UpstreamCall) =>
          push({
            ...base,
            at: clock(),
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
          at: clock(),
          kind: 'provisioning',
          status: outcome.status,
          detail: { ...outcome, ...extraDetail },
        }),
    };
  }

  private leaseUntil(): Date {
    return this.after(this.deps.options.leaseMs);
  }

  private after(ms: number): Date {
    return new Date(this.deps.clock().getTime() + ms);
  }
}
