import { describe, expect, it } from 'vitest';
import type { RequestStatus, ResourceKey } from './model.js';
import { silentLogger } from '../../shared/log.js';
import { awaitRequestOutcome } from './request-waiter.js';
import { ProvisioningSignals } from './signals.js';

const aacUser: ResourceKey = { resourceType: 'User', scimId: 'u1', target: 'aac' };
const serverUser: ResourceKey = { resourceType: 'User', scimId: 'u1', target: 'server' };
const provisioningSignals = new ProvisioningSignals();
const options = { recheckMs: 60_000, logger: silentLogger, signals: provisioningSignals };

function status(unfinished: ResourceKey[]): RequestStatus {
  return {
    total: 2,
    unfinishedKeys: unfinished,
    unfinishedTargets: [...new Set(unfinished.map((k) => k.target))],
    rejected: null,
  };
}

describe('awaitRequestOutcome', () => {
  it('reads once, then resolves from settled events without reading again', async () => {
    let reads = 0;
    const store = { requestStatus: () => (reads++, Promise.resolve(status([aacUser, serverUser]))) };
    const waiting = awaitRequestOutcome(store, 'r1', 5_000, options);
    await new Promise((r) => setImmediate(r));
    provisioningSignals.settled(['r1'], { key: aacUser, state: 'done' });
    provisioningSignals.settled(['r1'], { key: serverUser, state: 'queued', status: 503, message: 'busy' });
    provisioningSignals.settled(['r1'], { key: serverUser, state: 'done' });
    await expect(waiting).resolves.toEqual({ state: 'done' });
    expect(reads).toBe(1);
  });

  it('does not lose an event that arrives while the first read is in flight', async () => {
    let release: (s: RequestStatus) => void = () => undefined;
    const store = { requestStatus: () => new Promise<RequestStatus>((r) => (release = r)) };
    const waiting = awaitRequestOutcome(store, 'r2', 5_000, options);
    provisioningSignals.settled(['r2'], { key: aacUser, state: 'failed', status: 400, message: 'no' });
    release(status([aacUser])); // a stale read: it does not know the job failed
    await expect(waiting).resolves.toEqual({ state: 'rejected', target: 'aac', status: 400, message: 'no' });
  });

  it('answers pending with the unfinished targets at the deadline', async () => {
    const store = { requestStatus: () => Promise.resolve(status([serverUser])) };
    await expect(awaitRequestOutcome(store, 'r3', 50, options)).resolves.toEqual({
      state: 'pending',
      targets: ['server'],
    });
  });
});
