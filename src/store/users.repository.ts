// SCIM users as the bridge's system of record. The full resource is kept as JSON text; the attributes that
// filters, uniqueness and the upstream targets need are kept again as indexed columns.
import type { DatabaseHandle } from './database.js';
import { toPrismaWhere, type IndexPredicate } from './index-predicate.js';
import { inChunks } from './provisioning/read.js';
import { list, sql } from './sql.js';
import { column, selectRows } from './rows.js';
import type { SqlRunner } from './sql-runner.js';

/** What the SCIM layer stores for a user (derived columns computed by the caller from the resource). */
export interface UserRecordInput {
  userName: string;
  externalId?: string | undefined;
  displayName?: string | undefined;
  /** primary-else-first email, else userName; stored lower-cased */
  email?: string | undefined;
  active: boolean;
  /** the SCIM resource without id/meta/groups */
  data: Record<string, unknown>;
}

export interface StoredUser {
  id: string;
  data: Record<string, unknown>;
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

export interface GroupRef {
  value: string;
  display: string;
}

export interface UserSortColumn {
  column: 'userNameLower' | 'externalId' | 'displayName' | 'createdAt' | 'updatedAt' | 'id' | 'emailLower';
  descending: boolean;
}

interface UserRow {
  id: string;
  data: string;
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

const ROW_SELECT = { id: true, data: true, version: true, createdAt: true, updatedAt: true } as const;
/** The same columns read from raw SQL (./rows.ts). */
export const USER_ROW = {
  id: column.text,
  data: column.text,
  version: column.int,
  createdAt: column.date,
  updatedAt: column.date,
};

export function toStoredUser(row: UserRow): StoredUser {
  return {
    id: row.id,
    data: JSON.parse(row.data) as Record<string, unknown>,
    version: row.version,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

function columns(input: UserRecordInput) {
  return {
    userName: input.userName,
    userNameLower: input.userName.toLowerCase(),
    externalId: input.externalId ?? null,
    displayName: input.displayName ?? null,
    emailLower: input.email?.toLowerCase() ?? null,
    active: input.active,
    data: JSON.stringify(input.data),
  };
}

export class UsersRepository {
  constructor(private readonly handle: DatabaseHandle) {}

  private get db() {
    return this.handle.db;
  }

  async get(id: string): Promise<StoredUser | null> {
    const row = await this.db.scimUser.findUnique({ where: { id }, select: ROW_SELECT });
    return row ? toStoredUser(row) : null;
  }

  /** The groups a user is a member of (SCIM `groups`, read-only and computed). */
  async groupsOf(userIds: string[]): Promise<Map<string, GroupRef[]>> {
    const result = new Map<string, GroupRef[]>();
    if (userIds.length === 0) return result;
    const rows = await this.db.groupMember.findMany({
      where: userIds.length === 1 ? { userId: userIds[0] } : { userId: { in: userIds } },
      select: { userId: true, group: { select: { id: true, displayName: true } } },
    });
    for (const row of rows) {
      const list = result.get(row.userId) ?? [];
      list.push({ value: row.group.id, display: row.group.displayName });
      result.set(row.userId, list);
    }
    return result;
  }

  /**
   * The writes run as raw statements on the caller's SqlRunner (docs/decisions/0006-hot-write-path.md): every
   * created user and every IdP PATCH/PUT takes them. A taken userName fails on the unique index of userNameLower
   * (isUniqueViolation).
   */
  async insert(run: SqlRunner, id: string, input: UserRecordInput, createdAt?: Date): Promise<StoredUser> {
    const c = columns(input);
    const now = new Date();
    const created = createdAt ?? now;
    await run.execute(sql`INSERT INTO "ScimUser" (id, "userName", "userNameLower", "externalId", "displayName",
      "emailLower", active, data, version, "createdAt", "updatedAt")
      VALUES (${id}, ${c.userName}, ${c.userNameLower}, ${c.externalId}, ${c.displayName}, ${c.emailLower},
        ${c.active}, ${c.data}, 1, ${created}, ${now})`);
    return {
      id,
      data: JSON.parse(c.data) as Record<string, unknown>,
      version: 1,
      createdAt: created,
      updatedAt: now,
    };
  }

  /** Replaces the record if its version is still `expectedVersion`; null when it changed or vanished meanwhile. */
  async replaceIfVersion(
    run: SqlRunner,
    id: string,
    expectedVersion: number,
    input: UserRecordInput,
  ): Promise<StoredUser | null> {
    const c = columns(input);
    const [row] = await selectRows(
      run,
      USER_ROW,
      sql`UPDATE "ScimUser" SET "userName" = ${c.userName},
        "userNameLower" = ${c.userNameLower}, "externalId" = ${c.externalId}, "displayName" = ${c.displayName},
        "emailLower" = ${c.emailLower}, active = ${c.active}, data = ${c.data}, version = version + 1,
        "updatedAt" = ${new Date()}
      WHERE id = ${id} AND version = ${expectedVersion}
      RETURNING id, data, version, "createdAt", "updatedAt"`,
    );
    return row ? toStoredUser(row) : null;
  }

  /** The stored version, read inside the caller's transaction; null when the user is gone. */
  async versionOf(run: SqlRunner, id: string): Promise<number | null> {
    const [row] = await selectRows(
      run,
      { version: column.int },
      sql`SELECT version FROM "ScimUser" WHERE id = ${id}`,
    );
    return row ? row.version : null;
  }

  /** Memberships go with the user (GroupMember's foreign key cascades). */
  async delete(run: SqlRunner, id: string): Promise<boolean> {
    return (await run.execute(sql`DELETE FROM "ScimUser" WHERE id = ${id}`)) > 0;
  }

  /** The ids that are users, read in the caller's transaction. */
  async existingIds(ids: string[], run: SqlRunner): Promise<Set<string>> {
    const found = new Set<string>();
    for (const part of inChunks([...new Set(ids)])) {
      const rows = await selectRows(
        run,
        { id: column.text },
        sql`SELECT id FROM "ScimUser" WHERE id IN (${list(part)})`,
      );
      for (const row of rows) found.add(row.id);
    }
    return found;
  }

  count(predicate: IndexPredicate | null): Promise<number> {
    return this.db.scimUser.count({ where: predicate ? toPrismaWhere(predicate) : {} });
  }

  /** One page in SQL: used when the filter translated exactly and the sort is on a column. */
  async page(
    predicate: IndexPredicate | null,
    sort: UserSortColumn | null,
    offset: number,
    limit: number,
  ): Promise<StoredUser[]> {
    const direction = sort?.descending ? 'desc' : 'asc';
    const rows = await this.db.scimUser.findMany({
      where: predicate ? toPrismaWhere(predicate) : {},
      orderBy: sort ? [{ [sort.column]: direction }, { id: 'asc' }] : [{ createdAt: 'asc' }, { id: 'asc' }],
      skip: offset,
      take: limit,
      select: ROW_SELECT,
    });
    return rows.map(toStoredUser);
  }

  /** Every candidate for an inexact pre-filter, in creation order; the caller filters, sorts and pages. */
  async candidates(predicate: IndexPredicate | null): Promise<StoredUser[]> {
    const rows = await this.db.scimUser.findMany({
      where: predicate ? toPrismaWhere(predicate) : {},
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      select: ROW_SELECT,
    });
    return rows.map(toStoredUser);
  }
}
