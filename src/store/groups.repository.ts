// SCIM groups. Members are rows of GroupMember, so that adding or removing one member of a 20 000-member group is
// one insert or delete, never a rewrite of the whole list (../shared/NOTES.md deviation 10).
import type { DatabaseHandle, Tx } from './database.js';
import { toPrismaWhere, type IndexPredicate } from './index-predicate.js';

export interface GroupRecordInput {
  displayName: string;
  externalId?: string | undefined;
  /** other SCIM attributes, without id/meta/members */
  data: Record<string, unknown>;
}

export interface StoredGroup {
  id: string;
  displayName: string;
  externalId: string | null;
  data: Record<string, unknown>;
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

export interface MemberRef {
  value: string;
  display?: string | undefined;
}

export interface GroupSortColumn {
  column: 'displayNameLower' | 'externalId' | 'createdAt' | 'updatedAt' | 'id';
  descending: boolean;
}

interface GroupRow {
  id: string;
  displayName: string;
  externalId: string | null;
  data: string;
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

const ROW_SELECT = {
  id: true,
  displayName: true,
  externalId: true,
  data: true,
  version: true,
  createdAt: true,
  updatedAt: true,
} as const;

function toStoredGroup(row: GroupRow): StoredGroup {
  return { ...row, data: JSON.parse(row.data) as Record<string, unknown> };
}

function columns(input: GroupRecordInput) {
  return {
    displayName: input.displayName,
    displayNameLower: input.displayName.toLowerCase(),
    externalId: input.externalId ?? null,
    data: JSON.stringify(input.data),
  };
}

/** SQLite allows at most 32 766 bound parameters per statement; stay far below it. */
const CHUNK = 500;
function chunks<T>(items: T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += CHUNK) out.push(items.slice(i, i + CHUNK));
  return out;
}

export class GroupsRepository {
  constructor(private readonly handle: DatabaseHandle) {}

  private get db() {
    return this.handle.db;
  }

  async get(id: string, tx?: Tx): Promise<StoredGroup | null> {
    const row = await (tx ?? this.db).scimGroup.findUnique({ where: { id }, select: ROW_SELECT });
    return row ? toStoredGroup(row) : null;
  }

  async existingIds(ids: string[], tx?: Tx): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const rows = await (tx ?? this.db).scimGroup.findMany({ where: { id: { in: ids } }, select: { id: true } });
    return new Set(rows.map((r) => r.id));
  }

  /** Members with their display (the user's displayName, else userName), in the order they were added. */
  async membersOf(groupIds: string[], tx?: Tx): Promise<Map<string, MemberRef[]>> {
    const result = new Map<string, MemberRef[]>(groupIds.map((id) => [id, []]));
    if (groupIds.length === 0) return result;
    const rows = await (tx ?? this.db).groupMember.findMany({
      where: groupIds.length === 1 ? { groupId: groupIds[0] } : { groupId: { in: groupIds } },
      select: { groupId: true, userId: true, display: true, user: { select: { displayName: true, userName: true } } },
      orderBy: [{ createdAt: 'asc' }, { userId: 'asc' }],
    });
    for (const row of rows) {
      result
        .get(row.groupId)
        ?.push({ value: row.userId, display: row.display ?? row.user.displayName ?? row.user.userName });
    }
    return result;
  }

  async insert(tx: Tx, id: string, input: GroupRecordInput): Promise<StoredGroup> {
    return toStoredGroup(await tx.scimGroup.create({ data: { id, ...columns(input) }, select: ROW_SELECT }));
  }

  /** Updates attributes and bumps the version if it is still `expectedVersion`; null when it changed meanwhile. */
  async updateIfVersion(
    tx: Tx,
    id: string,
    expectedVersion: number,
    input: GroupRecordInput,
  ): Promise<StoredGroup | null> {
    const { count } = await tx.scimGroup.updateMany({
      where: { id, version: expectedVersion },
      data: { ...columns(input), version: { increment: 1 } },
    });
    return count === 0 ? null : this.get(id, tx);
  }

  /**
   * Marks a change that touched only memberships: bumps version and lastModified atomically, with no version
   * check, so concurrent member changes (each a row insert/delete) never conflict with one another.
   */
  async touch(tx: Tx, id: string): Promise<StoredGroup | null> {
    const { count } = await tx.scimGroup.updateMany({ where: { id }, data: { version: { increment: 1 } } });
    return count === 0 ? null : this.get(id, tx);
  }

