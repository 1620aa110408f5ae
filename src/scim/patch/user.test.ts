import { describe, expect, it } from 'vitest';
import { ScimError } from '../errors.js';
import { normalizeUserInput } from '../resources.js';
import { URN } from '../schemas.js';
import { applyUserPatch } from './user.js';

const E = URN.EnterpriseUser;
const patch = (...Operations: unknown[]) => ({ schemas: [URN.PatchOp], Operations });

/** bjensen from catalog §8, as stored. */
const base = () =>
  normalizeUserInput({
    schemas: [URN.User, E],
    userName: 'bjensen@example.com',
    externalId: 'ext-1',
    name: { familyName: 'Jensen', givenName: 'Barbara' },
    displayName: 'Babs Jensen',
    title: 'Tour Guide',
    emails: [
      { value: 'bjensen@example.com', type: 'work', primary: true },
      { value: 'babs@jensen.org', type: 'home' },
    ],
    phoneNumbers: [{ value: '555-1', type: 'work' }],
    active: true,
    [E]: { employeeNumber: '701984', department: 'Tours', manager: { value: 'M0', displayName: 'Boss' } },
  });

function error(fn: () => unknown): ScimError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ScimError) return err;
    throw err;
  }
  throw new Error('expected a ScimError');
}

describe('applyUserPatch: RFC 7644 §3.5.2 semantics (catalog §10 RX)', () => {
  it('RX-01 add to a multi-valued attribute appends and keeps existing values', () => {
    const out = applyUserPatch(
      base(),
      patch({ op: 'add', path: 'emails', value: [{ value: 'second@example.com', type: 'home' }] }),
    );
    expect(out.emails).toEqual([
      ...(base().emails as unknown[]),
      { value: 'second@example.com', type: 'home' },
    ]);
  });

  it('RX-02 path-less add sets a single value and appends to a multi-valued one', () => {
    const out = applyUserPatch(
      base(),
      patch({ op: 'add', value: { title: 'Boss', emails: [{ value: 'b2@example.com', type: 'other' }] } }),
    );
    expect(out.title).toBe('Boss');
    expect(out.emails).toHaveLength(3);
  });

  it('RX-03 adding an existing value adds no duplicate', () => {
    const out = applyUserPatch(
      base(),
      patch({ op: 'add', path: 'emails', value: [{ value: 'babs@jensen.org', type: 'home' }] }),
    );
    expect(out.emails).toEqual(base().emails);
  });

  it('RX-04 remove a single attribute', () => {
    expect(applyUserPatch(base(), patch({ op: 'remove', path: 'title' }))).not.toHaveProperty('title');
  });

  it('RX-05 remove without path → 400 noTarget', () => {
    expect(error(() => applyUserPatch(base(), patch({ op: 'remove' })))).toMatchObject({
      status: 400,
      scimType: 'noTarget',
    });
  });

  it('RX-06 removing a required attribute → 400 mutability', () => {
    expect(error(() => applyUserPatch(base(), patch({ op: 'remove', path: 'userName' })))).toMatchObject({
      scimType: 'mutability',
    });
  });

  it('RX-07 remove by value filter removes only the matching element', () => {
    const out = applyUserPatch(base(), patch({ op: 'remove', path: 'emails[type eq "home"]' }));
    expect(out.emails).toEqual([{ value: 'bjensen@example.com', type: 'work', primary: true }]);
  });

  it('RX-08 replace a multi-valued attribute without filter replaces all values', () => {
    const value = [{ value: 'only@example.com', type: 'work', primary: true }];
    expect(applyUserPatch(base(), patch({ op: 'replace', path: 'emails', value })).emails).toEqual(value);
  });

  it('RX-09 replace with a filter that matches nothing creates the element (Entra-compatible, documented)', () => {
    const out = applyUserPatch(
      base(),
      patch({ op: 'replace', path: 'emails[type eq "fax"].value', value: 'x@example.com' }),
    );
    expect(out.emails).toContainEqual({ type: 'fax', value: 'x@example.com' });
  });

  it('RX-09b a filter that cannot describe a new element → 400 noTarget', () => {
    expect(
      error(() =>
        applyUserPatch(base(), patch({ op: 'replace', path: 'emails[value co "zzz"].type', value: 'x' })),
      ),
    ).toMatchObject({ status: 400, scimType: 'noTarget' });
  });

  it('RX-10 replace a complex attribute merges sub-attributes', () => {
    const out = applyUserPatch(base(), patch({ op: 'replace', path: 'name', value: { givenName: 'Barb' } }));
    expect(out.name).toEqual({ familyName: 'Jensen', givenName: 'Barb' });
  });

  it('RX-11 replace of an absent attribute adds it', () => {
    expect(applyUserPatch(base(), patch({ op: 'replace', path: 'nickName', value: 'Babs' })).nickName).toBe(
      'Babs',
    );
  });

  it('RX-12 replace by filter without sub-attribute merges into the matching element only', () => {
    const out = applyUserPatch(
      base(),
      patch({ op: 'replace', path: 'emails[type eq "work"]', value: { value: 'w2@example.com' } }),
    );
    expect(out.emails).toEqual([
      { value: 'w2@example.com', type: 'work', primary: true },
      { value: 'babs@jensen.org', type: 'home' },
    ]);
  });

  it.each(['nope[[', 'doesNotExist', 'name.nope', 'emails[type eq "work"].nope', 'urn:x:y:1.0:Foo:bar'])(
    'RX-13 path %s → 400 invalidPath',
    (path) => {
      expect(error(() => applyUserPatch(base(), patch({ op: 'replace', path, value: 'x' })))).toMatchObject({
        status: 400,
        scimType: 'invalidPath',
      });
    },
  );

  it.each([
    [{ op: 'replace', path: 'id', value: 'other' }],
    [{ op: 'replace', path: 'meta.created', value: '2000-01-01T00:00:00Z' }],
    [{ op: 'add', path: 'groups', value: [{ value: 'g' }] }],
    [{ op: 'replace', value: { id: 'other' } }],
  ])('RX-14 read-only targets → 400 mutability: %j', (op) => {
    expect(error(() => applyUserPatch(base(), patch(op), { id: 'U1' }))).toMatchObject({
      status: 400,
      scimType: 'mutability',
    });
  });

  it('RX-14 exception: path-less value with the current id is a no-op', () => {
    const out = applyUserPatch(base(), patch({ op: 'replace', value: { id: 'U1', title: 'X' } }), {
      id: 'U1',
    });
    expect(out.title).toBe('X');
    expect(out).not.toHaveProperty('id');
  });

  it('RX-15 an error in a later operation leaves the input untouched (atomic)', () => {
    const input = base();
    const snapshot = structuredClone(input);
    expect(() =>
      applyUserPatch(
        input,
        patch({ op: 'replace', path: 'title', value: 'A' }, { op: 'replace', path: 'id', value: 'B' }),
      ),
    ).toThrow(ScimError);
    expect(input).toEqual(snapshot);
  });

  it('RX-16 a new primary email demotes the old one', () => {
    const out = applyUserPatch(
      base(),
      patch({ op: 'add', path: 'emails', value: [{ value: 'p2@example.com', type: 'home', primary: true }] }),
    );
    const emails = out.emails as { value: string; primary?: boolean }[];
    expect(emails.filter((e) => e.primary === true).map((e) => e.value)).toEqual(['p2@example.com']);
    expect(emails[0]).toMatchObject({ value: 'bjensen@example.com', primary: false });
  });

  it.each([
    [{ schemas: [URN.PatchOp] }],
    [{ schemas: [URN.PatchOp], Operations: [] }],
    [{ Operations: [{ op: 'add', path: 'title', value: 'x' }] }],
    [{ schemas: ['urn:wrong'], Operations: [{ op: 'add', path: 'title', value: 'x' }] }],
    ['not an object'],
    [{ schemas: [URN.PatchOp], Operations: 'x' }],
  ])('RX-17 malformed PatchOp → 400 invalidSyntax: %j', (body) => {
    expect(error(() => applyUserPatch(base(), body))).toMatchObject({
      status: 400,
      scimType: 'invalidSyntax',
    });
  });

  it('RX-18 replace an enterprise attribute by URN path', () => {
    const out = applyUserPatch(base(), patch({ op: 'replace', path: `${E}:department`, value: 'Sales' }));
    expect(out[E]).toEqual({
      employeeNumber: '701984',
      department: 'Sales',
      manager: { value: 'M0', displayName: 'Boss' },
    });
  });

  it('RX-19 path-less add of the extension object merges into it', () => {
    const out = applyUserPatch(base(), patch({ op: 'add', value: { [E]: { employeeNumber: '42' } } }));
    expect(out[E]).toMatchObject({ employeeNumber: '42', department: 'Tours' });
  });

  it.each(['move', 'copy', '', 'test'])('RX-21 op %j → 400 invalidSyntax', (op) => {
    expect(error(() => applyUserPatch(base(), patch({ op, path: 'title', value: 'x' })))).toMatchObject({
      status: 400,
    });
  });

  it('add/replace with a path but no value → 400 invalidValue', () => {
    expect(error(() => applyUserPatch(base(), patch({ op: 'add', path: 'title' })))).toMatchObject({
      scimType: 'invalidValue',
    });
  });

  it.each([
    ['userName', 123],
    ['emails', 'x@example.com'],
    ['active', 'maybe'],
    ['name', 'Barbara'],
  ])('wrong value types are 400 invalidValue (RE-03): %s = %j', (path, value) => {
    const op =
      path === 'emails'
        ? { op: 'replace', path: 'emails[type eq "work"]', value }
        : { op: 'replace', path, value };
    expect(error(() => applyUserPatch(base(), patch(op)))).toMatchObject({
      status: 400,
      scimType: 'invalidValue',
    });
  });

  it('emptying userName → 400 invalidValue', () => {
    expect(
      error(() => applyUserPatch(base(), patch({ op: 'replace', path: 'userName', value: '' }))),
    ).toMatchObject({
      scimType: 'invalidValue',
    });
  });

  it('does not mutate its input and returns a new object', () => {
    const input = base();
    const snapshot = structuredClone(input);
    const out = applyUserPatch(
      input,
      patch(
        { op: 'replace', path: 'name.givenName', value: 'B' },
        { op: 'add', path: 'emails', value: [{ value: 'n@x' }] },
      ),
    );
    expect(input).toEqual(snapshot);
    expect(out).not.toBe(input);
  });
});

