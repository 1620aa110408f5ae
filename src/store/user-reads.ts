// The hot read paths of the IdPs — GET /Users/{id} and the `userName eq` / `externalId eq` lookups Okta and Entra
// run before every change — answered with ONE query each. On SQLite it runs on the direct read-only better-sqlite3
// connection of ./sql-runner.ts (WAL: readers never wait for the writer, and see only committed data); a Prisma
// query costs ~0.3 ms of CPU (docs/reference/notes.md), the prepared statement a few microseconds. PostgreSQL keeps
// the Prisma path. Decision and numbers: docs/decisions/0005-hot-read-path.md.
import type { DatabaseHandle } from './database.js';
import { sql } from './sql.js';
import { column, selectRows } from './rows.js';
import type { SqlRunner } from './sql-runner.js';
import {
  toStoredUser,
  USER_ROW,
  UsersRepository,
  type GroupRef,
  type StoredUser,
} from './users.repository.js';

export interface UserWithGroups {
  stored: StoredUser;
  groups: GroupRef[];
}

/** Columns a single-value lookup may use; all indexed. */
export type LookupColumn = 'id' | 'userNameLower' | 'externalId';

export interface UserReads {
  get(id: string): Promise<UserWithGroups | null>;
  /** users whose column equals value, in creation order */
  findBy(column: LookupColumn, value: string): Promise<UserWithGroups[]>;
  close(): void;
}

const ROW = { ...USER_ROW, groups: column.text };

const SELECT = sql`SELECT u.id, u.data, u.version, u.createdAt, u.updatedAt,
  (SELECT json_group_array(json_object('value', g.id, 'display', g.displayName))
     FROM GroupMember m JOIN ScimGroup g ON g.id = m.groupId WHERE m.userId = u.id) AS groups
  FROM ScimUser u`;
const ORDER = sql`ORDER BY u.createdAt, u.id`;

/** The direct read-only connection's prepared statements (./sql-runner.ts caches them by text). */
class SqliteUserReads implements UserReads {
  constructor(private readonly reader: SqlRunner) {}

  private static toResult({
    groups,
    ...row
  }: { groups: string } & Parameters<typeof toStoredUser>[0]): UserWithGroups {
    return { stored: toStoredUser(row), groups: JSON.parse(groups) as GroupRef[] };
  }

  async get(id: string): Promise<UserWithGroups | null> {
    const [row] = await selectRows(this.reader, ROW, sql`${SELECT} WHERE u.id = ${id}`);
    return row ? SqliteUserReads.toResult(row) : null;
  }

  async findBy(column: LookupColumn, value: string): Promise<UserWithGroups[]> {
    const where =
      column === 'id'
        ? sql`u.id = ${value}`
        : column === 'userNameLower'
          ? sql`u.userNameLower = ${value}`
          : sql`u.externalId = ${value}`;
    const rows = await selectRows(this.reader, ROW, sql`${SELECT} WHERE ${where} ${ORDER}`);
    return rows.map((r) => SqliteUserReads.toResult(r));
  }

  close(): void {}
}

class PrismaUserReads implements UserReads {
  private readonly repo: UsersRepository;

  constructor(handle: DatabaseHandle) {
    this.repo = new UsersRepository(handle);
  }

  async get(id: string): Promise<UserWithGroups | null> {
    const stored = await this.repo.get(id);
    if (!stored) return null;
    return { stored, groups: (await this.repo.groupsOf([id])).get(id) ?? [] };
  }

  async findBy(column: LookupColumn, value: string): Promise<UserWithGroups[]> {
    const stored = await this.repo.page({ column, op: 'eq', value }, null, 0, 10_000);
    const groups = await this.repo.groupsOf(stored.map((s) => s.id));
    return stored.map((s) => ({ stored: s, groups: groups.get(s.id) ?? [] }));
  }

  close(): void {}
}

export function createUserReads(handle: DatabaseHandle): UserReads {
  return handle.direct ? new SqliteUserReads(handle.direct.reader) : new PrismaUserReads(handle);
}
