// SCIM Users use-cases: validate with the SCIM engine, store with the repositories in one transaction (record,
// audit row, provisioning work), then wait — bounded — for the upstream outcome. Framework-free: the HTTP layer
// only translates requests and responses.
import crypto from 'node:crypto';
import { ScimError } from '../scim/errors.js';
import { applyUserPatch } from '../scim/patch/index.js';
import { normalizeUserInput, primaryEmail } from '../scim/resources.js';
import { renderUser } from '../scim/render.js';
import { compareBy } from '../scim/projection.js';
import { jsonEqual } from '../scim/values.js';
import type { DatabaseHandle } from '../store/database.js';
import { isUniqueViolation } from '../store/sql.js';
import { withSqlTransaction, type SqlRunner } from '../store/sql-runner.js';
import { recordScimRequest } from '../store/audit.repository.js';
import { GroupsRepository } from '../store/groups.repository.js';
import { createUserReads, type UserReads } from '../store/user-reads.js';
import {
  UsersRepository,
  type StoredUser,
  type UserRecordInput,
  type UserSortColumn,
} from '../store/users.repository.js';
import { listResources, type ListQuery, type ListResult } from './list-resources.js';
import type { ProvisioningGateway } from './provisioning-gateway.js';
import { settleUpstream, type WriteContext } from './write-context.js';
import { versionPrecondition } from './preconditions.js';

type Doc = Record<string, unknown>;

/** sortBy (lower-cased) → the column that sorts like SCIM does; a Map, so that no prototype key can match. */
const USER_SORT_COLUMNS = new Map<string, UserSortColumn['column']>([
  ['id', 'id'],
  ['username', 'userNameLower'],
  ['externalid', 'externalId'],
  ['meta.created', 'createdAt'],
  ['meta.lastmodified', 'updatedAt'],
]);

/** How many times a read-modify-write retries when a concurrent request changed the user in between. */
const MAX_WRITE_ATTEMPTS = 5;

/**
 * The stored form of a user. `password` is dropped: neither upstream takes a password from the bridge (AAC invites
 * by email, Server users sign in through Server), so keeping one would only create a secret to protect. A PUT
 * without a password therefore cannot wipe one either (catalog OK-08).
 */
function recordInput(input: Doc): UserRecordInput {
  const { password: _password, ...doc } = input;
  return {
    userName: String(doc.userName),
    externalId: typeof doc.externalId === 'string' ? doc.externalId : undefined,
    displayName: typeof doc.displayName === 'string' ? doc.displayName : undefined,
    email: primaryEmail(doc),
    // RFC 7643 §4.1.1: a user without `active` is treated as active.
    active: doc.active !== false,
    data: doc,
  };
}

function conflict(userName: string): ScimError {
  return new ScimError(409, 'uniqueness', `A user with userName "${userName}" already exists.`);
}

export function notFound(resourceType: string, id: string): ScimError {
  return new ScimError(404, undefined, `${resourceType} ${id} not found.`);
}

export class UsersService {
  readonly repo: UsersRepository;
  private readonly groups: GroupsRepository;

  constructor(
    private readonly handle: DatabaseHandle,
    private readonly provisioning: ProvisioningGateway,
    private readonly upstreamDeadlineMs: number,
    private readonly reads: UserReads = createUserReads(handle),
  ) {
    this.repo = new UsersRepository(handle);
    this.groups = new GroupsRepository(handle);
  }

  close(): void {
    this.reads.close();
  }

  private async renderOne(stored: StoredUser, baseUrl: string): Promise<Doc> {
    const groups = await this.repo.groupsOf([stored.id]);
    return renderUser(stored, groups.get(stored.id) ?? [], baseUrl);
  }

  async render(stored: StoredUser[], baseUrl: string): Promise<Doc[]> {
    const groups = await this.repo.groupsOf(stored.map((s) => s.id));
    return stored.map((s) => renderUser(s, groups.get(s.id) ?? [], baseUrl));
  }

  async get(id: string, baseUrl: string): Promise<Doc> {
    const found = await this.reads.get(id);
    if (!found) throw notFound('User', id);
    return renderUser(found.stored, found.groups, baseUrl);
  }

  async create(body: unknown, ctx: WriteContext): Promise<Doc> {
    const doc = normalizeUserInput(body);
    const id = crypto.randomUUID();
    const stored = await this.write(ctx, 'POST', 201, id, async (run) => {
      try {
        return await this.repo.insert(run, id, recordInput(doc));
      } catch (err) {
        if (isUniqueViolation(err)) throw conflict(doc.userName);
        throw err;
      }
    });
    await settleUpstream(this.provisioning, ctx, this.upstreamDeadlineMs, () => this.undoCreate(id, ctx));
    // A user created just now is in no group yet (nobody knew its id before this response).
    return renderUser(stored, [], ctx.baseUrl);
  }

  /** PUT: the body replaces the resource (RFC 7644 §3.5.1). */
  replace(id: string, body: unknown, ctx: WriteContext, ifMatch?: string): Promise<Doc> {
    const doc = normalizeUserInput(body);
    return this.update(id, ctx, 'PUT', ifMatch, () => doc);
  }

  /** PATCH (RFC 7644 §3.5.2), applied to the stored resource. */
  patch(id: string, body: unknown, ctx: WriteContext, ifMatch?: string): Promise<Doc> {
    return this.update(id, ctx, 'PATCH', ifMatch, (current) =>
      normalizeUserInput(applyUserPatch(current, body, { id })),
    );
  }

