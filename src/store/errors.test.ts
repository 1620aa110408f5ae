// The store recognises driver errors by class and code. The errors here are the real ones: an unreachable
// PostgreSQL server (a closed port), a busy SQLite file, a violated unique index.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from './database.js';
import { isDatabaseUnavailable, isUniqueViolation } from './errors.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'store-errors-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

async function caught(work: () => unknown): Promise<unknown> {
  try {
    await work();
  } catch (err) {
    return err;
  }
  throw new Error('expected a failure');
}

describe('isDatabaseUnavailable', () => {
  it('recognises an unreachable PostgreSQL server, through the model API and raw SQL alike', async () => {
    const handle = openDatabase('postgresql://postgres@127.0.0.1:1/nowhere');
    try {
      expect(isDatabaseUnavailable(await caught(() => handle.db.apiToken.findMany()))).toBe(true);
      expect(isDatabaseUnavailable(await caught(() => handle.db.$queryRawUnsafe('SELECT 1')))).toBe(true);
    } finally {
      await handle.close();
    }
  });

  it('recognises a SQLite file another connection holds past the busy timeout', async () => {
    const file = path.join(dir, 'busy.db');
    const holder = new Database(file);
    const waiter = new Database(file, { timeout: 1 });
    try {
      holder.exec('CREATE TABLE t (x); BEGIN IMMEDIATE; INSERT INTO t VALUES (1)');
      const err = await caught(() => waiter.exec('BEGIN IMMEDIATE'));
      expect(isDatabaseUnavailable(err)).toBe(true);
      expect(isUniqueViolation(err)).toBe(false);
    } finally {
      holder.close();
      waiter.close();
    }
  });

  it('does not take a constraint violation or a programming error for an outage', async () => {
    const db = new Database(path.join(dir, 'unique.db'));
    try {
      db.exec('CREATE TABLE t (x UNIQUE); INSERT INTO t VALUES (1)');
      const err = await caught(() => db.exec('INSERT INTO t VALUES (1)'));
      expect(isUniqueViolation(err)).toBe(true);
      expect(isDatabaseUnavailable(err)).toBe(false);
      expect(isDatabaseUnavailable(new TypeError('x is undefined'))).toBe(false);
      expect(isDatabaseUnavailable(new Error("Can't reach database server"))).toBe(false);
    } finally {
      db.close();
    }
  });
});
