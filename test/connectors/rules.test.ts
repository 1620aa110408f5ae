// Pure rules: Retry-After parsing, backoff bounds, Server name fallbacks, AAC membership vocabulary, redaction.
import { describe, expect, it } from 'vitest';
import { membershipState, unpropagatedChanges } from '../../src/connectors/aac/mapper.js';
import { redact } from '../../src/connectors/redact.js';
import {
  backoffDelayMs,
  isRepeatable,
  parseRetryAfter,
  retryAfterMs,
} from '../../src/connectors/retry-policy.js';
import { mergedUpdate, namesFor } from '../../src/connectors/server/mapper.js';

const user = { scimId: 's', email: 'jane.doe@example.com', active: true };

describe('retry policy', () => {
  it('parses Retry-After as seconds or HTTP date and prefers AAC x-retry-after', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('7', now)).toBe(7_000);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:03 GMT', now)).toBe(3_000);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(retryAfterMs({ 'x-retry-after': '2', 'retry-after': '9' }, now)).toBe(2_000);
    expect(retryAfterMs({}, now)).toBeUndefined();
  });

  it('keeps full-jitter backoff within [0, min(max, base·2^(n-1)))', () => {
    const config = { maxAttempts: 5, baseDelayMs: 100, maxDelayMs: 1_000, maxRetryAfterMs: 0 };
    expect(backoffDelayMs(1, config, () => 0.999)).toBe(99);
    expect(backoffDelayMs(3, config, () => 0.5)).toBe(200);
    expect(backoffDelayMs(10, config, () => 0.999)).toBe(999);
    expect(backoffDelayMs(2, config, () => 0)).toBe(0);
  });

  it('repeats ambiguous failures only for requests that are safe to repeat', () => {
    expect(isRepeatable('ambiguous', false)).toBe(false);
    expect(isRepeatable('ambiguous', true)).toBe(true);
    expect(isRepeatable('throttled', false)).toBe(true);
    expect(isRepeatable('not-sent', false)).toBe(true);
    expect(isRepeatable('final', true)).toBe(false);
  });
});

describe('Server name fallbacks (firstName/lastName are required, B.5)', () => {
  it.each([
    [{ givenName: 'Ada', familyName: 'Lovelace' }, ['Ada', 'Lovelace']],
    [{ displayName: 'Grace Brewster Hopper' }, ['Grace', 'Brewster Hopper']],
    [{ displayName: 'Cher' }, ['Cher', 'Cher']],
    [{}, ['jane', 'doe']],
    [{ email: 'root@example.com' }, ['root', 'root']],
    [{ givenName: 'Ada' }, ['Ada', 'doe']],
  ])('%j → %j', (overrides, expected) => {
    const names = namesFor({ ...user, ...overrides });
    expect([names.firstName, names.lastName]).toEqual(expected);
  });

  it('merges changes into the fetched contract fields only', () => {
    const body = mergedUpdate(
      { id: 'x', firstName: 'A', role: 'Artisan', lastLoginDateTime: 'y', isActive: false },
      { isActive: true },
    );
    expect(body).toEqual({ firstName: 'A', role: 'Artisan', isActive: true });
  });
});

describe('AAC mapping', () => {
  it('reads both membership vocabularies (Part D #14)', () => {
    const person = (status: string) => ({
      id: '1',
      email: 'a@b.c',
      peopleworkspaces: [{ workspaceId: '7', status }],
    });
    expect(
      ['new', 'active', 'suspended', 'invited', 'enabled', 'disabled'].map((s) =>
        membershipState(person(s), '7'),
      ),
    ).toEqual(['invited', 'active', 'suspended', 'invited', 'active', 'suspended']);
    expect(membershipState({ id: '1', email: 'a@b.c', isDisabled: true }, '7')).toBe('suspended');
  });

  it('lists name and email changes as not propagatable', () => {
    const person = { id: '1', email: 'Jane.Doe@example.com', name: 'Jane Doe' };
    expect(unpropagatedChanges(person, { ...user, displayName: 'Jane Doe' })).toEqual([]);
    expect(
      unpropagatedChanges(person, { ...user, email: 'jd@example.com', displayName: 'Janet Doe' }),
    ).toEqual(['email', 'name']);
  });
});

describe('log redaction', () => {
  it('hides secret-looking keys and bearer/JWT strings', () => {
    const out = JSON.stringify(
      redact({
        headers: { Authorization: 'Bearer abc.def' },
        refresh_token: 'r',
        nested: { client_secret: 's', note: 'got eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig back' },
      }),
    );
    expect(out).not.toMatch(/abc\.def|"r"|"s"|eyJhbGci/);
  });
});
