// awaitRequest(): what the IdP's request waits for (docs/decisions/0003-what-the-idp-sees.md).
// One read of the request's jobs, then the runner's in-process "settled" events update that picture without
// touching the database (no busy polling, no read per event). A slow re-read covers jobs run by another process.
import type { TargetName } from '../connector.js';
import { keyString, type RequestOutcome, type RequestStatus } from './model.js';
import type { LoggerLike } from '../../shared/log.js';
import type { ProvisioningStore } from './ports.js';
import type { ProvisioningSignals, SettledEvent } from './signals.js';

export function outcomeOf(status: RequestStatus): RequestOutcome {
  if (status.rejected) return { state: 'rejected', ...status.rejected };
  if (status.unfinishedTargets.length === 0) return { state: 'done' };
  return { state: 'pending', targets: status.unfinishedTargets };
}

/** The request's unfinished jobs, as known in memory; null until the first read. */
class RequestPicture {
  private unfinished: Map<string, TargetName> | null = null;
  private rejected: RequestStatus['rejected'] = null;
  /** events seen while a read is in flight: the read may predate them */
  private sinceRead: SettledEvent[] | null = null;

  beginRead(): void {
    this.sinceRead ??= [];
  }

  load(status: RequestStatus): void {
    this.unfinished = new Map(status.unfinishedKeys.map((k) => [keyString(k), k.target]));
    this.rejected = status.rejected;
    // Applying an event the read already reflects changes nothing; one it missed must not be lost.
    const replay = this.sinceRead ?? [];
    this.sinceRead = null;
    for (const event of replay) this.applyToPicture(event);
  }

  apply(event: SettledEvent): void {
    this.sinceRead?.push(event);
    this.applyToPicture(event);
  }

  private applyToPicture(event: SettledEvent): void {
    if (!this.unfinished || event.state === 'queued') return; // queued = retrying: still unfinished
    this.unfinished.delete(keyString(event.key));
    if (event.state === 'failed' && !this.rejected) {
      this.rejected = {
        target: event.key.target,
        status: event.status,
        message: event.message ?? 'rejected by the upstream',
      };
    }
  }

  outcome(): RequestOutcome | null {
    if (!this.unfinished) return null;
    if (this.rejected) return { state: 'rejected', ...this.rejected };
    if (this.unfinished.size === 0) return { state: 'done' };
    return { state: 'pending', targets: [...new Set(this.unfinished.values())] };
  }
}

export function awaitRequestOutcome(
  store: Pick<ProvisioningStore, 'requestStatus'>,
  requestId: string,
  deadlineMs: number,
  options: { recheckMs: number; logger: LoggerLike; signals: Pick<ProvisioningSignals, 'onSettled'> },
): Promise<RequestOutcome> {
  return new Promise((resolve) => {
    let finished = false;
    const picture = new RequestPicture();

    const finish = (outcome: RequestOutcome): void => {
      if (finished) return;
      finished = true;
      unsubscribe();
      clearTimeout(deadline);
      clearInterval(recheck);
      resolve(outcome);
    };
    const settleIfFinal = (): void => {
      const outcome = picture.outcome();
      if (outcome && outcome.state !== 'pending') finish(outcome);
    };
    const read = async (): Promise<void> => {
      picture.beginRead();
      try {
        picture.load(await store.requestStatus(requestId));
        settleIfFinal();
      } catch (err) {
        options.logger.warn({ err, requestId }, 'could not read the provisioning state of a request');
      }
    };

    // Subscribe before the first read, so that a job ending in between is not missed.
    const unsubscribe = options.signals.onSettled(requestId, (event) => {
      picture.apply(event);
      settleIfFinal();
    });
    const recheck = setInterval(() => void read(), options.recheckMs);
    const deadline = setTimeout(() => {
      void (async () => {
        await read();
        finish(picture.outcome() ?? { state: 'pending', targets: [] });
      })();
    }, deadlineMs);
    void read();
  });
}
