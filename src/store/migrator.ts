// Applies the committed migrations (prisma/<provider>/migrations/NNNN_name/migration.sql) at start-up.
// Prisma's own `migrate deploy` needs a binary engine or a patched driver adapter here (docs/reference/notes.md), so the
// bridge applies the SQL itself: each migration once, in order, inside a transaction, recorded with a checksum in
// `_bridge_migrations`. A changed, already-applied migration stops the start: migrations are append-only.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import pg from 'pg';
import { providerOf, sqlitePath, type Provider } from './database.js';

export interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

/** The project root: the folder holding prisma/, found from this file whether it runs from src/ or dist/. */
function projectRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!fs.existsSync(path.join(dir, 'prisma', 'sqlite', 'migrations'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('prisma/ folder with migrations not found above ' + import.meta.url);
    dir = parent;
  }
  return dir;
}

export function loadMigrations(provider: Provider): Migration[] {
  const dir = path.join(projectRoot(), 'prisma', provider, 'migrations');
  return fs
    .readdirSync(dir)
    .filter((name) => /^\d{4}_/.test(name))
    .sort()
    .map((name) => {
      const sql = fs.readFileSync(path.join(dir, name, 'migration.sql'), 'utf8');
      return { name, sql, checksum: crypto.createHash('sha256').update(sql).digest('hex') };
    });
}

function checkUnchanged(applied: Map<string, string>, migrations: Migration[]): void {
  for (const m of migrations) {
    const checksum = applied.get(m.name);
    if (checksum !== undefined && checksum !== m.checksum) {
      throw new Error(`migration ${m.name} was changed after it was applied; add a new migration instead`);
    }
  }
}

const CREATE_TABLE = `CREATE TABLE IF NOT EXISTS _bridge_migrations (
  name TEXT PRIMARY KEY, checksum TEXT NOT NULL, applied_at TEXT NOT NULL)`;

function migrateSqlite(file: string, migrations: Migration[]): string[] {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const db = new Database(file);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('busy_timeout = 10000');
    db.exec(CREATE_TABLE);
    const done: string[] = [];
    // BEGIN IMMEDIATE takes the write lock first, so two processes starting together apply each migration once.
    const apply = db.transaction(() => {
      const rows = db.prepare('SELECT name, checksum FROM _bridge_migrations').all() as Array<{
        name: string;
        checksum: string;
      }>;
      const applied = new Map(rows.map((r) => [r.name, r.checksum]));
      checkUnchanged(applied, migrations);
      for (const m of migrations.filter((m) => !applied.has(m.name))) {
        db.exec(m.sql);
        db.prepare('INSERT INTO _bridge_migrations (name, checksum, applied_at) VALUES (?, ?, ?)').run(
          m.name,
          m.checksum,
          new Date().toISOString(),
        );
        done.push(m.name);
      }
    });
    apply.immediate();
    return done;
  } finally {
    db.close();
  }
}

async function migratePostgres(url: string, migrations: Migration[]): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('BEGIN');
    // One migrator at a time across replicas; released at COMMIT/ROLLBACK.
    await client.query("SELECT pg_advisory_xact_lock(hashtext('scim-bridge-migrations'))");
    await client.query(CREATE_TABLE);
    const { rows } = await client.query<{ name: string; checksum: string }>(
      'SELECT name, checksum FROM _bridge_migrations',
    );
    const applied = new Map(rows.map((r) => [r.name, r.checksum]));
    checkUnchanged(applied, migrations);
    const done: string[] = [];
    for (const m of migrations.filter((m) => !applied.has(m.name))) {
      await client.query(m.sql); // simple protocol: a multi-statement script runs as one query
      await client.query('INSERT INTO _bridge_migrations (name, checksum, applied_at) VALUES ($1, $2, $3)', [
        m.name,
        m.checksum,
        new Date().toISOString(),
      ]);
      done.push(m.name);
    }
    await client.query('COMMIT');
    return done;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    await client.end();
  }
}

/** Applies pending migrations; returns the names applied now. */
export async function migrate(databaseUrl: string): Promise<string[]> {
  const provider = providerOf(databaseUrl);
  const migrations = loadMigrations(provider);
  return provider === 'sqlite'
    ? migrateSqlite(sqlitePath(databaseUrl), migrations)
    : migratePostgres(databaseUrl, migrations);
}
