// SCIM Users use-cases: validate with the SCIM engine, store with the repositories in one transaction (record,
// audit row, provisioning work), then wait — bounded — for the upstream outcome. Framework-free: the HTTP layer
// only translates requests and responses.
import crypto from 'node:crypto';
import type { SqlRunner } from '../store/sql.js';
import { applyUserPatch } from '../scim/patch/index.js';
import { normalizeUserInput, primaryEmail } from '../scim/resources.js';
import { renderUser } from '../scim/render.js';
import { compareBy } from '../scim/projection.js';
import { jsonEqual } from '../scim/values.js';
import type { Provider } from '../store/database.js';
import type { GroupsRepository } from '../store/groups.repository.js';
import type { UserReads } from '../store/user-reads.js';
import type {
  StoredUser,
  UserRecordInput,
  UserSortColumn,
  UsersRepository,
} from '../store/users.repository.js';
import { ResourceNotFound } from './errors.js';
import { listResources, type ListQuery, type ListResult } from './list-resources.js';
import { sortColumn, unique } from './resource-helpers.js';
import type { WriteContext } from './write-context.js';
import type { WritePipeline } from './write-pipeline.js';
import type { JsonObject as Doc } from '../scim/values.js';

/** sortBy (lower-cased) → the column that sorts like SCIM does; a Map, so that no prototype key can match. */
const USER_SORT_COLUMNS = new Map<string, UserSortColumn['column']>([
  ['id', 'id'],
  ['username', 'userNameLower'],
  ['externalid', 'externalId'],
  ['meta.created', 'createdAt'],
  ['meta.lastmodified', 'updatedAt'],
]);

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

export interface UsersServiceDeps {
  users: UsersRepository;
  groups: GroupsRepository;
  /** the IdPs' hot reads (ADR 0005) */
  reads: UserReads;
  pipeline: WritePipeline;
  provider: Provider;
}

export class UsersService {
  readonly repo: UsersRepository;
  private readonly groups: GroupsRepository;
  private readonly reads: UserReads;
  private readonly pipeline: WritePipeline;

  constructor(private readonly deps: UsersServiceDeps) {
    this.repo = deps.users;
    this.groups = deps.groups;
    this.reads = deps.reads;
    this.pipeline = deps.pipeline;
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
    if (!found) throw new ResourceNotFound('User', id);
    return renderUser(found.stored, found.groups, baseUrl);
  }

  async create(body: unknown, ctx: WriteContext): Promise<Doc> {
    const doc = normalizeUserInput(body);
    const id = crypto.randomUUID();
    const stored = await this.write(ctx, 'POST', 201, id, (run) =>
      unique('User', doc.userName, () => this.repo.insert(run, id, recordInput(doc))),
    );
    await this.pipeline.settle(ctx, (undo) => this.undoCreate(id, undo));
    // A user created just now is in no group yet (nobody knew its id before this response).
    return renderUser(stored as StoredUser, [], ctx.baseUrl);
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
    const found = await this.pipeline.current({
      resourceType: 'User',
      id,
      ifMatch,
      read: () => this.reads.get(id),
      version: (user) => user.stored.version,
    });
    const before = found.stored;
    const groupIds = found.groups.map((g) => g.value);
    await this.write(ctx, 'DELETE', 204, id, async (run) => {
      if (!(await this.repo.delete(run, id))) throw new ResourceNotFound('User', id);
      return true;
    });
    await this.pipeline.settle(ctx, (undo) => this.restore(before, undo, groupIds));
  }

  list(query: ListQuery, baseUrl: string): Promise<ListResult> {
    return listResources<StoredUser, UserSortColumn>(
      'User',
      query,
      {
        count: (p) => this.repo.count(p),
        page: (p, sort, offset, limit) => this.repo.page(p, sort, offset, limit),
        candidates: (p) => this.repo.candidates(p),
        sortColumn: (sortBy, descending) => sortColumn(USER_SORT_COLUMNS, sortBy, descending),
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
      this.deps.provider,
    );
  }

  /** PUT and PATCH: a versioned read-modify-write (./write-pipeline.ts); With If-Match, a mismatch is a 412. */
  private async update(
    id: string,
    ctx: WriteContext,
    method: 'PUT' | 'PATCH',
    ifMatch: string | undefined,
    compute: (current: Doc) => Doc,
  ): Promise<Doc> {
    const { before, result } = await this.pipeline.versioned({
      resourceType: 'User',
      id,
      ifMatch,
      read: async () => (await this.reads.get(id))?.stored ?? null,
      version: (user) => user.version,
      attempt: (current) => {
        const doc = compute(current.data);
        const input = recordInput(doc);
        return this.write(ctx, method, 200, id, async (run) => {
          if (jsonEqual(input.data, current.data)) {
            // Nothing changes (a repeated add, the same PUT again): RFC 7644 §3.5.2.1 "SHALL NOT change the modify
            // timestamp", so version and lastModified stay (catalog RX-03, RM-02). The audit row and the reconcile
            // job are still written, as for any request.
            return (await this.repo.versionOf(run, id)) === current.version ? current : null;
          }
          return unique('User', String(doc.userName), () =>
            this.repo.replaceIfVersion(run, id, current.version, input),
          );
        });
      },
    });
    await this.pipeline.settle(ctx, (undo) => this.restore(before, undo));
    return this.renderOne(result, ctx.baseUrl);
  }

  private write<T>(
    ctx: WriteContext,
    method: string,
    status: number,
    id: string,
    change: (run: SqlRunner) => Promise<T | null>,
  ): Promise<T | null> {
    return this.pipeline.write(ctx, { resourceType: 'User', id, method, status, change });
  }

  /** Compensation for a create an upstream rejected: the user goes away again, here and wherever it got to. */
  private async undoCreate(id: string, undo: WriteContext): Promise<void> {
    await this.write(undo, 'DELETE', 204, id, async (run) => {
      await this.repo.delete(run, id);
      return true;
    });
  }

  /**
   * Compensation for an update or delete an upstream rejected: the previous state comes back (for a delete, with
   * its creation time and group memberships), and reconcile work undoes what other targets already did.
   */
  private async restore(before: StoredUser, undo: WriteContext, groupIds: string[] = []): Promise<void> {
    await this.write(undo, 'RESTORE', 200, before.id, async (run) => {
      const input = recordInput(before.data);
      const version = await this.repo.versionOf(run, before.id);
      if (version !== null) {
        await this.repo.replaceIfVersion(run, before.id, version, input);
        return true;
      }
      await this.repo.insert(run, before.id, input, before.createdAt);
      const groups = await this.groups.existingIds(groupIds, run);
      for (const groupId of groupIds.filter((id) => groups.has(id))) {
        const added = await this.groups.addMembers(run, groupId, [before.id]);
        if (added.length > 0) await this.pipeline.enqueueMembers(run, undo, groupId, added);
      }
      return true;
    });
  }
}
