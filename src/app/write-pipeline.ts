// The one write pipeline of the SCIM use-cases (Users and Groups alike):
//   1. a versioned read-modify-write, retried when a concurrent request changed the resource in between;
//   2. ONE transaction for the change, its audit row (kind "scim") and the provisioning work it implies (the outbox);
//   3. the bounded wait for the upstream outcome (ADR 0003), and on a permanent rejection the compensating write,
//      recorded as the bridge's own action under the request id `<id>:undo`, then the domain error for the IdP.
// Framework- and database-free: the transaction, the audit writer and provisioning are injected (unit tests in
// ./write-pipeline.test.ts run it without a database).
import type { SqlRunner } from '../store/sql.js';
import type { ScimAuditEntry } from '../store/audit.repository.js';
import {
  ConcurrentChange,
  ResourceNotFound,
  UpstreamRejected,
  VersionMismatch,
  type ResourceKind,
} from './errors.js';
import { versionPrecondition } from './preconditions.js';
import type { ProvisioningGateway } from './provisioning-gateway.js';
import type { WriteContext } from './write-context.js';

/** How many times a read-modify-write retries when a concurrent request changed the resource in between. */
export const MAX_WRITE_ATTEMPTS = 5;

/** A change that touched group memberships: the member delta the outbox turns into MemberSync rows. */
export interface MemberChange {
  added: string[];
  removed: string[];
}

export interface WritePipelineDeps {
  /** runs `fn` in one database transaction */
  transaction<T>(fn: (run: SqlRunner) => Promise<T>): Promise<T>;
  /** appends the request's audit row inside the transaction */
  audit(run: SqlRunner, entry: ScimAuditEntry): Promise<void>;
  provisioning: ProvisioningGateway;
  /** how long a response waits for the upstream work it caused (BRIDGE_UPSTREAM_DEADLINE_MS) */
  deadlineMs: number;
}

/** How to read a resource and its version, for `current` and `versioned`. */
export interface CurrentResource<B> {
  resourceType: ResourceKind;
  id: string;
  ifMatch: string | undefined;
  read(): Promise<B | null>;
  version(resource: B): number;
}

export interface WriteStep<T> {
  resourceType: ResourceKind;
  id: string;
  /** the audit row's method (POST, PUT, PATCH, DELETE; RESTORE for a compensation) and status */
  method: string;
  status: number;
  /** the change; null = it found the resource changed meanwhile: nothing is recorded or queued */
  change(run: SqlRunner): Promise<T | null>;
  /** the member delta of a group change (none for users) */
  members?(result: T): MemberChange;
}

export class WritePipeline {
  constructor(private readonly deps: WritePipelineDeps) {}

  /** One transaction: the change, its audit row and the provisioning work it implies. */
  write<T>(ctx: WriteContext, step: WriteStep<T>): Promise<T | null> {
    return this.deps.transaction(async (run) => {
      const result = await step.change(run);
      if (result === null) return null;
      const members = step.members?.(result);
      await this.deps.audit(run, {
        requestId: ctx.requestId,
        tokenId: ctx.tokenId,
        method: step.method,
        path: ctx.path,
        resourceType: step.resourceType,
        resourceId: step.id,
        status: step.status,
        detail:
          members && members.added.length + members.removed.length > 0
            ? { membersAdded: members.added.length, membersRemoved: members.removed.length }
            : undefined,
      });
      await this.enqueue(run, ctx.requestId, step.resourceType, step.id, members);
      return result;
    });
  }

  /**
   * Read-modify-write with optimistic concurrency: `attempt` computes the new state from the version read and writes
   * it only if nobody changed the resource meanwhile (null otherwise); then it runs again from a fresh read. With
   * If-Match the version read must stay the one named, so a concurrent change is a 412.
   */
  async versioned<B, R>(
    p: CurrentResource<B> & { attempt(before: B): Promise<R | null> },
  ): Promise<{ before: B; result: R }> {
    for (let attempt = 1; ; attempt++) {
      const before = await this.current(p);
      const result = await p.attempt(before);
      if (result !== null) return { before, result };
      if (p.ifMatch !== undefined)
        throw new VersionMismatch(`${p.resourceType} ${p.id} was changed concurrently.`);
      if (attempt >= MAX_WRITE_ATTEMPTS) throw new ConcurrentChange(p.resourceType, p.id);
    }
  }

  /** The resource as it is now: 404 when it does not exist, 412 when If-Match names another version (RFC 7644 §3.14). */
  async current<B>(p: CurrentResource<B>): Promise<B> {
    const found = await p.read();
    if (found === null) throw new ResourceNotFound(p.resourceType, p.id);
    versionPrecondition(p.ifMatch, p.version(found));
    return found;
  }

  /**
   * ADR 0003: waits (bounded) for the upstream outcome of the request. On a permanent rejection the change is undone
   * (`undo` gets the compensation's own context) and the IdP is answered the rejection; work still retrying at the
   * deadline stays queued and the IdP gets its success answer.
   */
  async settle(ctx: WriteContext, undo: (compensation: WriteContext) => Promise<void>): Promise<void> {
    const { provisioning } = this.deps;
    if (provisioning.targets.length === 0) return;
    const outcome = await provisioning.awaitRequest(ctx.requestId, this.deps.deadlineMs);
    if (outcome.state !== 'rejected') return;
    await undo(compensationOf(ctx));
    throw new UpstreamRejected(provisioning.labelOf(outcome.target), outcome.status, outcome.message);
  }

  /** Provisioning work for members added to a group inside a write's transaction (a restored user's groups). */
  enqueueMembers(run: SqlRunner, ctx: WriteContext, groupId: string, added: string[]): Promise<void> {
    return this.deps.provisioning.enqueueGroup(run, { requestId: ctx.requestId, groupId, added });
  }

  private async enqueue(
    run: SqlRunner,
    requestId: string,
    resourceType: ResourceKind,
    id: string,
    members: MemberChange | undefined,
  ): Promise<void> {
    if (resourceType === 'User') {
      await this.deps.provisioning.enqueueUser(run, { requestId, userId: id });
      return;
    }
    await this.deps.provisioning.enqueueGroup(run, {
      requestId,
      groupId: id,
      added: members?.added ?? [],
      removed: members?.removed ?? [],
    });
  }
}

/** The context of a compensating write: the bridge's own action, linked to the request it undoes. */
export function compensationOf(ctx: WriteContext): WriteContext {
  return { ...ctx, requestId: `${ctx.requestId}:undo` };
}
