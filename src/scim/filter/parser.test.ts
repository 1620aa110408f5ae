import { describe, expect, it } from 'vitest';
import { ScimError } from '../errors.js';
import { parseFilter, parsePatchPath } from './parser.js';
import type { FilterNode } from './ast.js';

/** Compact rendering of the tree, to assert structure and precedence in one string. */
function show(n: FilterNode): string {
  const p = (path: { urn?: string; attr: string; sub?: string }) =>
    (path.urn ? `${path.urn}:` : '') + path.attr + (path.sub ? `.${path.sub}` : '');
  switch (n.kind) {
    case 'and':
      return `(${show(n.left)} AND ${show(n.right)})`;
    case 'or':
      return `(${show(n.left)} OR ${show(n.right)})`;
    case 'not':
      return `NOT ${show(n.filter)}`;
    case 'valuePath':
      return `${p(n.path)}[${show(n.filter)}]`;
    case 'present':
      return `${p(n.path)}${n.where ? `[${show(n.where)}]` : ''} pr`;
    case 'compare':
      return `${p(n.path)}${n.where ? `[${show(n.where)}]` : ''} ${n.op} ${JSON.stringify(n.value)}`;
  }
}

describe('parseFilter: valid filters', () => {
  const cases: [string, string][] = [
    ['userName eq "bjensen"', 'userName eq "bjensen"'],
    ['USERNAME EQ "x"', 'USERNAME eq "x"'],
    ['userName Eq "x"', 'userName eq "x"'],
    ['userName ne "x"', 'userName ne "x"'],
    ['name.familyName co "O\'Malley"', 'name.familyName co "O\'Malley"'],
    ['userName sw "J"', 'userName sw "J"'],
    ['userName ew "@example.org"', 'userName ew "@example.org"'],
    ['meta.lastModified gt "2011-05-13T04:42:34Z"', 'meta.lastModified gt "2011-05-13T04:42:34Z"'],
    ['meta.created ge "2011-05-13T04:42:34Z"', 'meta.created ge "2011-05-13T04:42:34Z"'],
    ['meta.created lt "2011-05-13T04:42:34Z"', 'meta.created lt "2011-05-13T04:42:34Z"'],
    ['meta.created le "2011-05-13T04:42:34Z"', 'meta.created le "2011-05-13T04:42:34Z"'],
    ['title pr', 'title pr'],
    ['active eq false', 'active eq false'],
    ['active eq TRUE', 'active eq true'],
    ['x eq null', 'x eq null'],
    ['age gt 42', 'age gt 42'],
    ['age gt -1.5e2', 'age gt -150'],
    // and binds tighter than or (RFC 7644 §3.4.2.2, catalog RF-12)
    [
      'userType eq "Intern" or userType eq "Employee" and title eq "Engineer"',
      '(userType eq "Intern" OR (userType eq "Employee" AND title eq "Engineer"))',
    ],
    ['a eq "1" and b eq "2" or c eq "3"', '((a eq "1" AND b eq "2") OR c eq "3")'],
    ['a eq "1" and (b eq "2" or c eq "3")', '(a eq "1" AND (b eq "2" OR c eq "3"))'],
    ['a eq "1" or b eq "2" or c eq "3"', '((a eq "1" OR b eq "2") OR c eq "3")'],
    ['not (a eq "1") and b pr', '(NOT a eq "1" AND b pr)'],
    ['not(a eq "1")', 'NOT a eq "1"'],
    [
      'userType ne "Employee" and not (emails co "example.com" or emails.value co "example.org")',
      '(userType ne "Employee" AND NOT (emails co "example.com" OR emails.value co "example.org"))',
    ],
    [
      'emails[type eq "work" and value co "@example.com"]',
      'emails[(type eq "work" AND value co "@example.com")]',
    ],
    [
      'emails[type eq "work"].value eq "user@contoso.com"',
      'emails.value[type eq "work"] eq "user@contoso.com"',
    ],
    ['emails[type eq "work"].value pr', 'emails.value[type eq "work"] pr'],
    ['members[value eq "abc"]', 'members[value eq "abc"]'],
    [
      'urn:ietf:params:scim:schemas:core:2.0:User:userName sw "b"',
      'urn:ietf:params:scim:schemas:core:2.0:User:userName sw "b"',
    ],
    [
      'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber eq "701984"',
      'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber eq "701984"',
    ],
    [
      'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value eq "m1"',
      'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value eq "m1"',
    ],
    ['displayName eq "a \\"quoted\\" name"', 'displayName eq "a \\"quoted\\" name"'],
    ['userName eq "non-existent user"', 'userName eq "non-existent user"'],
    // Entra: `+` for spaces when not decoded, raw quotes
    ['userName+eq+"dale.mohr@romaguera.uk"', 'userName eq "dale.mohr@romaguera.uk"'],
    ['externalId+eq+"a+b"', 'externalId eq "a+b"'],
    // Leniency: unquoted string values (catalog EN-09, Microsoft's suite)
    ['name.FamilyName eq Employee', 'name.FamilyName eq "Employee"'],
    ['externalId eq jyoung', 'externalId eq "jyoung"'],
    ['  userName   eq   "x"  ', 'userName eq "x"'],
    [
      'schemas eq "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"',
      'schemas eq "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"',
    ],
  ];
  it.each(cases)('%s', (text, expected) => {
    expect(show(parseFilter(text))).toBe(expected);
  });
});

