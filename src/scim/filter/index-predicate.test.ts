import { describe, expect, it } from 'vitest';
import { rfUsers, type RfUser } from '../../../test/fixtures/idp/rf-users.js';
import { matchesFilter } from './match.js';
import { parseFilter } from './parser.js';
import { toIndexPredicate, type IndexLeaf, type IndexPredicate } from './index-predicate.js';

/**
 * A reference evaluator with the leaf semantics documented in index-predicate.ts. For `co`/`sw`/`ew` on text
 * columns it ignores case, like SQLite's LIKE, to prove that predicates marked non-exact are still supersets there.
 */
function evaluate(p: IndexPredicate, row: Record<string, unknown>, likeIgnoresCase: boolean): boolean {
  if ('and' in p) return p.and.every((x) => evaluate(x, row, likeIgnoresCase));
  if ('or' in p) return p.or.some((x) => evaluate(x, row, likeIgnoresCase));
  if ('not' in p) return !evaluate(p.not, row, likeIgnoresCase);
  return evalLeaf(p, row, likeIgnoresCase);
}

function evalLeaf(leaf: IndexLeaf, row: Record<string, unknown>, likeIgnoresCase: boolean): boolean {
  let actual = row[leaf.column];
  if (leaf.op === 'pr') return actual !== null && actual !== undefined && actual !== '';
  if (actual === null || actual === undefined) return leaf.op === 'ne';
  let expected: unknown = leaf.value;
  if (actual instanceof Date) actual = actual.getTime();
  if (expected instanceof Date) expected = expected.getTime();
  if (
    likeIgnoresCase &&
    ['co', 'sw', 'ew'].includes(leaf.op) &&
    typeof actual === 'string' &&
    typeof expected === 'string'
  ) {
    actual = actual.toLowerCase();
    expected = expected.toLowerCase();
  }
  const a = actual as string | number | boolean;
  const e = expected as string | number | boolean;
  switch (leaf.op) {
    case 'eq':
      return a === e;
    case 'ne':
      return a !== e;
    case 'co':
      return String(a).includes(String(e));
    case 'sw':
      return String(a).startsWith(String(e));
    case 'ew':
      return String(a).endsWith(String(e));
    case 'gt':
      return a > e;
    case 'ge':
      return a >= e;
    case 'lt':
      return a < e;
    case 'le':
      return a <= e;
  }
}

const FILTERS = [
  'userName eq "bjensen@example.com"',
  'userName eq "BJENSEN@EXAMPLE.COM"',
  'USERNAME EQ "bjensen@example.com"',
  'userName eq "bjensen"',
  'userName ne "bjensen@example.com"',
  'name.familyName co "O\'Malley"',
  'userName sw "J"',
  'userName ew "@example.org"',
  'title pr',
  'title pr and userType eq "Employee"',
  'title pr or userType eq "Intern"',
  'userType eq "Intern" or userType eq "Employee" and title eq "Engineer"',
  'userType eq "Employee" and (emails co "example.com" or emails.value co "example.org")',
  'userType ne "Employee" and not (emails co "example.com" or emails.value co "example.org")',
  'emails[type eq "work" and value co "@example.com"]',
  'emails.value eq "babs@jensen.org"',
  'emails[type eq "work"].value eq "bjensen@example.com"',
  'urn:ietf:params:scim:schemas:core:2.0:User:userName sw "b"',
  'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber eq "701984"',
  'active eq false',
  'active eq "True"',
  'not (active eq true)',
  'meta.lastModified gt "2011-05-13T04:42:34Z"',
  'meta.created ge "2026-01-03T00:00:00Z"',
  'meta.created lt "2026-01-03T00:00:00Z"',
  'meta.created eq "2026-01-03T01:00:00+01:00"',
  'externalId eq "EXT-SEED-0001"',
  'externalId eq "ext-seed-0001"',
  'externalId ne "ext-seed-0001"',
  'externalId co "SEED"',
  'externalId pr',
  'not (externalId pr)',
  'id eq "U0"',
  'id eq "U0" or id eq "U3"',
  'not (id eq "U0" or userName sw "j")',
  'displayName eq "seed user"',
  'displayName pr',
  'userName gt "m"',
  'title eq "Engineer"',
  'userName eq "bjensen@example.com" and title pr',
  'userName eq "bjensen@example.com" or title pr',
];

const row = (u: RfUser): Record<string, unknown> => ({ ...u.columns });

