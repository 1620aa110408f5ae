// Generates the next committed migration for BOTH providers from the change to prisma/schema/*.prisma.
//   npx tsx scripts/new-migration.ts <name>
// Each migration folder keeps a snapshot of the full schema it produced (schema.snapshot.txt), so the next
// migration is a diff between two datamodels: `prisma migrate diff` then needs no database and no shadow
// database, and works offline with the JS engine. Migrations are applied by src/store/migrator.ts at start-up.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const name = process.argv[2];
if (!name || !/^[a-z0-9_]+$/.test(name)) {
  console.error('usage: tsx scripts/new-migration.ts <snake_case_name>');
  process.exit(2);
}

for (const provider of ['sqlite', 'postgresql'] as const) {
  const dir = path.join('prisma', provider);
  const current = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.prisma'))
    .sort((a, b) => (a === 'schema.prisma' ? -1 : b === 'schema.prisma' ? 1 : a.localeCompare(b)))
    .map((f) => fs.readFileSync(path.join(dir, f), 'utf8'))
    .join('\n');
  const migrationsDir = path.join(dir, 'migrations');
  fs.mkdirSync(migrationsDir, { recursive: true });
  const existing = fs
    .readdirSync(migrationsDir)
    .filter((f) => /^\d{4}_/.test(f))
    .sort();
  const last = existing.at(-1);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bridge-migration-'));
  const currentFile = path.join(tmp, 'current.prisma');
  fs.writeFileSync(currentFile, current);
  const from = last
    ? ['--from-schema-datamodel', path.join(migrationsDir, last, 'schema.snapshot.txt')]
    : ['--from-empty'];
  const sql = execFileSync(
    'npx',
    ['prisma', 'migrate', 'diff', ...from, '--to-schema-datamodel', currentFile, '--script'],
    { encoding: 'utf8', env: { ...process.env, PRISMA_PROVIDER: provider } },
  );
  if (!/^\s*(CREATE|ALTER|DROP|INSERT|PRAGMA|UPDATE)/im.test(sql)) {
    console.log(`${provider}: no schema change`);
    continue;
  }
  const folder = path.join(migrationsDir, `${String(existing.length + 1).padStart(4, '0')}_${name}`);
  fs.mkdirSync(folder);
  fs.writeFileSync(path.join(folder, 'migration.sql'), sql);
  fs.writeFileSync(path.join(folder, 'schema.snapshot.txt'), current);
  console.log(`${provider}: wrote ${folder}`);
}
