#!/usr/bin/env python3
"""Restates in docs/reference/ what the code cites from the shared documents (../shared), so that every citation
resolves inside the repository. Run from the repository root after citing something new:
    python3 scripts/reference-docs.py
The IdP catalog, the upstream contracts, the bridge interface and the notes are restated whole (most of each is
cited), the style guide's section 2. test/docs/citations.test.ts
fails when a citation does not resolve."""
import datetime, os, re, subprocess, sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.path.join(os.path.dirname(ROOT), 'shared')
OUT = os.path.join(ROOT, 'docs', 'reference')
TODAY = datetime.date.today().isoformat()
CASE = re.compile(r'\b(D|A|OK|OG|OS|EN|EG|RF|RP|RX|RE|RM|RS|SC|CE)-(\d+)\b')

def read(rel):
    with open(os.path.join(SHARED, rel), encoding='utf-8') as f:
        return f.read()

def cited_sources():
    files = subprocess.run(['git', 'ls-files', 'src', 'test', 'bench', 'scripts', '*.ts', '*.mjs', 'prisma'],
                           cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    for rel in files:
        if rel.endswith(('.ts', '.mjs', '.prisma', '.sh')) and os.path.isfile(os.path.join(ROOT, rel)):
            with open(os.path.join(ROOT, rel), encoding='utf-8') as f:
                yield f.read()

def header(title, source, why):
    return (f'# {title}\n\nRestated from `{source}` of the project\'s shared documents (as of {TODAY}) so that the '
            f'citations in the code resolve inside this repository. {why} Regenerate with '
            f'`python3 scripts/reference-docs.py`; do not edit by hand.\n\n')

def write(name, text):
    with open(os.path.join(OUT, name), 'w', encoding='utf-8') as f:
        f.write(text.rstrip() + '\n')

def cited_cases():
    cited = set()
    for text in cited_sources():
        cited.update(f'{a}-{b}' for a, b in CASE.findall(text))
    return cited

def whole(name, source, title, why, start=None, end=None):
    text = read(source)
    lines = text.split('\n')
    if start:
        i = next(k for k, l in enumerate(lines) if l.startswith(start))
        j = next((k for k, l in enumerate(lines) if end and k > i and l.startswith(end)), len(lines))
        lines = lines[i:j]
    else:
        lines = lines[1:]  # the shared document's own title
    write(name, header(title, source, why) + '\n'.join(lines))

def main():
    if not os.path.isdir(SHARED):
        sys.exit(f'no shared documents at {SHARED}')
    os.makedirs(OUT, exist_ok=True)
    whole('idp-cases.md', 'idp/CATALOG.md', 'IdP cases: what Okta and Entra send, and what RFC 7643/7644 require',
          'A citation `catalog XX-NN` (or a bare case id such as `RE-14` in a test name) names a case below; '
          '`catalog §N` names a section.')
    catalog = read('idp/CATALOG.md')
    cases = sorted(c for c in cited_cases() if re.search(r'\b' + re.escape(c) + r'\b', catalog))
    whole('upstream-contracts.md', 'upstreams/CONTRACTS.md', 'Upstream contracts: AAC v4 and Alteryx Server v3',
          'Citations `A.x`, `B.x` and `Part D #n` (also `D#n`) name its sections and items.')
    whole('bridge-interface.md', 'BRIDGE-INTERFACE.md', 'The bridge\'s fixed outside interface',
          'Citations of BRIDGE-INTERFACE.md, e.g. "What a SCIM operation does upstream", name its sections.')
    whole('notes.md', 'NOTES.md', 'Notes: dependency versions, Prisma without binaries, scimmy deviations',
          'Citations `NOTES #n` and `deviation n` name the numbered scimmy deviations.')
    whole('style.md', 'STYLE.md', 'Style: layout and direction of dependencies',
          'Citations `STYLE.md §2.x` name the sections below.', start='## 2. ', end='## 3. ')
    print(f'{len(cases)} cited IdP cases resolve; catalog, contracts, interface, notes and style in docs/reference/')

main()