describe('applyUserPatch: Okta and Entra quirks (catalog §3, §6)', () => {
  it('OK-10/OK-11 path-less replace of active', () => {
    const off = applyUserPatch(base(), patch({ op: 'replace', value: { active: false } }));
    expect(off.active).toBe(false);
    expect(applyUserPatch(off, patch({ op: 'replace', value: { active: true } })).active).toBe(true);
  });

  it('OK-13 password sync, path-less and with path (kept write-only in the document)', () => {
    expect(
      applyUserPatch(base(), patch({ op: 'replace', value: { password: 'N3wP@ssw0rd!' } })).password,
    ).toBe('N3wP@ssw0rd!');
    expect(applyUserPatch(base(), patch({ op: 'replace', path: 'password', value: 'x2' })).password).toBe(
      'x2',
    );
  });

  it('EN-11 replace a filtered sub-attribute and a complex sub-attribute with capitalised ops', () => {
    const out = applyUserPatch(
      base(),
      patch(
        { op: 'Replace', path: 'emails[type eq "work"].value', value: 'updatedEmail@microsoft.com' },
        { op: 'Replace', path: 'name.familyName', value: 'updatedFamilyName' },
      ),
    );
    expect(out.emails).toEqual([
      { value: 'updatedEmail@microsoft.com', type: 'work', primary: true },
      { value: 'babs@jensen.org', type: 'home' },
    ]);
    expect(out.name).toEqual({ familyName: 'updatedFamilyName', givenName: 'Barbara' });
  });

  it.each([
    ['Replace', false, false],
    ['Replace', 'False', false],
    ['Replace', 'false', false],
    ['Replace', 'TRUE', true],
    ['replace', 'True', true],
    ['Add', 'False', false],
    ['ADD', true, true],
  ])('EN-13..17 op %s active %j → %j', (op, value, expected) => {
    expect(applyUserPatch(base(), patch({ op, path: 'active', value })).active).toBe(expected);
  });

  it('EN-18 add a single-valued string', () => {
    expect(applyUserPatch(base(), patch({ op: 'Add', path: 'nickName', value: 'Babs' })).nickName).toBe(
      'Babs',
    );
  });

  it('EN-20 path-less replace with dotted keys nests them; no literal dotted key', () => {
    const out = applyUserPatch(
      base(),
      patch(
        { op: 'replace', path: 'emails[type eq "work"].value', value: 'TestMhvaes@test.microsoft.com' },
        {
          op: 'replace',
          value: {
            displayName: 'Bjfe',
            'name.givenName': 'Kkom',
            'name.familyName': 'Unua',
            [`${E}:employeeNumber`]: 'Aklq',
          },
        },
      ),
    );
    expect(out.name).toEqual({ givenName: 'Kkom', familyName: 'Unua' });
    expect(out).not.toHaveProperty(['name.givenName']);
    expect(out.displayName).toBe('Bjfe');
    expect((out[E] as Record<string, unknown>).employeeNumber).toBe('Aklq');
  });

  it('EN-21 add a filtered email when the user has none creates it', () => {
    const user = normalizeUserInput({ userName: 'godfrey' });
    const out = applyUserPatch(
      user,
      patch({ op: 'Add', path: 'emails[type eq "work"].value', value: 'godfrey@example.com' }),
    );
    expect(out.emails).toEqual([{ type: 'work', value: 'godfrey@example.com' }]);
  });

  it('EN-21 same for phoneNumbers and addresses', () => {
    const user = normalizeUserInput({ userName: 'g' });
    const out = applyUserPatch(
      user,
      patch(
        { op: 'Add', path: 'phoneNumbers[type eq "mobile"].value', value: '+1 555' },
        { op: 'Add', path: 'addresses[type eq "work"].streetAddress', value: '1 Main St' },
        { op: 'Add', path: 'addresses[type eq "work"].locality', value: 'Springfield' },
      ),
    );
    expect(out.phoneNumbers).toEqual([{ type: 'mobile', value: '+1 555' }]);
    expect(out.addresses).toEqual([{ type: 'work', streetAddress: '1 Main St', locality: 'Springfield' }]);
  });

  it('EN-22 manager as a bare string; EN-23 change, remove, replace with "" and null', () => {
    const user = normalizeUserInput({ userName: 'u' });
    const set = applyUserPatch(user, patch({ op: 'Add', path: `${E}:manager`, value: 'M1' }));
    expect(set[E]).toEqual({ manager: { value: 'M1' } });
    const changed = applyUserPatch(base(), patch({ op: 'Replace', path: `${E}:manager`, value: 'M2' }));
    expect((changed[E] as Record<string, unknown>).manager).toEqual({ value: 'M2' }); // not merged with the old displayName
    const objectForm = applyUserPatch(
      user,
      patch({ op: 'Add', path: `${E}:manager`, value: { value: 'M3' } }),
    );
    expect(objectForm[E]).toEqual({ manager: { value: 'M3' } });
    for (const op of [
      { op: 'Remove', path: `${E}:manager` },
      { op: 'Replace', path: `${E}:manager`, value: '' },
      { op: 'Replace', path: `${E}:manager`, value: null },
    ]) {
      const out = applyUserPatch(set, patch(op));
      expect(out).not.toHaveProperty([E]); // the emptied extension disappears too
    }
  });

  it('EN-24 legacy bare manager path with an array value', () => {
    const out = applyUserPatch(
      normalizeUserInput({ userName: 'u' }),
      patch({ op: 'Add', path: 'manager', value: [{ $ref: 'http://x/Users/00aa', value: '00aa' }] }),
    );
    expect(out[E]).toEqual({ manager: { value: '00aa', $ref: 'http://x/Users/00aa' } });
  });

  it('EN-25 roles with a JSON string value is accepted verbatim', () => {
    const value = [{ value: '{"id":"06b0","value":"25","displayName":"Role1234"}' }];
    expect(applyUserPatch(base(), patch({ op: 'Add', path: 'roles', value })).roles).toEqual(value);
  });

  it('EN-26 replace with "" or null unassigns', () => {
    for (const value of ['', null])
      expect(applyUserPatch(base(), patch({ op: 'Replace', path: 'title', value }))).not.toHaveProperty(
        'title',
      );
  });

  it('EN-35 every default Entra mapping target is accepted (capital V/F included)', () => {
    const ops = [
      ['userName', 'new@x'],
      ['active', 'True'],
      ['displayName', 'D'],
      ['title', 'T'],
      ['externalId', 'X'],
      ['name.givenName', 'G'],
      ['name.familyName', 'F'],
      ['emails[type eq "work"].value', 'w@x'],
      ['emails[type eq "other"].Value', 'o@x'],
      ['phoneNumbers[type eq "work"].value', '1'],
      ['phoneNumbers[type eq "mobile"].value', '2'],
      ['phoneNumbers[type eq "fax"].value', '3'],
      ['addresses[type eq "work"].streetAddress', 's'],
      ['addresses[type eq "work"].postalCode', 'p'],
      ['addresses[type eq "work"].locality', 'l'],
      ['addresses[type eq "work"].region', 'r'],
      ['addresses[type eq "work"].country', 'c'],
      ['addresses[type eq "other"].Formatted', 'f'],
      ['preferredLanguage', 'en-US'],
      [`${E}:department`, 'Dep'],
      [`${E}:employeeNumber`, '7'],
      [`${E}:manager`, 'M'],
    ];
    let user: Record<string, unknown> = normalizeUserInput({ userName: 'u' });
    for (const [path, value] of ops) user = applyUserPatch(user, patch({ op: 'Replace', path, value }));
    expect(user).toMatchObject({
      userName: 'new@x',
      active: true,
      name: { givenName: 'G', familyName: 'F' },
      emails: [
        { type: 'work', value: 'w@x' },
        { type: 'other', value: 'o@x' },
      ],
      addresses: [
        { type: 'work', streetAddress: 's', postalCode: 'p', locality: 'l', region: 'r', country: 'c' },
        { type: 'other', formatted: 'f' },
      ],
      preferredLanguage: 'en-US',
      [E]: { department: 'Dep', employeeNumber: '7', manager: { value: 'M' } },
    });
    expect(user.phoneNumbers).toHaveLength(3);
  });

  it('case-insensitive attribute names in paths and in value objects', () => {
    const out = applyUserPatch(
      base(),
      patch(
        { op: 'replace', path: 'NAME.GIVENNAME', value: 'B' },
        { op: 'replace', value: { DisplayName: 'DN' } },
      ),
    );
    expect(out.name).toMatchObject({ givenName: 'B' });
    expect(out.displayName).toBe('DN');
  });

  it('path equal to the extension URN targets the whole extension', () => {
    const added = applyUserPatch(base(), patch({ op: 'add', path: E, value: { costCenter: 'CC' } }));
    expect(added[E]).toMatchObject({ costCenter: 'CC', department: 'Tours' });
    expect(applyUserPatch(base(), patch({ op: 'remove', path: E }))).not.toHaveProperty([E]);
  });

  it('remove of a filtered element that does not exist is a no-op success', () => {
    expect(applyUserPatch(base(), patch({ op: 'remove', path: 'emails[type eq "fax"]' }))).toEqual(base());
  });

  it('remove of a sub-attribute from a filtered element', () => {
    const out = applyUserPatch(base(), patch({ op: 'remove', path: 'emails[type eq "work"].primary' }));
    expect(out.emails).toEqual([
      { value: 'bjensen@example.com', type: 'work' },
      { value: 'babs@jensen.org', type: 'home' },
    ]);
  });

  it('remove with a value array on a multi-valued attribute removes the listed values', () => {
    const out = applyUserPatch(
      base(),
      patch({ op: 'remove', path: 'emails', value: [{ value: 'babs@jensen.org' }] }),
    );
    expect(out.emails).toEqual([{ value: 'bjensen@example.com', type: 'work', primary: true }]);
  });

  it('unknown keys in a path-less value are ignored (like unknown POST attributes, RE-04)', () => {
    const out = applyUserPatch(
      base(),
      patch({ op: 'replace', value: { adreses: [{}], title: 'T', meta: { x: 1 }, schemas: [] } }),
    );
    expect(out.title).toBe('T');
    expect(out).not.toHaveProperty('adreses');
  });

  it('path-less value must be an object', () => {
    expect(error(() => applyUserPatch(base(), patch({ op: 'replace', value: 'x' })))).toMatchObject({
      scimType: 'invalidValue',
    });
  });
});
