// SCIM Groups use-cases. Member changes are deltas on GroupMember rows (never a rewrite of the whole list), so
// adding or removing one member of a 20 000-member group costs the same as for a group of two.
import crypto from 'node:crypto';
import { applyGroupPatch } from '../scim/patch/index.js';
import { normalizeGroupInput } from '../scim/resources.js';
import { jsonEqual } from '../scim/values.js';
import { renderGroup } from '../scim/render.js';
import { compareBy } from '../scim/projection.js';
import type { Provider } from '../store/database.js';
import type {
  GroupRecordInput,
  GroupSortColumn,
  GroupsRepository,
  MemberRef,
  StoredGroup,
} from '../store/groups.repository.js';
import type { SqlRunner } from '../store/sql.js';
import type { UsersRepository } from '../store/users.repository.js';
import { InvalidMember, ResourceNotFound } from './errors.js';
import { listResources, type ListQuery, type ListResult } from './list-resources.js';
import { sortColumn, unique } from './resource-helpers.js';
import type { WriteContext } from './write-context.js';
import type { MemberChange, WritePipeline } from './write-pipeline.js';
import type { JsonObject as Doc } from '../scim/values.js';

/** sortBy (lower-cased) → the column that sorts like SCIM does; a Map, so that no prototype key can match. */
const GROUP_SORT_COLUMNS = new Map<string, GroupSortColumn['column']>([
  ['id', 'id'],
  ['displayname', 'displayNameLower'],
  ['externalid', 'externalId'],
  ['meta.created', 'createdAt'],
  ['meta.lastmodified', 'updatedAt'],
]);

interface MemberDelta {
  replaceAll?: string[] | undefined;
  add: string[];
  remove: string[];
  displays?: Record<string, string> | undefined;
}

function recordInput(doc: Doc): GroupRecordInput {
  const { displayName, externalId, members: _members, ...rest } = doc;
  return {
    displayName: String(displayName),
    externalId: typeof externalId === 'string' ? externalId : undefined,
    data: { ...rest, displayName, ...(typeof externalId === 'string' ? { externalId } : {}) },
  };
}

type Stored = { group: StoredGroup } & MemberChange;

export interface GroupsServiceDeps {
  groups: GroupsRepository;
  users: UsersRepository;
  pipeline: WritePipeline;
  provider: Provider;
}

export class GroupsService {
  readonly repo: GroupsRepository;
  private readonly users: UsersRepository;
  private readonly pipeline: WritePipeline;

  constructor(private readonly deps: GroupsServiceDeps) {
    this.repo = deps.groups;
    this.users = deps.users;
    this.pipeline = deps.pipeline;
  }

  /** Renders groups; members are read only when the response will carry them. */
  async render(stored: StoredGroup[], baseUrl: string, withMembers: boolean): Promise<Doc[]> {
    const members = withMembers ? await this.repo.membersOf(stored.map((g) => g.id)) : undefined;
    return stored.map((g) => renderGroup(g, members?.get(g.id), baseUrl));
  }

  async get(id: string, baseUrl: string, withMembers = true): Promise<Doc> {
    const stored = await this.repo.get(id);
    if (!stored) throw new ResourceNotFound('Group', id);
    const members = withMembers ? (await this.repo.membersOf([id])).get(id) : undefined;
    return renderGroup(stored, members, baseUrl);
  }

  async create(body: unknown, ctx: WriteContext): Promise<Doc> {
    const { doc, members, displays } = normalizeGroupInput(body);
    const id = crypto.randomUUID();
    await this.write(ctx, 'POST', 201, id, async (run) => {
      await this.requireUsers(run, members);
      await unique('Group', doc.displayName, () => this.repo.insert(run, id, recordInput(doc)));
      const added = await this.repo.addMembers(run, id, members, displays);
      return { added, removed: [] };
    });
    await this.pipeline.settle(ctx, (undo) => this.undoCreate(id, undo));
    return this.get(id, ctx.baseUrl);
  }

