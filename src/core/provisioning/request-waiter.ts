// awaitRequest(): what the IdP's request waits for (docs/decisions/0003-what-the-idp-sees.md). Woken in-process
// when jobs of the request end (no busy polling); a slow re-check covers jobs run by another process.
import type { RequestOutcome, RequestStatus } from './model.js';
import type { ProvisioningLogger, ProvisioningStore } from './ports.js';
import { provisioningSignals } from './signals.js';

export function outcomeOf(status: RequestStatus): RequestOutcome {
  if (status.rejected) return { state: 'rejected', ...status.rejected };
  if (status.unfinishedTargets.length === 0) return { state: 'done' };
  return { state: 'pending', targets: status.unfinishedTargets };
}

export function awaitRequestOutcome(
  store: Pick<ProvisioningStore, 'requestStatus'>,
  requestId: string,
  deadlineMs: number,
  options: { recheckMs: number; logger: ProvisioningLogger },
): Promise<RequestOutcome> {
  return new Promise((resolve) => {
    let settled = false;
    let checking = false;
    let checkAgain = false;
    let last: RequestOutcome = { state: 'pending', targets: [] };

    const finish = (outcome: RequestOutcome): void => {
      if (settled) return;
      settled = true;
      unsubscribe();
      clearTimeout(deadline);
      clearInterval(recheck);
      resolve(outcome);
    };
    const check = async (): Promise<void> => {
      if (checking) {
        checkAgain = true;
        return;
      }
      checking = true;
      try {
        do {
          checkAgain = false;
          last = outcomeOf(await store.requestStatus(requestId));
          if (last.state !== 'pending') return finish(last);
        } while (checkAgain && !settled);
      } catch (err) {
        options.logger.warn({ err, requestId }, 'could not read the provisioning state of a request');
      } finally {
        checking = false;
      }
    };

    // Subscribe before the first read, so that a job ending in between is not missed.
    const unsubscribe = provisioningSignals.onSettled(requestId, () => void check());
    const recheck = setInterval(() => void check(), options.recheckMs);
    const deadline = setTimeout(() => {
      void (async () => {
        try {
          last = outcomeOf(await store.requestStatus(requestId));
        } catch (err) {
          options.logger.warn({ err, requestId }, 'could not read the provisioning state of a request');
        }
        finish(last);
      })();
    }, deadlineMs);
    void check();
  });
}