describe('toIndexPredicate: superset always, equal when exact (over the §8 population)', () => {
  it.each(FILTERS)('%s', (filter) => {
    const node = parseFilter(filter);
    const { predicate, exact } = toIndexPredicate(node, 'User');
    const expected = rfUsers.filter((u) => matchesFilter(u.resource, node, 'User')).map((u) => u.key);
    for (const likeIgnoresCase of [false, true]) {
      const candidates = rfUsers
        .filter((u) => predicate === null || evaluate(predicate, row(u), likeIgnoresCase))
        .map((u) => u.key);
      expect(candidates).toEqual(expect.arrayContaining(expected));
      if (exact && !likeIgnoresCase) expect(candidates).toEqual(expected);
    }
  });
});

describe('toIndexPredicate: translations', () => {
  const cases: [string, IndexPredicate | null, boolean][] = [
    [
      'userName eq "BJensen@Example.com"',
      { column: 'userNameLower', op: 'eq', value: 'bjensen@example.com' },
      true,
    ],
    ['externalId eq "Ab-1"', { column: 'externalId', op: 'eq', value: 'Ab-1' }, true],
    ['externalId sw "Ab"', { column: 'externalId', op: 'sw', value: 'Ab' }, false],
    ['id eq "x"', { column: 'id', op: 'eq', value: 'x' }, true],
    ['active eq "False"', { column: 'active', op: 'eq', value: false }, true],
    ['not (active eq false)', { column: 'active', op: 'ne', value: false }, true],
    [
      'meta.created gt "2020-01-01T00:00:00Z"',
      { column: 'createdAt', op: 'gt', value: new Date('2020-01-01T00:00:00Z') },
      true,
    ],
    [
      'meta.lastModified le "2020-01-01T00:00:00Z"',
      { column: 'updatedAt', op: 'le', value: new Date('2020-01-01T00:00:00Z') },
      true,
    ],
    ['emails.value eq "a@b"', null, false],
    ['displayName eq "x"', null, false],
    ['displayName pr', { column: 'displayName', op: 'pr', value: null }, true],
    ['title eq "x"', null, false],
    ['userName eq "a" and title eq "x"', { column: 'userNameLower', op: 'eq', value: 'a' }, false],
    ['userName eq "a" or title eq "x"', null, false],
    [
      'userName eq "a" or externalId eq "b" or id eq "c"',
      {
        or: [
          { column: 'userNameLower', op: 'eq', value: 'a' },
          { column: 'externalId', op: 'eq', value: 'b' },
          { column: 'id', op: 'eq', value: 'c' },
        ],
      },
      true,
    ],
    [
      'not (userName eq "a" or externalId eq "b")',
      {
        and: [
          { column: 'userNameLower', op: 'ne', value: 'a' },
          { column: 'externalId', op: 'ne', value: 'b' },
        ],
      },
      true,
    ],
    ['not (userName co "a")', null, false],
    ['userName gt "a"', null, false],
  ];
  it.each(cases)('User: %s', (filter, predicate, exact) => {
    expect(toIndexPredicate(parseFilter(filter), 'User')).toEqual({ predicate, exact });
  });

  const groupCases: [string, IndexPredicate | null, boolean][] = [
    ['displayName eq "Test SCIMv2"', { column: 'displayNameLower', op: 'eq', value: 'test scimv2' }, true],
    ['members[value eq "U1"]', { column: 'member', op: 'eq', value: 'U1' }, true],
    ['members.value eq "U1"', { column: 'member', op: 'eq', value: 'U1' }, true],
    ['externalId eq "8aa1"', { column: 'externalId', op: 'eq', value: '8aa1' }, true],
    ['members pr', null, false],
    ['members[display eq "x"]', null, false],
  ];
  it.each(groupCases)('Group: %s', (filter, predicate, exact) => {
    expect(toIndexPredicate(parseFilter(filter), 'Group')).toEqual({ predicate, exact });
  });

  it('validates before translating (unknown attribute → 400 invalidFilter)', () => {
    expect(() => toIndexPredicate(parseFilter('nickNam eq "x"'), 'User')).toThrowError(
      expect.objectContaining({ status: 400, scimType: 'invalidFilter' }),
    );
    expect(() => toIndexPredicate(parseFilter('active gt true'), 'User')).toThrowError(
      expect.objectContaining({ status: 400, scimType: 'invalidFilter' }),
    );
  });
});
