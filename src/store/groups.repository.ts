// SCIM groups. Members are rows of GroupMember, so that adding or removing one member of a 20 000-member group is
// one insert or delete, never a rewrite of the whole list (docs/reference/notes.md deviation 10).
import type { DatabaseHandle } from './database.js';
import { toPrismaWhere, type IndexPredicate } from './index-predicate.js';
import { inChunks } from './provisioning/read.js';
import { list, rows, sql } from './sql.js';
import { column, selectRows } from './rows.js';
import { prismaRunner, type SqlRunner } from './sql-runner.js';

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

const GROUP_COLUMNS = sql`id, "displayName", "externalId", data, version, "createdAt", "updatedAt"`;
const GROUP_ROW = {
  id: column.text,
  displayName: column.text,
  externalId: column.nullableText,
  data: column.text,
  version: column.int,
  createdAt: column.date,
  updatedAt: column.date,
};
const ID_ROW = { id: column.text };
const MEMBER_ROW = { userId: column.text, display: column.nullableText };

/**
 * Writes (and the reads inside a write) run as raw statements on the caller's SqlRunner, like the user writes
 * (docs/decisions/0006-hot-write-path.md): adding one member to a 20 000-member group is a handful of indexed
 * statements. Lists and member reads for responses stay on Prisma's model API.
 */
export class GroupsRepository {
  constructor(private readonly handle: DatabaseHandle) {}

  private get db() {
    return this.handle.db;
  }

  /** Committed data (outside a write), or the caller's transaction. */
  private reader(run?: SqlRunner): SqlRunner {
    return run ?? this.handle.direct?.reader ?? prismaRunner(this.db);
  }

  async get(id: string, run?: SqlRunner): Promise<StoredGroup | null> {
    const [row] = await selectRows(
      this.reader(run),
      GROUP_ROW,
      sql`SELECT ${GROUP_COLUMNS} FROM "ScimGroup" WHERE id = ${id}`,
    );
    return row ? toStoredGroup(row) : null;
  }

  async existingIds(ids: string[], run?: SqlRunner): Promise<Set<string>> {
    const found = new Set<string>();
    for (const part of inChunks([...new Set(ids)])) {
      const rows = await selectRows(
        this.reader(run),
        ID_ROW,
        sql`SELECT id FROM "ScimGroup" WHERE id IN (${list(part)})`,
      );
      for (const row of rows) found.add(row.id);
    }
    return found;
  }

  /** Members with their display (the user's displayName, else userName), in the order they were added. */
  async membersOf(groupIds: string[]): Promise<Map<string, MemberRef[]>> {
    const result = new Map<string, MemberRef[]>(groupIds.map((id) => [id, []]));
    if (groupIds.length === 0) return result;
    const rows = await this.db.groupMember.findMany({
      where: groupIds.length === 1 ? { groupId: groupIds[0] } : { groupId: { in: groupIds } },
      select: {
        groupId: true,
        userId: true,
        display: true,
        user: { select: { displayName: true, userName: true } },
      },
      orderBy: [{ createdAt: 'asc' }, { userId: 'asc' }],
    });
    for (const row of rows) {
      result
        .get(row.groupId)
        ?.push({ value: row.userId, display: row.display ?? row.user.displayName ?? row.user.userName });
    }
    return result;
  }

  async insert(run: SqlRunner, id: string, input: GroupRecordInput): Promise<StoredGroup> {
    const c = columns(input);
    const now = new Date();
    await run.execute(sql`INSERT INTO "ScimGroup" (id, "displayName", "displayNameLower", "externalId", data, version,
      "createdAt", "updatedAt") VALUES (${id}, ${c.displayName}, ${c.displayNameLower}, ${c.externalId}, ${c.data}, 1,
      ${now}, ${now})`);
    return {
      id,
      displayName: c.displayName,
      externalId: c.externalId,
      data: JSON.parse(c.data) as Record<string, unknown>,
      version: 1,
      createdAt: now,
      updatedAt: now,
    };
  }

  /** Updates attributes and bumps the version if it is still `expectedVersion`; null when it changed meanwhile. */
  async updateIfVersion(
    run: SqlRunner,
    id: string,
    expectedVersion: number,
    input: GroupRecordInput,
  ): Promise<StoredGroup | null> {
    const c = columns(input);
    const [row] = await selectRows(
      run,
      GROUP_ROW,
      sql`UPDATE "ScimGroup" SET "displayName" = ${c.displayName},
        "displayNameLower" = ${c.displayNameLower}, "externalId" = ${c.externalId}, data = ${c.data},
        version = version + 1, "updatedAt" = ${new Date()}
      WHERE id = ${id} AND version = ${expectedVersion} RETURNING ${GROUP_COLUMNS}`,
    );
    return row ? toStoredGroup(row) : null;
  }

