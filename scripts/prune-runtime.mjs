#!/usr/bin/env node
// Trims node_modules for the runtime image after `npm prune --omit=dev --omit=optional` (Dockerfile, and
// test/deploy/image.test.ts, which runs the bridge from the result). @prisma/client ships the query engines and
// compilers of every database and platform (about 70 MB); the generated clients of this project (engineType
// "client", driver adapters) import only runtime/client and the SQLite and PostgreSQL query compilers. better-sqlite3,
// built from source, keeps its SQLite sources and object files next to the one addon it loads (about 25 MB).
//   node scripts/prune-runtime.mjs [node_modules folder]   (default ./node_modules)
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(process.argv[2] ?? 'node_modules');
const runtime = path.join(root, '@prisma', 'client', 'runtime');
const KEEP =
  /^(client|index-browser)\.(m?js|d\.m?ts)$|^query_compiler_bg\.(sqlite|postgresql)\.(m?js|wasm-base64\.m?js)$/;

let removed = 0;
let bytes = 0;
for (const name of fs.existsSync(runtime) ? fs.readdirSync(runtime) : []) {
  if (KEEP.test(name)) continue;
  const file = path.join(runtime, name);
  if (!fs.statSync(file).isFile()) continue;
  bytes += fs.statSync(file).size;
  fs.rmSync(file);
  removed++;
}
// better-sqlite3 loads build/Release/better_sqlite3.node through `bindings`; the rest is build input and output.
const sqlite = path.join(root, 'better-sqlite3');
for (const rel of [
  'deps',
  'src',
  'build/deps',
  'build/Release/obj',
  'build/Release/obj.target',
  'build/Release/.deps',
  'build/Release/sqlite3.a',
  'build/Release/test_extension.node',
]) {
  const target = path.join(sqlite, rel);
  if (!fs.existsSync(target)) continue;
  bytes += sizeOf(target);
  fs.rmSync(target, { recursive: true, force: true });
  removed++;
}

function sizeOf(target) {
  const stat = fs.statSync(target);
  if (!stat.isDirectory()) return stat.size;
  return fs.readdirSync(target).reduce((sum, name) => sum + sizeOf(path.join(target, name)), 0);
}

process.stdout.write(
  `prune-runtime: removed ${removed} files and folders the runtime does not load (${Math.round(bytes / 1048576)} MB)\n`,
);