  async delete(tx: Tx, id: string): Promise<boolean> {
    const { count } = await tx.scimGroup.deleteMany({ where: { id } });
    return count > 0;
  }

  /**
   * Adds members that are not members yet, with the `display` the IdP sent (if any); returns the user ids actually
   * added. A display sent again for an existing member replaces the stored one.
   */
  async addMembers(tx: Tx, groupId: string, userIds: string[], displays: Record<string, string> = {}): Promise<string[]> {
    const wanted = [...new Set(userIds)];
    const added: string[] = [];
    for (const part of chunks(wanted)) {
      const existing = await tx.groupMember.findMany({
        where: { groupId, userId: { in: part } },
        select: { userId: true },
      });
      const present = new Set(existing.map((e) => e.userId));
      const missing = part.filter((id) => !present.has(id));
      if (missing.length > 0) {
        await tx.groupMember.createMany({
          data: missing.map((userId) => ({ groupId, userId, display: displays[userId] ?? null })),
        });
        added.push(...missing);
      }
      for (const userId of part.filter((id) => present.has(id) && displays[id] !== undefined)) {
        await tx.groupMember.updateMany({ where: { groupId, userId }, data: { display: displays[userId] } });
      }
    }
    return added;
  }

  /** Whether a present member would get a `display` other than its stored one (a change of the group). */
  async displaysDiffer(tx: Tx, groupId: string, displays: Record<string, string> = {}): Promise<boolean> {
    for (const part of chunks(Object.keys(displays))) {
      const rows = await tx.groupMember.findMany({
        where: { groupId, userId: { in: part } },
        select: { userId: true, display: true },
      });
      if (rows.some((r) => r.display !== displays[r.userId])) return true;
    }
    return false;
  }

  /** Removes members; returns the user ids that were members. */
  async removeMembers(tx: Tx, groupId: string, userIds: string[]): Promise<string[]> {
    const removed: string[] = [];
    for (const part of chunks([...new Set(userIds)])) {
      const existing = await tx.groupMember.findMany({
        where: { groupId, userId: { in: part } },
        select: { userId: true },
      });
      if (existing.length === 0) continue;
      const ids = existing.map((e) => e.userId);
      await tx.groupMember.deleteMany({ where: { groupId, userId: { in: ids } } });
      removed.push(...ids);
    }
    return removed;
  }

  /** Makes the member list exactly `userIds`; returns what was added and removed. */
  async setMembers(
    tx: Tx,
    groupId: string,
    userIds: string[],
    displays: Record<string, string> = {},
  ): Promise<{ added: string[]; removed: string[] }> {
    const current = await tx.groupMember.findMany({ where: { groupId }, select: { userId: true } });
    const wanted = new Set(userIds);
    const toRemove = current.map((c) => c.userId).filter((id) => !wanted.has(id));
    const removed = await this.removeMembers(tx, groupId, toRemove);
    const added = await this.addMembers(tx, groupId, [...wanted], displays);
    return { added, removed };
  }

  count(predicate: IndexPredicate | null): Promise<number> {
    return this.db.scimGroup.count({ where: predicate ? toPrismaWhere(predicate) : {} });
  }

  async page(
    predicate: IndexPredicate | null,
    sort: GroupSortColumn | null,
    offset: number,
    limit: number,
  ): Promise<StoredGroup[]> {
    const direction = sort?.descending ? 'desc' : 'asc';
    const rows = await this.db.scimGroup.findMany({
      where: predicate ? toPrismaWhere(predicate) : {},
      orderBy: sort ? [{ [sort.column]: direction }, { id: 'asc' }] : [{ createdAt: 'asc' }, { id: 'asc' }],
      skip: offset,
      take: limit,
      select: ROW_SELECT,
    });
    return rows.map(toStoredGroup);
  }

  async candidates(predicate: IndexPredicate | null): Promise<StoredGroup[]> {
    const rows = await this.db.scimGroup.findMany({
      where: predicate ? toPrismaWhere(predicate) : {},
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      select: ROW_SELECT,
    });
    return rows.map(toStoredGroup);
  }
}