  /** PUT: attributes and the member list are replaced (RFC 7644 §3.5.1). */
  async replace(id: string, body: unknown, ctx: WriteContext, ifMatch?: string): Promise<Doc> {
    const { doc, members, displays } = normalizeGroupInput(body);
    await this.update(id, ctx, 'PUT', ifMatch, () => ({
      doc,
      delta: { replaceAll: members, add: [], remove: [], displays },
    }));
    return this.get(id, ctx.baseUrl);
  }

  /** PATCH (RFC 7644 §3.5.2); returns the stored group after the change. */
  async patch(id: string, body: unknown, ctx: WriteContext, ifMatch?: string): Promise<StoredGroup> {
    return this.update(id, ctx, 'PATCH', ifMatch, (current) => {
      const { group, members } = applyGroupPatch(current, body, { id });
      return { doc: normalizeGroupInput(group).doc, delta: members };
    });
  }

  async delete(id: string, ctx: WriteContext, ifMatch?: string): Promise<void> {
    const before = await this.pipeline.current({
      resourceType: 'Group',
      id,
      ifMatch,
      read: () => this.repo.get(id),
      version: (group) => group.version,
    });
    const memberIds = ((await this.repo.membersOf([id])).get(id) ?? []).map((m) => m.value);
    await this.write(ctx, 'DELETE', 204, id, async (run) => {
      if (!(await this.repo.delete(run, id))) throw new ResourceNotFound('Group', id);
      return { added: [], removed: [] };
    });
    await this.pipeline.settle(ctx, (undo) => this.restore(before, memberIds, undo));
  }

  list(query: ListQuery, baseUrl: string, withMembers: boolean): Promise<ListResult> {
    return listResources<StoredGroup, GroupSortColumn>(
      'Group',
      query,
      {
        count: (p) => this.repo.count(p),
        page: (p, sort, offset, limit) => this.repo.page(p, sort, offset, limit),
        candidates: (p) => this.repo.candidates(p),
        sortColumn: (sortBy, descending) => sortColumn(GROUP_SORT_COLUMNS, sortBy, descending),
        // Filters on members need them; otherwise they are read only when returned.
        render: (stored) => this.render(stored, baseUrl, withMembers || query.filter !== undefined),
        compare: (sortBy, descending) => compareBy(sortBy, descending ? 'descending' : 'ascending', 'Group'),
      },
      this.deps.provider,
    );
  }

  /** PUT and PATCH: a versioned read-modify-write (./write-pipeline.ts) of attributes and member deltas. */
  private async update(
    id: string,
    ctx: WriteContext,
    method: 'PUT' | 'PATCH',
    ifMatch: string | undefined,
    compute: (current: Doc) => { doc: Doc; delta: MemberDelta },
  ): Promise<StoredGroup> {
    const { before, result } = await this.pipeline.versioned({
      resourceType: 'Group',
      id,
      ifMatch,
      read: () => this.repo.get(id),
      version: (group) => group.version,
      attempt: (current) => {
        const { doc, delta } = compute(current.data);
        return this.write(ctx, method, 200, id, async (run) => {
          if (jsonEqual(doc, current.data)) return this.changeMembersOnly(run, id, delta);
          const updated = await unique('Group', String(doc.displayName), () =>
            this.repo.updateIfVersion(run, id, current.version, recordInput(doc)),
          );
          if (!updated) return null;
          return { group: updated, ...(await this.applyDelta(run, id, delta)) };
        });
      },
    });
    await this.pipeline.settle(ctx, (undo) => this.revert(before, result.added, result.removed, undo));
    return result.group;
  }

  /**
   * A change that leaves the attributes as they are. Concurrent member changes must not conflict, so there is no
   * version check; the version (and lastModified) moves only when a membership or a member's display really
   * changed: adding a present member or removing an absent one "SHALL NOT change the modify timestamp"
   * (RFC 7644 §3.5.2.1, catalog OG-09, RX-03, RM-02).
   */
  private async changeMembersOnly(run: SqlRunner, id: string, delta: MemberDelta): Promise<Stored | null> {
    const current = await this.repo.get(id, run);
    if (!current) return null;
    const redisplayed = await this.repo.displaysDiffer(run, id, delta.displays);
    const change = await this.applyDelta(run, id, delta);
    const changed = redisplayed || change.added.length + change.removed.length > 0;
    const group = changed ? await this.repo.touch(run, id) : current;
    return group ? { group, ...change } : null;
  }

