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
