import { describe, expect, it } from 'vitest';
import { etagMatches, etagOf, renderGroup, renderUser } from './render.js';
import { project } from './projection.js';
import { URN } from './schemas.js';

const BASE = 'https://bridge.example.test/scim/v2/';
const created = new Date('2026-01-01T00:00:00.000Z');
const updated = new Date('2026-02-01T10:00:00.000Z');

const storedUser = (data: Record<string, unknown>) => ({
  id: 'u-1',
  data: JSON.stringify(data),
  version: 7,
  createdAt: created,
  updatedAt: updated,
});

describe('renderUser', () => {
  it('adds id, schemas, meta (absolute location, weak version) and computed groups; never password', () => {
    const out = renderUser(
      storedUser({ userName: 'a@x', password: 'secret', active: true, name: { givenName: 'A' } }),
      [{ value: 'g-1', display: 'Admins' }],
      BASE,
    );
    expect(out).toEqual({
      schemas: [URN.User],
      id: 'u-1',
      userName: 'a@x',
      active: true,
      name: { givenName: 'A' },
      groups: [
        {
          value: 'g-1',
          $ref: 'https://bridge.example.test/scim/v2/Groups/g-1',
          type: 'direct',
          display: 'Admins',
        },
      ],
      meta: {
        resourceType: 'User',
        created: '2026-01-01T00:00:00.000Z',
        lastModified: '2026-02-01T10:00:00.000Z',
        location: 'https://bridge.example.test/scim/v2/Users/u-1',
        version: 'W/"7"',
      },
    });
    expect(JSON.stringify(out)).not.toContain('secret');
  });

  it('RM-09 lists the enterprise URN only when extension data is present', () => {
    expect(
      renderUser(storedUser({ userName: 'a', [URN.EnterpriseUser]: { department: 'D' } }), [], BASE).schemas,
    ).toEqual([URN.User, URN.EnterpriseUser]);
    expect(renderUser(storedUser({ userName: 'a' }), [], BASE).schemas).toEqual([URN.User]);
  });

  it('CE-5 omits null/empty values from older rows; active defaults to true; accepts parsed data', () => {
    const out = renderUser(
      { ...storedUser({}), data: { userName: 'a', title: null, nickName: '', emails: [] } },
      [],
      BASE,
    );
    expect(out).not.toHaveProperty('title');
    expect(out).not.toHaveProperty('nickName');
    expect(out).not.toHaveProperty('emails');
    expect(out).not.toHaveProperty('groups');
    expect(out.active).toBe(true);
  });

  it('CE-6 password stays out even when projected for', () => {
    const out = renderUser(storedUser({ userName: 'a', password: 'p' }), [], BASE);
    expect(project(out, { attributes: 'password,userName' }, 'User')).not.toHaveProperty('password');
  });

  it('etagOf', () => {
    expect(etagOf(12)).toBe('W/"12"');
  });
});

describe('renderGroup', () => {
  const stored = {
    id: 'g-1',
    data: '{"displayName":"Test SCIMv2","externalId":"e"}',
    version: 1,
    createdAt: created,
    updatedAt: created,
  };

  it('renders members with $ref and type, or omits the key when members are not loaded (EG-03)', () => {
    const out = renderGroup(
      stored,
      [
        { value: 'u-1', display: 'A' },
        { value: 'g-2', type: 'Group' },
      ],
      BASE,
    );
    expect(out).toEqual({
      schemas: [URN.Group],
      id: 'g-1',
      displayName: 'Test SCIMv2',
      externalId: 'e',
      members: [
        { value: 'u-1', $ref: 'https://bridge.example.test/scim/v2/Users/u-1', type: 'User', display: 'A' },
        { value: 'g-2', $ref: 'https://bridge.example.test/scim/v2/Groups/g-2', type: 'Group' },
      ],
      meta: {
        resourceType: 'Group',
        created: '2026-01-01T00:00:00.000Z',
        lastModified: '2026-01-01T00:00:00.000Z',
        location: 'https://bridge.example.test/scim/v2/Groups/g-1',
        version: 'W/"1"',
      },
    });
    expect(renderGroup(stored, undefined, BASE)).not.toHaveProperty('members');
    expect(renderGroup(stored, [], BASE).members).toEqual([]);
  });
});

describe('etagMatches (RM-05, RM-06)', () => {
  it.each([
    ['W/"7"', true],
    ['"7"', true],
    ['*', true],
    ['W/"6", W/"7"', true],
    ['W/"6"', false],
    ['W/"77"', false],
    [undefined, false],
  ])('%j vs version 7 → %j', (header, expected) => {
    expect(etagMatches(header, 7)).toBe(expected);
  });
});
