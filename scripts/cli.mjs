#!/usr/bin/env node
// `npm run -s cli -- <command>`: the CLI from the sources (through tsx) where tsx and src/ exist (development, so
// the CLI is never older than the code), else from the build (`dist/cli/index.js`: production, the container image,
// where tsx is not installed). Exit code and standard streams are the CLI's own.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const source = path.join(root, 'src', 'cli', 'index.ts');
const built = path.join(root, 'dist', 'cli', 'index.js');
const tsx = path.join(root, 'node_modules', 'tsx');

if (fs.existsSync(source) && fs.existsSync(tsx)) {
  const loader = import.meta.resolve('tsx');
  const run = spawnSync(process.execPath, ['--import', loader, source, ...process.argv.slice(2)], {
    cwd: process.cwd(),
    stdio: 'inherit',
  });
  process.exit(run.status ?? 1);
} else if (fs.existsSync(built)) {
  await import(pathToFileURL(built).href);
} else {
  process.stderr.write('scim-bridge: dist/cli/index.js is missing: run `npm run build` first\n');
  process.exit(1);
}
