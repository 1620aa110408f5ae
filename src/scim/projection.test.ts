import { describe, expect, it } from 'vitest';
import { rfUsers } from '../../test/fixtures/idp/rf-users.js';
import { compareBy, project } from './projection.js';
import { renderGroup } from './render.js';
import { URN } from './schemas.js';

const bjensen = rfUsers.find((u) => u.key === 'bjensen')!.resource;
const E = URN.EnterpriseUser;

describe('project: attributes (RP-09)', () => {
  it('returns the requested attributes plus id, schemas and meta.resourceType', () => {
    expect(project(bjensen, { attributes: 'userName' }, 'User')).toEqual({
      schemas: [URN.User, E],
      id: 'U1',
      userName: 'bjensen@example.com',
      meta: { resourceType: 'User' },
    });
  });

  it('several attributes, arrays and case-insensitive names', () => {
    const out = project(bjensen, { attributes: ['USERNAME', 'emails'] }, 'User');
    expect(Object.keys(out).sort()).toEqual(['emails', 'id', 'meta', 'schemas', 'userName']);
    expect(out.emails).toEqual(bjensen.emails);
  });

  it('sub-attributes: name.givenName and emails.value', () => {
    const out = project(bjensen, { attributes: 'name.givenName,emails.value' }, 'User');
    expect(out.name).toEqual({ givenName: 'Barbara' });
    expect(out.emails).toEqual([{ value: 'bjensen@example.com' }, { value: 'babs@jensen.org' }]);
  });

  it('URN-qualified attributes and whole extensions', () => {
    expect(project(bjensen, { attributes: `${E}:employeeNumber` }, 'User')[E]).toEqual({
      employeeNumber: '701984',
    });
    expect(project(bjensen, { attributes: E }, 'User')[E]).toEqual({ employeeNumber: '701984' });
    expect(project(bjensen, { attributes: `${URN.User}:userName` }, 'User').userName).toBe(
      'bjensen@example.com',
    );
  });

  it('meta sub-attributes can be requested', () => {
    expect(project(bjensen, { attributes: 'meta.created' }, 'User').meta).toEqual({
      resourceType: 'User',
      created: (bjensen.meta as Record<string, unknown>).created,
    });
  });

  it('unknown attributes are ignored', () => {
    expect(Object.keys(project(bjensen, { attributes: 'nope,userName' }, 'User')).sort()).toEqual([
      'id',
      'meta',
      'schemas',
      'userName',
    ]);
  });
});

describe('project: excludedAttributes (RP-10, EG-03)', () => {
  it('removes the attributes but never id or schemas', () => {
    const out = project(bjensen, { excludedAttributes: 'emails,id,schemas' }, 'User');
    expect(out).not.toHaveProperty('emails');
    expect(out.id).toBe('U1');
    expect(out.schemas).toBeDefined();
    expect(out.userName).toBe('bjensen@example.com');
  });

  it('sub-attributes and extension attributes', () => {
    const out = project(bjensen, { excludedAttributes: `name.givenName,${E}:employeeNumber` }, 'User');
    expect(out.name).toEqual({ familyName: 'Jensen' });
    expect(out).not.toHaveProperty([E]);
  });

  it('EG-03 excludedAttributes=members on groups', () => {
    const g = renderGroup(
      { id: 'g', data: { displayName: 'G' }, version: 1, createdAt: new Date(), updatedAt: new Date() },
      [{ value: 'u' }],
      'https://h',
    );
    const out = project(g, { excludedAttributes: 'members' }, 'Group');
    expect(out).not.toHaveProperty('members');
    expect(out.displayName).toBe('G');
  });

  it('no parameters → the same object', () => {
    expect(project(bjensen, {}, 'User')).toBe(bjensen);
  });
});

describe('compareBy (RS-03)', () => {
  const keys = (sortBy: string, order?: 'ascending' | 'descending') =>
    [...rfUsers]
      .map((u) => u.resource)
      .sort(compareBy(sortBy, order, 'User'))
      .map((r) => r.id);

  it('userName ascending and descending, case-insensitive', () => {
    // bjensen, jsmith, Mo'Malley (upper-case M sorts with m), quoted, seed
    expect(keys('userName')).toEqual(['U1', 'U3', 'U2', 'U4', 'U0']);
    expect(keys('userName', 'descending')).toEqual(['U0', 'U4', 'U2', 'U3', 'U1']);
  });

  it('missing values sort last in both orders', () => {
    expect(keys('title').slice(0, 2)).toEqual(['U3', 'U1']); // Engineer, Tour Guide
    expect(keys('title', 'descending').slice(0, 2)).toEqual(['U1', 'U3']);
  });

  it('dates chronologically; multi-valued by primary-else-first; sub-attributes', () => {
    expect(keys('meta.created', 'descending')).toEqual(['U4', 'U3', 'U2', 'U1', 'U0']);
    expect(keys('emails')[0]).toBe('U1'); // bjensen@example.com (primary)
    expect(keys('name.familyName').slice(0, 3)).toEqual(['U1', 'U2', 'U0']);
  });

  it('unknown or complex sortBy → 400 invalidValue', () => {
    expect(() => compareBy('nope', undefined, 'User')).toThrowError(
      expect.objectContaining({ status: 400, scimType: 'invalidValue' }),
    );
    expect(() => compareBy('name', undefined, 'User')).toThrowError(expect.objectContaining({ status: 400 }));
  });
});
