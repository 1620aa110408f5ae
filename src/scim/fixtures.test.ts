/**
 * Replays every IdP request fixture (test/fixtures/idp/{okta,entra}/*.json, bodies verbatim from the catalog)
 * through the engine: normalisation or PATCH, then rendering, then the fixture's expectations.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { applyGroupPatch, applyUserPatch } from './patch/index.js';
import { normalizeGroupInput, normalizeUserInput } from './resources.js';
import { renderGroup, renderUser } from './render.js';
import { URN } from './schemas.js';

interface Fixture {
  case: string;
  level: string;
  source: string;
  setup?: string;
  request: { method: string; path: string; headers: Record<string, string>; body: unknown };
  expect: {
    status: number | number[];
    equals?: Record<string, unknown>;
    absent?: string[];
    absentKeys?: string[];
    members?: { replaceAll?: string[]; add?: string[]; remove?: string[] };
  };
}

const IDS: Record<string, string> = {
  '{uid}': 'user-0001',
  '{gid}': 'group-0001',
  '{u1}': 'user-0011',
  '{u2}': 'user-0012',
  '{u3}': 'user-0013',
  '{managerId}': 'user-0900',
  '{otherId}': 'user-0901',
};
const substitute = <T>(value: T): T =>
  JSON.parse(
    JSON.stringify(value).replace(/\{(uid|gid|u1|u2|u3|managerId|otherId)\}/g, (m) => IDS[m] as string),
  ) as T;

const dir = new URL('../../test/fixtures/idp/', import.meta.url);
const fixtures: [string, Fixture][] = ['okta', 'entra'].flatMap((vendor) =>
  readdirSync(new URL(`${vendor}/`, dir))
    .filter((f) => f.endsWith('.json'))
    .map((f): [string, Fixture] => [
      `${vendor}/${f}`,
      substitute(JSON.parse(readFileSync(new URL(`${vendor}/${f}`, dir), 'utf8')) as Fixture),
    ]),
);

/** Reads `a.b`, `a[0].b` and `<urn>.attr.sub` from a rendered resource. */
function read(resource: Record<string, unknown>, path: string): unknown {
  let current: unknown = resource;
  let rest = path;
  for (const urn of [URN.EnterpriseUser, URN.User]) {
    if (path.startsWith(`${urn}.`)) {
      current = resource[urn];
      rest = path.slice(urn.length + 1);
    }
  }
  for (const part of rest.split('.')) {
    const m = /^([^[]+)(?:\[(\d+)\])?$/.exec(part);
    if (!m || typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<string, unknown>)[m[1] as string];
    if (m[2] !== undefined) current = Array.isArray(current) ? current[Number(m[2])] : undefined;
  }
  return current;
}

/** The stored user a PATCH fixture starts from: Okta's OK-03 user plus a manager, or a bare one (fixture `setup`). */
const seedUser = (bare: boolean) =>
  normalizeUserInput(
    bare
      ? { userName: 'godfrey@example.com' }
      : {
          userName: 'test.user@okta.local',
          name: { givenName: 'Test', familyName: 'User' },
          emails: [{ primary: true, value: 'test.user@okta.local', type: 'work' }],
          title: 'Engineer',
          active: true,
          [URN.EnterpriseUser]: { manager: { value: 'user-0800' } },
        },
  );

const stored = (id: string, doc: object) => ({
  id,
  data: doc as Record<string, unknown>,
  version: 2,
  createdAt: new Date(0),
  updatedAt: new Date(),
});

describe.each(fixtures)('%s', (_file, fx) => {
  it(`${fx.case} (${fx.level}) — ${fx.source}`, () => {
    const { method, path, body } = fx.request;
    const isGroup = path.startsWith('/Groups');
    let resource: Record<string, unknown>;
    let members: { replaceAll?: string[]; add: string[]; remove: string[] } | undefined;

    if (method === 'PATCH' && isGroup) {
      const out = applyGroupPatch({ displayName: 'Test SCIMv2' }, body, { id: IDS['{gid}'] as string });
      const { displays: _displays, ...ids } = out.members; // the fixtures state ids only
      members = ids;
      resource = renderGroup(stored(IDS['{gid}'] as string, out.group), undefined, 'https://h/scim/v2');
    } else if (method === 'PATCH') {
      const out = applyUserPatch(seedUser(fx.setup !== undefined), body, { id: IDS['{uid}'] as string });
      resource = renderUser(stored(IDS['{uid}'] as string, out), [], 'https://h/scim/v2');
    } else if (isGroup) {
      const out = normalizeGroupInput(body);
      members = { replaceAll: out.members, add: [], remove: [] };
      resource = renderGroup(stored(IDS['{gid}'] as string, out.doc), [], 'https://h/scim/v2');
    } else {
      resource = renderUser(
        stored(IDS['{uid}'] as string, normalizeUserInput(body)),
        [],
        'https://h/scim/v2',
      );
    }

    for (const [p, value] of Object.entries(fx.expect.equals ?? {}))
      expect(read(resource, p), p).toEqual(value);
    for (const p of fx.expect.absent ?? []) expect(read(resource, p), p).toBeUndefined();
    for (const key of fx.expect.absentKeys ?? []) expect(Object.keys(resource)).not.toContain(key);
    if (fx.expect.members) {
      const expected = { add: [], remove: [], ...fx.expect.members };
      expect(members).toEqual(expected);
    }
    expect(resource.id).toBeTruthy();
  });
});

it('has fixtures for both vendors, each naming its case and source', () => {
  expect(fixtures.filter(([f]) => f.startsWith('okta/')).length).toBeGreaterThanOrEqual(10);
  expect(fixtures.filter(([f]) => f.startsWith('entra/')).length).toBeGreaterThanOrEqual(25);
  for (const [, fx] of fixtures) {
    expect(fx.case).toMatch(/^[A-Z]{2}-\d{2}$/);
    expect(fx.source).toContain('docs/reference/idp-cases.md');
  }
});