  async delete(id: string, ctx: WriteContext, ifMatch?: string): Promise<void> {
    const found = await this.reads.get(id);
    if (!found) throw notFound('User', id);
    const before = found.stored;
    versionPrecondition(ifMatch, before.version);
    const groupIds = found.groups.map((g) => g.value);
    await this.write(ctx, 'DELETE', 204, id, async (run) => {
      if (!(await this.repo.delete(run, id))) throw notFound('User', id);
    });
    await settleUpstream(this.provisioning, ctx, this.upstreamDeadlineMs, () =>
      this.restore(before, ctx, groupIds),
    );
  }

  list(query: ListQuery, baseUrl: string): Promise<ListResult> {
    return listResources<StoredUser, UserSortColumn>(
      'User',
      query,
      {
        count: (p) => this.repo.count(p),
        page: (p, sort, offset, limit) => this.repo.page(p, sort, offset, limit),
        candidates: (p) => this.repo.candidates(p),
        sortColumn: (sortBy, descending) => {
          const column = USER_SORT_COLUMNS.get(sortBy.toLowerCase());
          return column ? { column, descending } : null;
        },
        render: (stored) => this.render(stored, baseUrl),
        compare: (sortBy, descending) => compareBy(sortBy, descending ? 'descending' : 'ascending', 'User'),
        lookup: (predicate) => {
          if (!('column' in predicate) || predicate.op !== 'eq' || typeof predicate.value !== 'string')
            return null;
          const column = predicate.column;
          if (column !== 'id' && column !== 'userNameLower' && column !== 'externalId') return null;
          return this.reads
            .findBy(column, predicate.value)
            .then((found) => found.map((f) => renderUser(f.stored, f.groups, baseUrl)));
        },
      },
      this.handle.provider,
    );
  }

  /**
   * Read-modify-write with optimistic concurrency: the new document is computed from the version read, and
   * written only if nobody changed the user meanwhile (else recomputed). With If-Match, a mismatch is a 412.
   */
  private async update(
    id: string,
    ctx: WriteContext,
    method: 'PUT' | 'PATCH',
    ifMatch: string | undefined,
    compute: (current: Doc) => Doc,
  ): Promise<Doc> {
    for (let attempt = 1; ; attempt++) {
      const before = (await this.reads.get(id))?.stored;
      if (!before) throw notFound('User', id);
      versionPrecondition(ifMatch, before.version);
      const doc = compute(before.data);
      const input = recordInput(doc);
      const stored = await this.write(ctx, method, 200, id, async (run) => {
        if (jsonEqual(input.data, before.data)) {
          // Nothing changes (a repeated add, the same PUT again): RFC 7644 §3.5.2.1 "SHALL NOT change the modify
          // timestamp", so version and lastModified stay (catalog RX-03, RM-02). The audit row and the reconcile
          // job are still written, as for any request.
          return (await this.repo.versionOf(run, id)) === before.version ? before : null;
        }
        try {
          return await this.repo.replaceIfVersion(run, id, before.version, input);
        } catch (err) {
          if (isUniqueViolation(err)) throw conflict(String(doc.userName));
          throw err;
        }
      });
      if (!stored) {
        // The user changed between our read and our write: an If-Match on the version read no longer holds.
        if (ifMatch !== undefined)
          throw new ScimError(412, undefined, `User ${id} was changed concurrently.`);
        if (attempt < MAX_WRITE_ATTEMPTS) continue;
        throw new ScimError(409, undefined, `User ${id} is being changed concurrently; retry the request.`);
      }
      await settleUpstream(this.provisioning, ctx, this.upstreamDeadlineMs, () => this.restore(before, ctx));
      return this.renderOne(stored, ctx.baseUrl);
    }
  }

  /** One transaction: the change, its audit row and the provisioning work it implies. */
  private write<T>(
    ctx: WriteContext,
    method: string,
    status: number,
    id: string,
    change: (run: SqlRunner) => Promise<T>,
  ): Promise<T> {
    return withSqlTransaction(this.handle, async (run) => {
      const result = await change(run);
      await recordScimRequest(run, {
        requestId: ctx.requestId,
        tokenId: ctx.tokenId,
        method,
        path: ctx.path,
        resourceType: 'User',
        resourceId: id,
        status,
      });
      await this.provisioning.enqueueUser(run, { requestId: ctx.requestId, userId: id });
      return result;
    });
  }

  /** Compensation for a create an upstream rejected: the user goes away again, here and wherever it got to. */
  private async undoCreate(id: string, ctx: WriteContext): Promise<void> {
    await this.write({ ...ctx, requestId: `${ctx.requestId}:undo` }, 'DELETE', 204, id, (run) =>
      this.repo.delete(run, id),
    );
  }

  /**
   * Compensation for an update or delete an upstream rejected: the previous state comes back (for a delete, with
   * its creation time and group memberships), and reconcile work undoes what other targets already did.
   */
  private async restore(before: StoredUser, ctx: WriteContext, groupIds: string[] = []): Promise<void> {
    const undo = { ...ctx, requestId: `${ctx.requestId}:undo` };
    await this.write(undo, 'RESTORE', 200, before.id, async (run) => {
      const input = recordInput(before.data);
      const version = await this.repo.versionOf(run, before.id);
      if (version !== null) {
        await this.repo.replaceIfVersion(run, before.id, version, input);
        return;
      }
      await this.repo.insert(run, before.id, input, before.createdAt);
      const groups = await this.groups.existingIds(groupIds, run);
      for (const groupId of groupIds.filter((id) => groups.has(id))) {
        const added = await this.groups.addMembers(run, groupId, [before.id]);
        if (added.length > 0)
          await this.provisioning.enqueueGroup(run, { requestId: undo.requestId, groupId, added });
      }
    });
  }
}