  /**
   * Marks a change that touched only memberships: bumps version and lastModified atomically, with no version
   * check, so concurrent member changes (each a row insert/delete) never conflict with one another.
   */
  async touch(run: SqlRunner, id: string): Promise<StoredGroup | null> {
    const [row] = await selectRows(
      run,
      GROUP_ROW,
      sql`UPDATE "ScimGroup" SET version = version + 1,
      "updatedAt" = ${new Date()} WHERE id = ${id} RETURNING ${GROUP_COLUMNS}`,
    );
    return row ? toStoredGroup(row) : null;
  }

  /** Memberships go with the group (GroupMember's foreign key cascades). */
  async delete(run: SqlRunner, id: string): Promise<boolean> {
    return (await run.execute(sql`DELETE FROM "ScimGroup" WHERE id = ${id}`)) > 0;
  }

  private async presentMembers(
    run: SqlRunner,
    groupId: string,
    userIds: string[],
  ): Promise<Map<string, string | null>> {
    const rows = await selectRows(
      run,
      MEMBER_ROW,
      sql`SELECT "userId", display
      FROM "GroupMember" WHERE "groupId" = ${groupId} AND "userId" IN (${list(userIds)})`,
    );
    return new Map(rows.map((r) => [r.userId, r.display]));
  }

  /**
   * Adds members that are not members yet, with the `display` the IdP sent (if any); returns the user ids actually
   * added. A display sent again for an existing member replaces the stored one.
   */
  async addMembers(
    run: SqlRunner,
    groupId: string,
    userIds: string[],
    displays: Record<string, string> = {},
  ): Promise<string[]> {
    const added: string[] = [];
    const now = new Date();
    for (const part of inChunks([...new Set(userIds)])) {
      const present = await this.presentMembers(run, groupId, part);
      const missing = part.filter((id) => !present.has(id));
      if (missing.length > 0) {
        await run.execute(sql`INSERT INTO "GroupMember" ("groupId", "userId", display, "createdAt")
          VALUES ${rows(missing.map((userId) => [groupId, userId, displays[userId] ?? null, now]))}`);
        added.push(...missing);
      }
      for (const userId of part.filter((id) => present.has(id) && displays[id] !== undefined)) {
        await run.execute(sql`UPDATE "GroupMember" SET display = ${displays[userId] ?? null}
          WHERE "groupId" = ${groupId} AND "userId" = ${userId}`);
      }
    }
    return added;
  }

  /** Whether a present member would get a `display` other than its stored one (a change of the group). */
  async displaysDiffer(
    run: SqlRunner,
    groupId: string,
    displays: Record<string, string> = {},
  ): Promise<boolean> {
    for (const part of inChunks(Object.keys(displays))) {
      const present = await this.presentMembers(run, groupId, part);
      if ([...present].some(([userId, display]) => display !== displays[userId])) return true;
    }
    return false;
  }

  /** Removes members; returns the user ids that were members. */
  async removeMembers(run: SqlRunner, groupId: string, userIds: string[]): Promise<string[]> {
    const removed: string[] = [];
    for (const part of inChunks([...new Set(userIds)])) {
      const present = [...(await this.presentMembers(run, groupId, part)).keys()];
      if (present.length === 0) continue;
      await run.execute(
        sql`DELETE FROM "GroupMember" WHERE "groupId" = ${groupId} AND "userId" IN (${list(present)})`,
      );
      removed.push(...present);
    }
    return removed;
  }

  /** Makes the member list exactly `userIds`; returns what was added and removed. */
  async setMembers(
    run: SqlRunner,
    groupId: string,
    userIds: string[],
    displays: Record<string, string> = {},
  ): Promise<{ added: string[]; removed: string[] }> {
    const current = await selectRows(
      run,
      { userId: column.text },
      sql`SELECT "userId" FROM "GroupMember" WHERE "groupId" = ${groupId}`,
    );
    const wanted = new Set(userIds);
    const toRemove = current.map((c) => c.userId).filter((id) => !wanted.has(id));
    const removed = await this.removeMembers(run, groupId, toRemove);
    const added = await this.addMembers(run, groupId, [...wanted], displays);
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
