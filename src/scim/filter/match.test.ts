import { describe, expect, it } from 'vitest';
import { rfUsers } from '../../../test/fixtures/idp/rf-users.js';
import { renderGroup } from '../render.js';
import { compileFilter, matchesFilter, validateFilter } from './match.js';
import { parseFilter } from './parser.js';

const matching = (filter: string): string[] => {
  const node = parseFilter(filter);
  return rfUsers.filter((u) => matchesFilter(u.resource, node, 'User')).map((u) => u.key);
};

/** catalog §8 RF-01..RF-26, expected ids verbatim (plus the seed and the RF-25 user where they match). */
describe('matchesFilter: catalog RF cases over the §8 population', () => {
  const cases: [string, string, string[]][] = [
    ['RF-01', 'userName eq "bjensen@example.com"', ['bjensen']],
    ['RF-02', 'userName eq "BJENSEN@EXAMPLE.COM"', ['bjensen']],
    ['RF-03a', 'USERNAME EQ "bjensen@example.com"', ['bjensen']],
    ['RF-03b', 'userName Eq "bjensen@example.com"', ['bjensen']],
    ['RF-04', 'userName eq "bjensen"', []],
    ['RF-05', 'userName ne "bjensen@example.com"', ['seed', 'omalley', 'jsmith', 'quoted']],
    ['RF-06', 'name.familyName co "O\'Malley"', ['omalley']],
    ['RF-07', 'userName sw "J"', ['jsmith']],
    ['RF-08', 'userName ew "@example.org"', ['omalley']],
    ['RF-09', 'title pr', ['bjensen', 'jsmith']],
    ['RF-10', 'title pr and userType eq "Employee"', ['bjensen']],
    ['RF-11', 'title pr or userType eq "Intern"', ['bjensen', 'omalley', 'jsmith']],
    ['RF-12', 'userType eq "Intern" or userType eq "Employee" and title eq "Engineer"', ['omalley']],
    [
      'RF-13',
      'userType eq "Employee" and (emails co "example.com" or emails.value co "example.org")',
      ['bjensen'],
    ],
    [
      'RF-14',
      'userType ne "Employee" and not (emails co "example.com" or emails.value co "example.org")',
      ['jsmith', 'quoted'],
    ],
    ['RF-15', 'emails[type eq "work" and value co "@example.com"]', ['seed', 'bjensen']],
    ['RF-16', 'emails.value eq "babs@jensen.org"', ['bjensen']],
    ['RF-17', 'emails eq "babs@jensen.org"', ['bjensen']],
    ['RF-18', 'urn:ietf:params:scim:schemas:core:2.0:User:userName sw "b"', ['bjensen']],
    [
      'RF-19',
      'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber eq "701984"',
      ['bjensen'],
    ],
    ['RF-20', 'active eq false', ['omalley']],
    [
      'RF-21 gt',
      'meta.lastModified gt "2011-05-13T04:42:34Z"',
      ['seed', 'bjensen', 'omalley', 'jsmith', 'quoted'],
    ],
    ['RF-21 ge', 'meta.created ge "2026-01-03T00:00:00Z"', ['omalley', 'jsmith', 'quoted']],
    ['RF-21 lt', 'meta.created lt "2026-01-03T00:00:00Z"', ['seed', 'bjensen']],
    ['RF-21 le', 'meta.created le "2026-01-03T00:00:00.000+00:00"', ['seed', 'bjensen', 'omalley']],
    ['RF-21 eq', 'meta.created eq "2026-01-03T01:00:00+01:00"', ['omalley']],
    ['RF-22', 'schemas eq "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"', ['bjensen']],
    ['RF-23 wrong case', 'externalId eq "EXT-SEED-0001"', []],
    ['RF-23', 'externalId eq "ext-seed-0001"', ['seed']],
    ['RF-24', 'id eq "U0"', ['seed']],
    ['RF-25', 'displayName eq "a \\"quoted\\" name"', ['quoted']],
    ['RF-26', 'title eq "Engineer"', ['jsmith']],
    ['EN-10', 'emails[type eq "work"].value eq "BJENSEN@example.com"', ['bjensen']],
    ['EN-10 (home is not work)', 'emails[type eq "work"].value eq "babs@jensen.org"', []],
    ['EN-10 RFC form', 'emails[type eq "work" and value eq "mo@example.org"]', ['omalley']],
    ['EN-09 unquoted', 'userType eq Employee', ['bjensen']],
    ['id is caseExact', 'id eq "u0"', []],
    ['not pr', 'not (title pr)', ['seed', 'omalley', 'quoted']],
    ['ne on absent', 'title ne "Engineer"', ['seed', 'bjensen', 'omalley', 'quoted']],
    ['sub-attribute pr', 'name.givenName pr', ['seed', 'bjensen']],
    ['complex pr', 'name pr', ['seed', 'bjensen', 'omalley']],
    [
      'extension on users without it',
      'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber pr',
      ['bjensen'],
    ],
    ['bare extension name', 'employeeNumber eq "701984"', ['bjensen']],
    ['string boolean literal', 'active eq "False"', ['omalley']],
    ['primary boolean', 'emails[primary eq true]', ['seed', 'bjensen']],
    ['meta.resourceType', 'meta.resourceType eq "User"', ['seed', 'bjensen', 'omalley', 'jsmith', 'quoted']],
    ['eq null', 'title eq null', ['seed', 'omalley', 'quoted']],
    ['upper-case sub-attribute', 'NAME.FAMILYNAME eq "jensen"', ['bjensen']],
    ['ordering on strings', 'userName gt "m"', ['seed', 'omalley', 'quoted']],
  ];
  it.each(cases)('%s: %s', (_id, filter, expected) => {
    expect(matching(filter).sort()).toEqual([...expected].sort());
  });
});

