// What an execution's failure means for its jobs (docs/decisions/0004-durable-provisioning-jobs.md): a permanent
// upstream refusal (rejected, not found) fails the jobs and marks the mapping; anything else re-queues them with
// backoff (./backoff.ts), slowly for refused credentials. The one place that decides between retry and failure.
import type { LoggerLike } from '../../shared/log.js';
import { UpstreamError } from '../errors.js';
import { retryDelayMs, type BackoffOptions } from './backoff.js';
import type { ClaimedJob, JobsOutcome, Mapping, ResourceKey } from './model.js';
import { errorMessage, type OutcomeRecord } from './reconcile-context.js';

export interface FailurePolicyDeps {
  backoff: BackoffOptions;
  logger: LoggerLike;
  now: () => Date;
}

/** The upstream refused for good: retrying would get the same answer. */
export function isPermanentRefusal(err: unknown): err is UpstreamError {
  return err instanceof UpstreamError && (err.kind === 'rejected' || err.kind === 'not-found');
}

/**
 * How the jobs of a failed execution end. Marks `mapping` failed on a permanent refusal, and records the outcome
 * in the audit trail through `record`.
 */
export function failureOutcome(
  err: unknown,
  p: {
    key: ResourceKey;
    jobs: readonly ClaimedJob[];
    mapping: Mapping;
    /** the newest request of the execution, for the log lines (an operator follows one request through them) */
    requestId: string;
    record: (o: OutcomeRecord) => void;
  },
  deps: FailurePolicyDeps,
): JobsOutcome {
  const { key, mapping, record, requestId } = p;
  const attempts = Math.max(...p.jobs.map((j) => j.attempts));
  const status = err instanceof UpstreamError ? err.status : undefined;
  const message = errorMessage(err);
  if (isPermanentRefusal(err)) {
    mapping.state = 'failed';
    mapping.reason = message;
    record({ action: 'reconcile', outcome: 'failed', reason: message, status });
    deps.logger.warn({ key, requestId, status, reason: message }, 'upstream rejected a provisioning change');
    return { state: 'failed', error: message, status };
  }
  const kind = err instanceof UpstreamError && err.kind === 'auth' ? 'auth' : 'transient';
  const retryAfterMs = err instanceof UpstreamError ? err.retryAfterMs : undefined;
  const delay = retryDelayMs(attempts, deps.backoff, kind, retryAfterMs);
  const runAfter = new Date(deps.now().getTime() + delay);
  record({
    action: 'reconcile',
    outcome: 'retry',
    reason: message,
    status,
    attempts,
    runAfter: runAfter.toISOString(),
  });
  if (kind === 'auth') {
    deps.logger.error(
      { key, requestId, status, attempts, retryInMs: delay },
      `UPSTREAM CREDENTIALS REFUSED by ${key.target}: provisioning is stalled until they are fixed (${message})`,
    );
  } else if (err instanceof UpstreamError) {
    deps.logger.warn(
      { key, requestId, status, attempts, retryInMs: delay, reason: message },
      'transient upstream error, will retry',
    );
  } else {
    deps.logger.error(
      { err, key, requestId, attempts, retryInMs: delay },
      'provisioning step failed unexpectedly, will retry',
    );
  }
  return { state: 'queued', runAfter, error: message, status, countAttempt: true };
}
