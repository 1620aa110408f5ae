// A migrated database per test file: a temp SQLite file by default; with DATABASE_URL=postgresql://… a fresh
// database on that server (created and dropped here), so files can run in parallel.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { openDatabase, type DatabaseHandle } from '../../src/store/database.js';
import { migrate } from '../../src/store/migrator.js';

export interface TestDatabase {
  url: string;
  handle: DatabaseHandle;
  /** opens a second, independent client on the same database (a second "process") */
  openAnother(): DatabaseHandle;
  dispose(): Promise<void>;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const base = process.env.DATABASE_URL;
  if (base && /^postgres(ql)?:\/\//.test(base)) {
    const name = `prov_test_${crypto.randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: base });
    await admin.connect();
    await admin.query(`CREATE DATABASE "${name}"`);
    await admin.end();
    const url = new URL(base);
    url.pathname = `/${name}`;
    const dbUrl = url.toString();
    await migrate(dbUrl);
    const handles: DatabaseHandle[] = [openDatabase(dbUrl)];
    return {
      url: dbUrl,
      handle: handles[0]!,
      openAnother: () => {
        const h = openDatabase(dbUrl);
        handles.push(h);
        return h;
      },
      dispose: async () => {
        for (const h of handles) await h.close();
        const drop = new pg.Client({ connectionString: base });
        await drop.connect();
        await drop.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
        await drop.end();
      },
    };
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'prov-test-'));
  const url = `file:${path.join(dir, 'bridge.db')}`;
  await migrate(url);
  const handles: DatabaseHandle[] = [openDatabase(url)];
  return {
    url,
    handle: handles[0]!,
    openAnother: () => {
      const h = openDatabase(url);
      handles.push(h);
      return h;
    },
    dispose: async () => {
      for (const h of handles) await h.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
