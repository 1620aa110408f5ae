// In-process notifications, so that nothing waits for a polling interval in the common single-process case:
// - work: "jobs were queued for this resource on these targets" (the outbox, from inside the SCIM transaction) →
//   wakes the workers, and tells a runner executing that resource right now to look again when it is done;
// - settled: "jobs of these requests ended" (the runner) → wakes awaitRequest().
// Jobs queued or run by another process are still found by the workers' poll and awaitRequest's slow re-check.
// One instance per bridge, made by the composition root (src/container.ts) and handed to the outbox, the runner and
// awaitRequest: nothing is process-global, so two bridges in one process (tests) never hear each other.
import type { TargetName } from '../connector.js';
import type { JobsOutcome, ResourceKey, ResourceType } from './model.js';

/** How the jobs of one resource key ended in an execution (all jobs of the execution end alike). */
export interface SettledEvent {
  key: ResourceKey;
  state: JobsOutcome['state'];
  status?: number | undefined;
  message?: string | undefined;
}

/** The resource new jobs were queued for. */
export interface QueuedWork {
  resourceType: ResourceType;
  scimId: string;
}

type WorkListener = (targets: readonly TargetName[], work: QueuedWork) => void;
type SettledListener = (event: SettledEvent) => void;

export class ProvisioningSignals {
  private readonly workListeners = new Set<WorkListener>();
  private readonly settledListeners = new Map<string, Set<SettledListener>>();

  onWork(listener: WorkListener): () => void {
    this.workListeners.add(listener);
    return () => this.workListeners.delete(listener);
  }

  /**
   * Called by the outbox while the SCIM transaction may still be open: listeners are told on the next tick, and
   * awaitRequest() signals again after the commit (its caller awaits the commit first).
   */
  work(targets: readonly TargetName[], work: QueuedWork): void {
    if (this.workListeners.size === 0) return;
    setImmediate(() => {
      for (const listener of this.workListeners) listener(targets, work);
    });
  }

  onSettled(requestId: string, listener: SettledListener): () => void {
    let set = this.settledListeners.get(requestId);
    if (!set) {
      set = new Set();
      this.settledListeners.set(requestId, set);
    }
    set.add(listener);
    return () => {
      const current = this.settledListeners.get(requestId);
      current?.delete(listener);
      if (current?.size === 0) this.settledListeners.delete(requestId);
    };
  }

  settled(requestIds: Iterable<string>, event: SettledEvent): void {
    for (const id of new Set(requestIds)) {
      for (const listener of this.settledListeners.get(id) ?? []) listener(event);
    }
  }
}

/** What the outbox needs: to say that work was queued (src/store/provisioning/outbox.ts). */
export type WorkSignal = Pick<ProvisioningSignals, 'work'>;
