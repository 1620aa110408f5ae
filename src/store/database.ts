// Creates the Prisma client for the configured database. SQLite (`file:…`) is the default; `postgresql://…` works
// the same. Two clients are generated from one shared model (prisma/schema/models.prisma), one per provider; their
// model APIs are identical, so the rest of the store is typed against the SQLite client and receives either.
import fs from 'node:fs';
import path from 'node:path';
import { PrismaBetterSQLite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient as SqliteClient, Prisma } from './generated/sqlite/client.js';
import { PrismaClient as PostgresClient } from './generated/postgresql/client.js';
import { Mutex } from '../shared/mutex.js';
import { SqliteConnection } from './sqlite-connection.js';

export type Db = SqliteClient;
/** The client handed to the callback of an interactive `$transaction`. */
export type Tx = Prisma.TransactionClient;
export type Provider = 'sqlite' | 'postgresql';
export { Prisma };

export function providerOf(databaseUrl: string): Provider {
  if (databaseUrl.startsWith('file:')) return 'sqlite';
  if (/^postgres(ql)?:\/\//.test(databaseUrl)) return 'postgresql';
  throw new Error(`DATABASE_URL must start with file: or postgresql:// (got ${databaseUrl.split(':')[0]}:…)`);
}

/** `file:./data/bridge.db` → absolute path of the SQLite file, relative paths resolved against the cwd. */
export function sqlitePath(databaseUrl: string): string {
  return path.resolve(databaseUrl.slice('file:'.length).split('?')[0] ?? '');
}

export interface DatabaseHandle {
  db: Db;
  provider: Provider;
  url: string;
  /** SQLite only: the direct connections of the hot write path (./sqlite-connection.ts, ADR 0006); null on PostgreSQL */
  direct: SqliteConnection | null;
  /**
   * Runs `task` alone among this handle's writers on SQLite (the write queue: Prisma transactions and the direct
   * connection's transactions share it, ./transaction.ts); on PostgreSQL at once, concurrently.
   */
  exclusive<T>(task: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export function openDatabase(databaseUrl: string, options: { poolSize?: number } = {}): DatabaseHandle {
  const provider = providerOf(databaseUrl);
  if (provider === 'sqlite') {
    const file = sqlitePath(databaseUrl);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    // WAL lets readers (CLI, auditors) work while the bridge writes; busy_timeout waits out a concurrent writer
    // (another process) instead of failing at once with SQLITE_BUSY.
    const adapter = new PrismaBetterSQLite3({ url: `file:${file}` });
    const db = new SqliteClient({ adapter });
    const direct = new SqliteConnection(file);
    const writeQueue = new Mutex();
    return {
      db,
      provider,
      url: databaseUrl,
      direct,
      exclusive: (task) => writeQueue.run(task),
      close: async () => {
        direct.close();
        await db.$disconnect();
      },
    };
  }
  const adapter = new PrismaPg({ connectionString: databaseUrl, max: options.poolSize ?? 10 });
  const db = new PostgresClient({ adapter }) as unknown as Db;
  return {
    db,
    provider,
    url: databaseUrl,
    direct: null,
    exclusive: (task) => task(),
    close: () => db.$disconnect(),
  };
}