describe('parseFilter: malformed filters → 400 invalidFilter (catalog RF-27)', () => {
  const cases: [string, RegExp][] = [
    ['userName', /expected an operator after 'userName'/],
    ['userName eq', /missing value after 'eq'/],
    ['userName zz "x"', /unknown operator 'zz'/],
    ['(userName eq "x"', /missing '\)'/],
    ['userName eq "x")', /unexpected '\)'/],
    ['userName eq "x" and', /expected an expression at the end/],
    ['userName eq "x" or', /expected an expression/],
    ['and userName eq "x"', /unexpected 'and' at position 1/],
    ['userName eq "unterminated', /unterminated string/],
    ['userName eq "bad \\q escape"', /invalid string literal/],
    ['emails[type eq "work"', /missing '\]'/],
    ['emails[]', /empty value filter/],
    ['()', /empty parentheses/],
    ['not userName eq "x"', /'not' must be followed by '\('/],
    ['userName eq "x" "y"', /unexpected 'y'/],
    ['userName eq and', /missing value/],
    ['name.a.b eq "x"', /invalid attribute path/],
    ['"userName" eq "x"', /expected an attribute name/],
    ['userName eq "a\\u0000"', /U\+0000 \(NUL\) in the string literal/],
    ['userName eq a\u0000b', /U\+0000 \(NUL\) at position 14/],
    ['', /empty/],
    ['   ', /empty/],
  ];
  it.each(cases)('%s', (text, message) => {
    let error: unknown;
    try {
      parseFilter(text);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ScimError);
    const e = error as ScimError;
    expect(e.status).toBe(400);
    expect(e.scimType).toBe('invalidFilter');
    expect(e.detail).toMatch(message);
  });
});

