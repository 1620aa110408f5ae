import { describe, expect, it } from 'vitest';
import { toUserSnapshot, upstreamEmail } from './scim-snapshots.js';

describe('upstreamEmail (docs/reference/bridge-interface.md: primary, else first, else userName)', () => {
  it('prefers the primary email, Entra\'s "True" string included', () => {
    expect(upstreamEmail({ emails: [{ value: 'a@x' }, { value: 'b@x', primary: true }] }, 'u')).toBe('b@x');
    expect(upstreamEmail({ emails: [{ value: 'a@x' }, { value: 'b@x', primary: 'True' }] }, 'u')).toBe('b@x');
  });

  it('falls back to the first email, then to userName', () => {
    expect(upstreamEmail({ emails: [{ value: 'a@x' }, { value: 'b@x' }] }, 'u')).toBe('a@x');
    expect(upstreamEmail({ emails: [{ value: '' }] }, 'u@x')).toBe('u@x');
    expect(upstreamEmail({}, 'u@x')).toBe('u@x');
    expect(upstreamEmail('not an object', 'u@x')).toBe('u@x');
  });
});

describe('toUserSnapshot', () => {
  it('reads names from the stored resource and survives corrupt JSON', () => {
    const row = { id: '1', userName: 'u@x', displayName: 'Ada L', active: false };
    expect(
      toUserSnapshot({ ...row, data: JSON.stringify({ name: { givenName: 'Ada', familyName: 'L' } }) }),
    ).toEqual({
      scimId: '1',
      email: 'u@x',
      givenName: 'Ada',
      familyName: 'L',
      displayName: 'Ada L',
      active: false,
    });
    expect(toUserSnapshot({ ...row, data: '{oops' })).toMatchObject({ email: 'u@x', givenName: undefined });
  });
});