describe('matchesFilter: errors are 400 invalidFilter, never an unfiltered match (RF-28, RF-29)', () => {
  it.each([
    ['active gt true', /not supported for boolean/],
    ['active eq "maybe"', /expected a boolean/],
    ['nickNam co "x"', /Unknown attribute 'nickNam'/],
    ['name eq "x"', /complex attribute cannot be compared/],
    ['emails[nope eq "x"]', /Unknown sub-attribute 'nope'/],
    ['userName[value eq "x"]', /not a complex attribute/],
    ['meta.created gt "yesterday"', /ISO 8601/],
    ['urn:example:custom:1.0:User:thing eq "x"', /Unknown attribute/],
    ['emails[type eq "work"].nope eq "x"', /Unknown attribute/],
  ])('%s', (filter, message) => {
    expect(() => validateFilter(parseFilter(filter), 'User')).toThrowError(
      expect.objectContaining({
        status: 400,
        scimType: 'invalidFilter',
        detail: expect.stringMatching(message),
      }),
    );
  });
});

describe('matchesFilter: robustness', () => {
  it('never throws on resources missing attributes or with odd shapes', () => {
    const odd = [
      {},
      { emails: 'not-an-array' },
      { emails: [null, 5, { type: 'work' }] },
      { name: 'x' },
      { meta: null },
    ];
    for (const f of [
      'emails[type eq "work"].value eq "x"',
      'name.givenName eq "x"',
      'meta.created gt "2020-01-01T00:00:00Z"',
      'emails co "x"',
    ]) {
      const node = parseFilter(f);
      for (const r of odd) expect(matchesFilter(r, node, 'User')).toBe(false);
    }
  });

  it('matches groups by displayName (case-insensitive) and by member value (RF-30)', () => {
    const group = renderGroup(
      {
        id: 'G1',
        data: { displayName: 'Test SCIMv2' },
        version: 1,
        createdAt: new Date(),
        updatedAt: new Date(),
      },
      [{ value: 'U1' }, { value: 'U2' }],
      'https://h/scim/v2',
    );
    expect(matchesFilter(group, parseFilter('displayName eq "test scimv2"'), 'Group')).toBe(true);
    expect(matchesFilter(group, parseFilter('members[value eq "U2"]'), 'Group')).toBe(true);
    expect(matchesFilter(group, parseFilter('members.value eq "U3"'), 'Group')).toBe(false);
    expect(matchesFilter(group, parseFilter('members eq "U1"'), 'Group')).toBe(true);
    expect(() => matchesFilter(group, parseFilter('userName eq "x"'), 'Group')).toThrowError(
      /Unknown attribute/,
    );
  });

  it('caches the compiled filter per node', () => {
    const node = parseFilter('userName eq "bjensen@example.com"');
    expect(compileFilter(node, 'User')).toBe(compileFilter(node, 'User'));
    const hits = rfUsers.filter((u) => matchesFilter(u.resource, node, 'User')).length;
    expect(hits).toBe(1);
  });
});
