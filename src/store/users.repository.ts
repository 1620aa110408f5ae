// SCIM users as the bridge's system of record. The full resource is kept as JSON text; the attributes that
// filters, uniqueness and the upstream targets need are kept again as indexed columns.
import type { DatabaseHandle, Tx } from './database.js';
import { toPrismaWhere, type IndexPredicate } from './index-predicate.js';

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

  async get(id: string, tx?: Tx): Promise<StoredUser | null> {
    const row = await (tx ?? this.db).scimUser.findUnique({ where: { id }, select: ROW_SELECT });
    return row ? toStoredUser(row) : null;
  }

  /** The groups a user is a member of (SCIM `groups`, read-only and computed). */
  async groupsOf(userIds: string[], tx?: Tx): Promise<Map<string, GroupRef[]>> {
    const result = new Map<string, GroupRef[]>();
    if (userIds.length === 0) return result;
    const rows = await (tx ?? this.db).groupMember.findMany({
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

  async insert(tx: Tx, id: string, input: UserRecordInput, createdAt?: Date): Promise<StoredUser> {
    const row = await tx.scimUser.create({
      data: { id, ...columns(input), ...(createdAt ? { createdAt } : {}) },
      select: ROW_SELECT,
    });
    return toStoredUser(row);
  }

  /** Replaces the record if its version is still `expectedVersion`; null when it changed or vanished meanwhile. */
  async replaceIfVersion(
    tx: Tx,
    id: string,
    expectedVersion: number,
    input: UserRecordInput,
  ): Promise<StoredUser | null> {
    const { count } = await tx.scimUser.updateMany({
      where: { id, version: expectedVersion },
      data: { ...columns(input), version: { increment: 1 } },
    });
    if (count === 0) return null;
    return this.get(id, tx);
  }

  async delete(tx: Tx, id: string): Promise<boolean> {
    const { count } = await tx.scimUser.deleteMany({ where: { id } });
    return count > 0;
  }

  async existingIds(ids: string[], tx?: Tx): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const rows = await (tx ?? this.db).scimUser.findMany({ where: { id: { in: ids } }, select: { id: true } });
    return new Set(rows.map((r) => r.id));
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
      orderBy: sort
        ? [{ [sort.column]: direction }, { id: 'asc' }]
        : [{ createdAt: 'asc' }, { id: 'asc' }],
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
