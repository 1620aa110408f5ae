import { describe, expect, it } from 'vitest';
import { ScimError } from './errors.js';
import {
  groupColumns,
  normalizeGroupInput,
  normalizeUserInput,
  primaryEmail,
  userColumns,
} from './resources.js';
import { URN } from './schemas.js';

const E = URN.EnterpriseUser;

function error(fn: () => unknown): ScimError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ScimError) return err;
    throw err;
  }
  throw new Error('expected a ScimError');
}

describe('normalizeUserInput', () => {
  it('OK-03 keeps what Okta sends, drops read-only groups, keeps the password (write-only)', () => {
    const doc = normalizeUserInput({
      schemas: [URN.User],
      userName: 'test.user@okta.local',
      name: { givenName: 'Test', familyName: 'User' },
      emails: [{ primary: true, value: 'test.user@okta.local', type: 'work' }],
      displayName: 'Test User',
      locale: 'en-US',
      externalId: '00ujl29u0le5T6Aj10h7',
      groups: [],
      password: '1mz050nq',
      active: true,
    });
    expect(doc).toEqual({
      userName: 'test.user@okta.local',
      name: { givenName: 'Test', familyName: 'User' },
      emails: [{ primary: true, value: 'test.user@okta.local', type: 'work' }],
      displayName: 'Test User',
      locale: 'en-US',
      externalId: '00ujl29u0le5T6Aj10h7',
      password: '1mz050nq',
      active: true,
    });
  });

  it('OK-07 / RE-07 ignores id and meta in the body', () => {
    expect(
      normalizeUserInput({ schemas: [URN.User], id: 'other', userName: 'u', meta: { resourceType: 'User' } }),
    ).toEqual({ userName: 'u' });
  });

  it('EN-03 nulls are unassigned; the typo URN is tolerated; values are stored verbatim', () => {
    const doc = normalizeUserInput({
      schemas: [URN.User, 'urn:ietf:params:scim:schemas:extension:enterprise:2.0User'],
      externalId: 'jyoung',
      userName: 'jyoung@testuser.com',
      active: true,
      addresses: null,
      displayName: 'Joy Young',
      emails: [{ type: 'work', value: 'jyoung@Contoso.com', primary: true }],
      meta: { resourceType: 'User' },
      name: { familyName: 'Young', givenName: 'Joy' },
      phoneNumbers: null,
      preferredLanguage: null,
      title: null,
      department: null,
      manager: null,
    });
    expect(doc).toEqual({
      externalId: 'jyoung',
      userName: 'jyoung@testuser.com',
      active: true,
      displayName: 'Joy Young',
      emails: [{ type: 'work', value: 'jyoung@Contoso.com', primary: true }],
      name: { familyName: 'Young', givenName: 'Joy' },
    });
  });

  it('EN-02 enterprise URN in schemas without data, empty roles accepted', () => {
    const doc = normalizeUserInput({
      schemas: [URN.User, E],
      userName: 'x',
      roles: [],
      meta: { resourceType: 'User' },
    });
    expect(doc).toEqual({ userName: 'x' });
  });

  it.each([
    ['True', true],
    ['false', false],
    [' FALSE ', false],
    [true, true],
  ])('EN-28 active %j → %j', (active, expected) => {
    expect(normalizeUserInput({ userName: 'emp1', active }).active).toBe(expected);
  });

  it('EN-29 / RM-08 attribute names are normalised to their schema case, also in the extension', () => {
    const doc = normalizeUserInput({
      UserName: 'x@example.com',
      Name: { GivenName: 'X' },
      emails: [{ Primary: true, type: 'work', value: 'testing@bob.com' }],
      [E.toUpperCase()]: { Department: 'bob', Manager: { Value: 'SuzzyQ' } },
    });
    expect(doc).toEqual({
      userName: 'x@example.com',
      name: { givenName: 'X' },
      emails: [{ primary: true, type: 'work', value: 'testing@bob.com' }],
      [E]: { department: 'bob', manager: { value: 'SuzzyQ' } },
    });
  });

  it('EN-22 enterprise manager as a bare string on create; flat URN keys are accepted', () => {
    expect(normalizeUserInput({ userName: 'u', [E]: { manager: 'myuser' } })[E]).toEqual({
      manager: { value: 'myuser' },
    });
    expect(normalizeUserInput({ userName: 'u', [`${E}:department`]: 'Sales' })[E]).toEqual({
      department: 'Sales',
    });
  });

  it('RE-04 unknown attributes are ignored', () => {
    expect(
      normalizeUserInput({ userName: 'u', adreses: [{ x: 1 }], name: { nope: 'x', givenName: 'G' } }),
    ).toEqual({
      userName: 'u',
      name: { givenName: 'G' },
    });
  });

  it('EN-34 values are preserved verbatim', () => {
    expect(
      normalizeUserInput({ userName: 'u', phoneNumbers: [{ type: 'work', value: '55555555555' }] })
        .phoneNumbers,
    ).toEqual([{ type: 'work', value: '55555555555' }]);
  });

  it.each([
    [{ schemas: [URN.User], active: true }, 'invalidValue', /userName/],
    [{ userName: '' }, 'invalidValue', /userName/],
    [{ userName: 123 }, 'invalidValue', /expected a string/],
    [{ userName: 'u', emails: 'x' }, 'invalidValue', /expected an array/],
    [{ userName: 'u', active: 'yes' }, 'invalidValue', /expected a boolean/],
    [{ userName: 'u', name: 'N' }, 'invalidValue', /expected an object/],
    [{ userName: 'u', [E]: 'x' }, 'invalidValue', /must be an object/],
    // U+0000: PostgreSQL text cannot hold it (a 500 there otherwise, catalog RE-14)
    [{ userName: 'a\u0000b' }, 'invalidValue', /without U\+0000/],
    [{ userName: 'u', emails: [{ value: 'x\u0000@example.com' }] }, 'invalidValue', /emails.value/],
    [{ userName: 'u', [E]: { department: '\u0000' } }, 'invalidValue', /department/],
    [{ userName: 'u', schemas: 'x' }, 'invalidSyntax', /schemas/],
    [{ userName: 'u', schemas: [URN.Group] }, 'invalidSyntax', /schemas/],
    ['text', 'invalidSyntax', /JSON object/],
    [[], 'invalidSyntax', /JSON object/],
  ])('RE-01/RE-03 rejects %j', (body, scimType, detail) => {
    expect(error(() => normalizeUserInput(body))).toMatchObject({
      status: 400,
      scimType,
      detail: expect.stringMatching(detail),
    });
  });
});