describe('parsePatchPath', () => {
  it.each([
    ['title', { attr: 'title' }, false],
    ['name.familyName', { attr: 'name', sub: 'familyName' }, false],
    ['emails[type eq "work"].value', { attr: 'emails', sub: 'value' }, true],
    ['emails[type eq "other"].Value', { attr: 'emails', sub: 'Value' }, true],
    ['members[value eq "7f4b"]', { attr: 'members' }, true],
    [
      'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber',
      { urn: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User', attr: 'employeeNumber' },
      false,
    ],
  ])('%s', (text, path, hasFilter) => {
    const parsed = parsePatchPath(text);
    expect(parsed.path).toEqual(path);
    expect(parsed.filter !== undefined).toBe(hasFilter);
  });

  it.each(['nope[[', 'emails[type eq "work"', 'a.b.c', 'title eq "x"', 'emails[type zz "x"]'])(
    'rejects %s with invalidPath',
    (text) => {
      expect(() => parsePatchPath(text)).toThrowError(
        expect.objectContaining({ status: 400, scimType: 'invalidPath' }),
      );
    },
  );
});

// Issue 8, defect 1: the tokenizer skipped only ASCII white space while words ended at any `\s`, so one of these
// characters between two words made it push empty words forever (a heap exhaustion, not an error).
const UNICODE_WHITE_SPACE = [
  '\u000B',
  '\u000C',
  '\u00A0',
  '\u1680',
  ...Array.from({ length: 11 }, (_, i) => String.fromCharCode(0x2000 + i)),
  '\u2028',
  '\u2029',
  '\u202F',
  '\u205F',
  '\u3000',
  '\uFEFF',
];

describe('defect 1: Unicode white space never hangs the tokenizer', () => {
  it('covers the 21 characters of the report', () => expect(UNICODE_WHITE_SPACE).toHaveLength(21));
  it.each(
    UNICODE_WHITE_SPACE.map((c) => [`U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`, c]),
  )('%s separates words in filters and PATCH paths like a space', (_name, c) => {
    expect(show(parseFilter(`userName${c}eq${c}"x"`))).toBe('userName eq "x"');
    expect(show(parseFilter(`${c}(title pr)${c}and${c}not${c}(a eq 1)${c}`))).toBe(
      '(title pr AND NOT a eq 1)',
    );
    const path = parsePatchPath(`emails[type${c}eq${c}"work"].value`);
    expect(path.path.sub).toBe('value');
    expect(path.filter && show(path.filter)).toBe('type eq "work"');
  });
  it('keeps white space inside string literals', () => {
    expect(show(parseFilter('userName eq "a\u00A0b"'))).toBe('userName eq "a\u00A0b"');
  });
});

describe('defect 2: limits before the recursive descent', () => {
  const limits = { filterLength: 200, filterDepth: 4, filterClauses: 3 };
  const error = (fn: () => unknown): ScimError => {
    try {
      fn();
    } catch (err) {
      if (err instanceof ScimError) return err;
      throw err;
    }
    throw new Error('no error');
  };

  it.each([
    ['(', ')'],
    ['not (', ')'],
  ])(
    'a filter nested 5 000 levels with %s is 400 invalidFilter naming the limit, not a stack overflow',
    (open, close) => {
      const err = error(() => parseFilter(`${open.repeat(5000)}a eq 1${close.repeat(5000)}`));
      expect(err.scimType).toBe('invalidFilter');
      expect(err.detail).toMatch(/BRIDGE_MAX_FILTER_DEPTH/);
    },
  );
  it('10 000 nested value filters in a PATCH path are 400 invalidPath', () => {
    const err = error(() => parsePatchPath(`emails${'[a'.repeat(10_000)}${']'.repeat(10_000)}`));
    expect(err.scimType).toBe('invalidPath');
    expect(err.detail).toMatch(/BRIDGE_MAX_FILTER_DEPTH/);
  });
  it('enforces the configured length, depth and clause limits, each named', () => {
    expect(error(() => parseFilter(`a eq "${'x'.repeat(300)}"`, limits)).detail).toMatch(
      /length \(307\) exceeds the limit of 200 \(BRIDGE_MAX_FILTER_LENGTH\)/,
    );
    expect(error(() => parseFilter('((((((a pr)))))', limits)).detail).toMatch(
      /nesting \(6 levels\) exceeds the limit of 4 \(BRIDGE_MAX_FILTER_DEPTH\)/,
    );
    expect(error(() => parseFilter('a pr or b pr and c pr or d pr', limits)).detail).toMatch(
      /clause count \(4\) exceeds the limit of 3 \(BRIDGE_MAX_FILTER_CLAUSES\)/,
    );
    expect(show(parseFilter('((((a pr))))', limits))).toBe('a pr');
    expect(show(parseFilter('a pr or b pr and c pr', limits))).toBe('(a pr OR (b pr AND c pr))');
  });
  it('a lone surrogate, raw or escaped in a literal, is 400 invalidFilter / invalidPath', () => {
    expect(error(() => parseFilter('displayName co "\\ud800"')).scimType).toBe('invalidFilter');
    expect(error(() => parseFilter('displayName co "\ud800"')).detail).toMatch(/unpaired UTF-16 surrogate/);
    expect(error(() => parsePatchPath('emails[type eq "\\udc00"]')).scimType).toBe('invalidPath');
    // a correctly paired surrogate (an emoji) is ordinary text
    expect(show(parseFilter('displayName co "\\ud83d\\ude00"'))).toBe('displayName co "😀"');
  });
});
