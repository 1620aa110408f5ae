import { describe, expect, it } from 'vitest';
import { ScimError } from '../errors.js';
import { URN } from '../schemas.js';
import { applyGroupPatch } from './group.js';

const patch = (...Operations: unknown[]) => ({ schemas: [URN.PatchOp], Operations });
const group = () => ({ displayName: 'Test SCIMv2', externalId: 'ext-g' });

function error(fn: () => unknown): ScimError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ScimError) return err;
    throw err;
  }
  throw new Error('expected a ScimError');
}

describe('applyGroupPatch: membership delta (catalog §4, §7)', () => {
  it('OG-06 remove by filter plus add in one request', () => {
    const { group: g, members } = applyGroupPatch(
      group(),
      patch(
        { op: 'remove', path: 'members[value eq "u2"]' },
        { op: 'add', path: 'members', value: [{ value: 'u1', display: 'x' }] },
      ),
    );
    expect(members).toEqual({ add: ['u1'], remove: ['u2'], displays: { u1: 'x' } });
    expect(g).toEqual(group());
  });

  it('OG-07 full push → replaceAll', () => {
    const { members } = applyGroupPatch(
      group(),
      patch({ op: 'replace', path: 'members', value: [{ value: 'u1' }, { value: 'u2' }] }),
    );
    expect(members).toEqual({ replaceAll: ['u1', 'u2'], add: [], remove: [] });
  });

  it('OG-08 empty push → replaceAll []', () => {
    expect(applyGroupPatch(group(), patch({ op: 'replace', path: 'members', value: [] })).members).toEqual({
      replaceAll: [],
      add: [],
      remove: [],
    });
  });

  it('OG-05 path-less rename including the current id', () => {
    const out = applyGroupPatch(
      group(),
      patch({ op: 'replace', value: { id: 'G1', displayName: 'Renamed' } }),
      { id: 'G1' },
    );
    expect(out.group).toEqual({ displayName: 'Renamed', externalId: 'ext-g' });
    expect(out.members).toEqual({ add: [], remove: [] });
  });

  it('OG-05 a different id → 400 mutability', () => {
    expect(
      error(() => applyGroupPatch(group(), patch({ op: 'replace', value: { id: 'G2' } }), { id: 'G1' })),
    ).toMatchObject({
      scimType: 'mutability',
    });
  });

  it('EG-05 rename with capitalised op', () => {
    expect(
      applyGroupPatch(group(), patch({ op: 'Replace', path: 'displayName', value: 'New' })).group.displayName,
    ).toBe('New');
  });

  it('EG-06 add with "$ref": null; EG-07 three at once, de-duplicated', () => {
    expect(
      applyGroupPatch(group(), patch({ op: 'Add', path: 'members', value: [{ $ref: null, value: 'u1' }] }))
        .members,
    ).toEqual({
      add: ['u1'],
      remove: [],
    });
    expect(
      applyGroupPatch(
        group(),
        patch({
          op: 'Add',
          path: 'members',
          value: [{ value: 'u1' }, { value: 'u2' }, { value: 'u3' }, { value: 'u1' }],
        }),
      ).members.add,
    ).toEqual(['u1', 'u2', 'u3']);
    expect(
      applyGroupPatch(
        group(),
        patch(
          { op: 'Add', path: 'members', value: [{ value: 'u1' }] },
          { op: 'Add', path: 'members', value: [{ value: 'u2' }] },
          { op: 'Add', path: 'members', value: [{ value: 'u3' }] },
        ),
      ).members.add,
    ).toEqual(['u1', 'u2', 'u3']);
  });

  it('EG-08 Entra remove with a value array removes exactly the listed members (never all)', () => {
    const { members } = applyGroupPatch(
      group(),
      patch({ op: 'Remove', path: 'members', value: [{ $ref: null, value: 'u2' }] }),
    );
    expect(members).toEqual({ add: [], remove: ['u2'] });
    expect(members.replaceAll).toBeUndefined();
  });

  it('EG-09 remove by filter (flag form); or-ed equalities too', () => {
    expect(
      applyGroupPatch(group(), patch({ op: 'remove', path: 'members[value eq "7f4b"]' })).members.remove,
    ).toEqual(['7f4b']);
    expect(
      applyGroupPatch(group(), patch({ op: 'remove', path: 'members[value eq "a" or value eq "b"]' })).members
        .remove,
    ).toEqual(['a', 'b']);
  });

  it('EG-10 remove members without value empties the group', () => {
    for (const op of [
      { op: 'remove', path: 'members' },
      { op: 'Remove', path: 'members', value: [] },
    ])
      expect(applyGroupPatch(group(), patch(op)).members).toEqual({ replaceAll: [], add: [], remove: [] });
  });

  it('operations combine in order', () => {
    const { members } = applyGroupPatch(
      group(),
      patch(
        { op: 'add', path: 'members', value: [{ value: 'a' }] },
        { op: 'remove', path: 'members[value eq "a"]' },
        { op: 'remove', path: 'members[value eq "b"]' },
        { op: 'add', path: 'members', value: [{ value: 'b' }] },
      ),
    );
    expect(members).toEqual({ add: ['b'], remove: ['a'] });
    const replaced = applyGroupPatch(
      group(),
      patch(
        { op: 'replace', path: 'members', value: [{ value: 'a' }, { value: 'b' }] },
        { op: 'remove', path: 'members[value eq "a"]' },
        { op: 'add', path: 'members', value: [{ value: 'c' }] },
      ),
    ).members;
    expect(replaced).toEqual({ replaceAll: ['b', 'c'], add: [], remove: [] });
  });

  it('path-less add/replace with members', () => {
    expect(
      applyGroupPatch(group(), patch({ op: 'add', value: { members: [{ value: 'x' }] } })).members.add,
    ).toEqual(['x']);
    expect(
      applyGroupPatch(group(), patch({ op: 'replace', value: { displayName: 'N', members: [] } })),
    ).toEqual({
      group: { displayName: 'N', externalId: 'ext-g' },
      members: { replaceAll: [], add: [], remove: [] },
    });
  });

  it('RX-22 members[value eq "x"].display is accepted as a no-op', () => {
    const out = applyGroupPatch(
      group(),
      patch({ op: 'replace', path: 'members[value eq "u1"].display', value: 'New Name' }),
    );
    expect(out.members).toEqual({ add: [], remove: [] });
  });

  it.each([
    [{ op: 'add', path: 'members', value: 'string id 1' }],
    [{ op: 'add', path: 'members', value: [{ display: 'no value' }] }],
    [{ op: 'add', path: 'members', value: [{ value: 5 }] }],
  ])('RX-23 malformed member values → 400 invalidValue: %j', (op) => {
    expect(error(() => applyGroupPatch(group(), patch(op)))).toMatchObject({
      status: 400,
      scimType: 'invalidValue',
    });
  });

  it('unsupported member filters → 400 invalidPath', () => {
    expect(
      error(() => applyGroupPatch(group(), patch({ op: 'remove', path: 'members[display eq "x"]' }))),
    ).toMatchObject({
      scimType: 'invalidPath',
    });
  });

  it('displayName cannot be removed or emptied', () => {
    expect(error(() => applyGroupPatch(group(), patch({ op: 'remove', path: 'displayName' })))).toMatchObject(
      { scimType: 'mutability' },
    );
    expect(
      error(() => applyGroupPatch(group(), patch({ op: 'replace', path: 'displayName', value: '' }))),
    ).toMatchObject({
      scimType: 'invalidValue',
    });
  });

  it('does not mutate the input', () => {
    const input = group();
    applyGroupPatch(input, patch({ op: 'replace', path: 'displayName', value: 'Other' }));
    expect(input).toEqual(group());
  });
});

describe('applyGroupPatch cost does not depend on group size (docs/reference/notes.md #10)', () => {
  it('never reads the member list, so one member add is O(1) whatever the group size', () => {
    // A structural check instead of a timing one (timings belong in bench/): a group whose `members` throws on any
    // access proves the engine never touches the list, so a 20 000-member group costs what a 1-member group does.
    const untouchable = new Proxy([], {
      get() {
        throw new Error('applyGroupPatch read the member list');
      },
    });
    const group = { displayName: 'large', members: untouchable };
    const body = patch({ op: 'add', path: 'members', value: [{ value: 'new-user' }] });
    const out = applyGroupPatch(group, body);
    expect(out.members).toEqual({ add: ['new-user'], remove: [] });
    expect(out.group).toEqual({ displayName: 'large' });
    const removal = applyGroupPatch(group, patch({ op: 'remove', path: 'members[value eq "user-7"]' }));
    expect(removal.members).toEqual({ add: [], remove: ['user-7'] });
  });
});
