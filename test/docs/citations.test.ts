// Every citation in the code resolves inside the repository (docs/reference/, restated from the project's shared
// documents by scripts/reference-docs.py): IdP case ids, upstream contract sections and Part D items, the numbered
// notes, and the reference files themselves. No comment points outside the repository any more.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const reference = (name: string) => fs.readFileSync(path.join(ROOT, 'docs/reference', name), 'utf8');

const SOURCES = execFileSync('git', ['ls-files', 'src', 'test', 'bench', 'scripts', 'eslint.config.mjs'], {
  cwd: ROOT,
  encoding: 'utf8',
})
  .split('\n')
  .filter((f) => /\.(ts|mjs|sh)$/.test(f) && !f.startsWith('src/store/generated/'))
  .filter((f) => fs.existsSync(path.join(ROOT, f)))
  .map((f) => ({ file: f, text: fs.readFileSync(path.join(ROOT, f), 'utf8') }));

function citations(pattern: RegExp): Array<{ file: string; cited: string; groups: string[] }> {
  return SOURCES.flatMap(({ file, text }) =>
    [...text.matchAll(pattern)].map((m) => ({ file, cited: m[0], groups: m.slice(1) })),
  );
}

const unresolved = (found: Array<{ file: string; cited: string }>, resolves: (cited: string) => boolean) => [
  ...new Set(found.filter((c) => !resolves(c.cited)).map((c) => `${c.file}: ${c.cited}`)),
];

describe('citations resolve in docs/reference', () => {
  it('cites no document outside the repository', () => {
    const outside = citations(/\.\.\/shared\/[\w/-]+\.md|\b(?:CONTRACTS|CATALOG|NOTES|STYLE)\.md\b/g).filter(
      (c) => !c.cited.startsWith('docs/reference'),
    );
    expect(outside.map((c) => `${c.file}: ${c.cited}`)).toEqual([]);
  });

  it('names only reference files that exist', () => {
    const files = new Set(fs.readdirSync(path.join(ROOT, 'docs/reference')));
    const found = citations(/docs\/reference\/([\w-]+\.md)/g);
    expect(found.length).toBeGreaterThan(50);
    expect(unresolved(found, (c) => files.has(c.replace('docs/reference/', '')))).toEqual([]);
  });

  it('every IdP case id is a case of the catalog', () => {
    const catalog = reference('idp-cases.md');
    const found = citations(/\b(?:D|A|OK|OG|OS|EN|EG|RF|RP|RX|RE|RM|RS|SC|CE)-\d+\b/g);
    expect(found.length).toBeGreaterThan(100);
    expect(unresolved(found, (id) => new RegExp(`\\b${id}\\b`).test(catalog))).toEqual([]);
  });

  it('every upstream contract section (A.x, B.x) is a heading of the contracts', () => {
    const contracts = reference('upstream-contracts.md');
    const found = citations(/\b[AB]\.\d+(?:\.\d+)*(?![\w.])/g);
    expect(found.length).toBeGreaterThan(100);
    expect(
      unresolved(found, (s) => new RegExp(`^#+ ${s.replace(/\./g, '\\.')}\\b`, 'm').test(contracts)),
    ).toEqual([]);
  });

  it('every Part D item (Part D #n, D#n) is a row of Part D', () => {
    const partD = reference('upstream-contracts.md').split('# PART D')[1] ?? '';
    const found = citations(/(?:Part D #|\bD#)(\d+)/g);
    expect(found.length).toBeGreaterThan(10);
    expect(unresolved(found, (c) => new RegExp(`^\\| ${/\d+/.exec(c)?.[0]} \\|`, 'm').test(partD))).toEqual(
      [],
    );
  });

  it('every numbered note (notes.md #n, deviation n) is an item of the notes', () => {
    const notes = reference('notes.md');
    const found = citations(/(?:notes\.md #|deviation )(\d+)/g);
    expect(found.length).toBeGreaterThan(3);
    expect(unresolved(found, (c) => new RegExp(`^${/\d+/.exec(c)?.[0]}\\. `, 'm').test(notes))).toEqual([]);
  });
});
