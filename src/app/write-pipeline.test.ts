// The write pipeline without a database: the transaction, the audit writer and provisioning are recorders.
import { describe, expect, it } from 'vitest';
import type { ScimAuditEntry } from '../store/audit.repository.js';
import type { SqlRunner } from '../store/sql.js';
import { ConcurrentChange, UpstreamRejected, VersionMismatch } from './errors.js';
import type { ProvisioningGateway, RequestOutcome } from './provisioning-gateway.js';
import type { WriteContext } from './write-context.js';
import { MAX_WRITE_ATTEMPTS, WritePipeline } from './write-pipeline.js';

const ctx: WriteContext = {
  requestId: 'req-1',
  tokenId: 'tok',
  path: '/scim/v2/Users/u1',
  baseUrl: 'http://x',
};

function harness(outcome: RequestOutcome = { state: 'done' }) {
  const log: string[] = [];
  const audits: ScimAuditEntry[] = [];
  const enqueued: unknown[] = [];
  const run = { query: async () => [], execute: async () => 0 } satisfies SqlRunner;
  const provisioning: ProvisioningGateway = {
    targets: ['aac'],
    enqueueUser: async (_run, p) => void enqueued.push({ user: p }),
    enqueueGroup: async (_run, p) => void enqueued.push({ group: p }),
    awaitRequest: async (requestId) => (log.push(`await ${requestId}`), outcome),
    labelOf: () => 'Alteryx Analytics Cloud',
  };
  const pipeline = new WritePipeline({
    transaction: async (fn) => {
      log.push('begin');
      try {
        const result = await fn(run);
        log.push('commit');
        return result;
      } catch (err) {
        log.push('rollback');
        throw err;
      }
    },
    audit: async (_run, entry) => void audits.push(entry),
    provisioning,
    deadlineMs: 1_000,
  });
  return { pipeline, log, audits, enqueued };
}

describe('WritePipeline.write', () => {
  it('writes the change, its audit row and the provisioning work in one transaction', async () => {
    const { pipeline, log, audits, enqueued } = harness();
    const result = await pipeline.write(ctx, {
      resourceType: 'User',
      id: 'u1',
      method: 'POST',
      status: 201,
      change: async () => (log.push('change'), 'stored'),
    });
    expect(result).toBe('stored');
    expect(log).toEqual(['begin', 'change', 'commit']);
    expect(audits).toEqual([
      {
        requestId: 'req-1',
        tokenId: 'tok',
        method: 'POST',
        path: '/scim/v2/Users/u1',
        resourceType: 'User',
        resourceId: 'u1',
        status: 201,
        detail: undefined,
      },
    ]);
    expect(enqueued).toEqual([{ user: { requestId: 'req-1', userId: 'u1' } }]);
  });

  it('a group change carries its member delta to the audit row and the outbox', async () => {
    const { pipeline, audits, enqueued } = harness();
    await pipeline.write(ctx, {
      resourceType: 'Group',
      id: 'g1',
      method: 'PATCH',
      status: 200,
      change: async () => ({ added: ['u1', 'u2'], removed: ['u3'] }),
      members: (r) => r,
    });
    expect(audits[0]?.detail).toEqual({ membersAdded: 2, membersRemoved: 1 });
    expect(enqueued).toEqual([
      { group: { requestId: 'req-1', groupId: 'g1', added: ['u1', 'u2'], removed: ['u3'] } },
    ]);
  });

  it('records and queues nothing when the change found the resource changed (null)', async () => {
    const { pipeline, audits, enqueued } = harness();
    const result = await pipeline.write(ctx, {
      resourceType: 'User',
      id: 'u1',
      method: 'PUT',
      status: 200,
      change: async () => null,
    });
    expect(result).toBeNull();
    expect(audits).toEqual([]);
    expect(enqueued).toEqual([]);
  });
});

describe('WritePipeline.versioned', () => {
  it('reads again and retries while concurrent writers win, then answers 409 concurrent_change', async () => {
    const { pipeline } = harness();
    let reads = 0;
    const attempt = pipeline.versioned({
      resourceType: 'User',
      id: 'u1',
      ifMatch: undefined,
      read: async () => ++reads,
      version: (n: number) => n,
      attempt: async () => null,
    });
    await expect(attempt).rejects.toBeInstanceOf(ConcurrentChange);
    expect(reads).toBe(MAX_WRITE_ATTEMPTS);
  });

  it('returns the version read and the result of the attempt that won', async () => {
    const { pipeline } = harness();
    let reads = 0;
    const outcome = await pipeline.versioned({
      resourceType: 'Group',
      id: 'g1',
      ifMatch: undefined,
      read: async () => ++reads,
      version: (n: number) => n,
      attempt: async (before) => (before < 3 ? null : `written over version ${before}`),
    });
    expect(outcome).toEqual({ before: 3, result: 'written over version 3' });
  });

  it('with If-Match, a concurrent change is a version mismatch at once (RFC 7644 §3.14)', async () => {
    const { pipeline } = harness();
    let reads = 0;
    const attempt = pipeline.versioned({
      resourceType: 'User',
      id: 'u1',
      ifMatch: 'W/"1"',
      read: async () => ++reads,
      version: (n: number) => n,
      attempt: async () => null,
    });
    await expect(attempt).rejects.toBeInstanceOf(VersionMismatch);
    expect(reads).toBe(1);
  });
});

describe('WritePipeline.settle (ADR 0003)', () => {
  it("a rejection is undone as the bridge's own action, then answered with the upstream's label", async () => {
    const { pipeline, log } = harness({
      state: 'rejected',
      target: 'aac',
      status: 409,
      message: 'duplicate',
    });
    const undone: string[] = [];
    const settled = pipeline.settle(ctx, async (undo) => void undone.push(undo.requestId));
    await expect(settled).rejects.toBeInstanceOf(UpstreamRejected);
    await expect(settled).rejects.toMatchObject({
      code: 'conflict_upstream',
      message: 'Alteryx Analytics Cloud rejected the change (HTTP 409): duplicate. Nothing was changed.',
    });
    expect(log).toEqual(['await req-1']);
    expect(undone).toEqual(['req-1:undo']);
  });

  it('work still pending at the deadline is not undone', async () => {
    const { pipeline } = harness({ state: 'pending', targets: ['aac'] });
    const undone: string[] = [];
    await pipeline.settle(ctx, async (undo) => void undone.push(undo.requestId));
    expect(undone).toEqual([]);
  });
});