describe('normalizeGroupInput', () => {
  it('OG-01 Okta group with empty members', () => {
    expect(normalizeGroupInput({ schemas: [URN.Group], displayName: 'Test SCIMv2', members: [] })).toEqual({
      doc: { displayName: 'Test SCIMv2' },
      members: [],
      displays: {},
    });
  });

  it('EG-01 tolerates the Microsoft ADSCIM URN and ignores meta', () => {
    expect(
      normalizeGroupInput({
        schemas: [URN.Group, 'http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group'],
        externalId: '8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159',
        displayName: 'displayName',
        meta: { resourceType: 'Group' },
      }),
    ).toEqual({
      doc: { externalId: '8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159', displayName: 'displayName' },
      members: [],
      displays: {},
    });
  });

  it('OG-10 members become ids, de-duplicated', () => {
    expect(
      normalizeGroupInput({
        displayName: 'G',
        members: [{ value: 'u1', display: 'a' }, { value: 'u2' }, { value: 'u1' }],
      }).members,
    ).toEqual(['u1', 'u2']);
  });

  it.each([
    [{ members: [] }, /displayName/],
    [{ displayName: 'G', members: [{ display: 'x' }] }, /value/],
    [{ displayName: 'G', members: ['u1'] }, /expected an object/],
  ])('rejects %j with 400 invalidValue', (body, detail) => {
    expect(error(() => normalizeGroupInput(body))).toMatchObject({
      status: 400,
      scimType: 'invalidValue',
      detail: expect.stringMatching(detail),
    });
  });
});

describe('column helpers', () => {
  it('primaryEmail: primary, else first, else userName', () => {
    expect(primaryEmail({ userName: 'U', emails: [{ value: 'a' }, { value: 'b', primary: true }] })).toBe(
      'b',
    );
    expect(primaryEmail({ userName: 'U', emails: [{ value: 'a' }, { value: 'b' }] })).toBe('a');
    expect(primaryEmail({ userName: 'U' })).toBe('U');
  });

  it('userColumns / groupColumns', () => {
    expect(
      userColumns({
        userName: 'Bob@X',
        emails: [{ value: 'B@X.com' }],
        externalId: 'E',
        displayName: 'D',
        active: false,
      }),
    ).toEqual({
      userName: 'Bob@X',
      userNameLower: 'bob@x',
      externalId: 'E',
      displayName: 'D',
      emailLower: 'b@x.com',
      active: false,
    });
    expect(userColumns({ userName: 'u' })).toMatchObject({
      externalId: null,
      displayName: null,
      emailLower: 'u',
      active: true,
    });
    expect(groupColumns({ displayName: 'Test SCIMv2' })).toEqual({
      displayName: 'Test SCIMv2',
      displayNameLower: 'test scimv2',
      externalId: null,
    });
  });
});