  private async applyDelta(run: SqlRunner, groupId: string, delta: MemberDelta): Promise<MemberChange> {
    if (delta.replaceAll) {
      await this.requireUsers(run, delta.replaceAll);
      return this.repo.setMembers(run, groupId, delta.replaceAll, delta.displays);
    }
    const removed = await this.repo.removeMembers(run, groupId, delta.remove);
    await this.requireUsers(run, delta.add);
    const added = await this.repo.addMembers(run, groupId, delta.add, delta.displays);
    return { added, removed };
  }

  /**
   * Members must be users of this bridge (RFC 7644 §3.5.2: value type conformance; catalog RX-23). A group id is
   * refused too, with a detail that says so: neither AAC workspace groups nor Server usergroups nest, and neither
   * Okta Group Push nor Entra sends nested groups (catalog EG-12 only asks that members are the bridge's ids).
   */
  private async requireUsers(run: SqlRunner, userIds: string[]): Promise<void> {
    if (userIds.length === 0) return;
    const existing = await this.users.existingIds(userIds, run);
    const unknown = userIds.filter((id) => !existing.has(id));
    if (unknown.length === 0) return;
    const groups = await this.repo.existingIds(unknown, run);
    if (groups.size > 0) {
      const ids = [...groups].slice(0, 5).join(', ');
      throw new InvalidMember(`Member id(s) ${ids} are groups: nested groups are not supported.`);
    }
    throw new InvalidMember(`Unknown member id(s): ${unknown.slice(0, 5).join(', ')}.`);
  }

  /** The change, its audit row and the provisioning work (with the member delta), in one transaction. */
  private write<T extends MemberChange>(
    ctx: WriteContext,
    method: string,
    status: number,
    id: string,
    change: (run: SqlRunner) => Promise<T | null>,
  ): Promise<T | null> {
    return this.pipeline.write(ctx, {
      resourceType: 'Group',
      id,
      method,
      status,
      change,
      members: (result) => result,
    });
  }

  private async undoCreate(id: string, undo: WriteContext): Promise<void> {
    await this.write(undo, 'DELETE', 204, id, async (run) => {
      await this.repo.delete(run, id);
      return { added: [], removed: [] };
    });
  }

  /** Undo of a rejected update: previous attributes back, and the member delta reversed. */
  private async revert(
    before: StoredGroup,
    added: string[],
    removed: string[],
    undo: WriteContext,
  ): Promise<void> {
    await this.write(undo, 'RESTORE', 200, before.id, async (run) => {
      const current = await this.repo.get(before.id, run);
      if (current) await this.repo.updateIfVersion(run, before.id, current.version, recordInput(before.data));
      const reRemoved = await this.repo.removeMembers(run, before.id, added);
      const stillUsers = await this.users.existingIds(removed, run);
      const reAdded = await this.repo.addMembers(
        run,
        before.id,
        removed.filter((m) => stillUsers.has(m)),
      );
      return { added: reAdded, removed: reRemoved };
    });
  }

  /** Undo of a rejected delete: the group comes back with its members. */
  private async restore(before: StoredGroup, memberIds: string[], undo: WriteContext): Promise<void> {
    await this.write(undo, 'RESTORE', 200, before.id, async (run) => {
      if (!(await this.repo.get(before.id, run)))
        await this.repo.insert(run, before.id, recordInput(before.data));
      const existing = await this.users.existingIds(memberIds, run);
      const added = await this.repo.addMembers(
        run,
        before.id,
        memberIds.filter((m) => existing.has(m)),
      );
      return { added, removed: [] };
    });
  }
}

export type { MemberRef };
