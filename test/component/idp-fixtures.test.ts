// Replays every Okta and Entra request fixture (test/fixtures/idp, copied from docs/reference/idp-cases.md with its
// source) through real HTTP into a real database, and checks the stored result, not just the status.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseKinds } from '../support/databases.js';
import { GROUP_SCHEMA, startTestApp, userBody, type TestApp } from '../support/test-app.js';

interface Fixture {
  case: string;
  source: string;
  setup?: string;
  request: { method: string; path: string; headers?: Record<string, string>; body?: unknown };
  expect: {
    status: number | number[];
    equals?: Record<string, unknown>;
    absent?: string[];
    absentKeys?: string[];
    members?: { add?: string[]; remove?: string[]; replaceAll?: string[] };
  };
}

const FIXTURE_DIR = path.join(import.meta.dirname, '..', 'fixtures', 'idp');
const fixtures: Array<{ file: string; fixture: Fixture }> = ['okta', 'entra'].flatMap((vendor) =>
  fs
    .readdirSync(path.join(FIXTURE_DIR, vendor))
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => ({
      file: `${vendor}/${f}`,
      fixture: JSON.parse(fs.readFileSync(path.join(FIXTURE_DIR, vendor, f), 'utf8')) as Fixture,
    })),
);

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

/** Reads a dotted path like `emails[0].value` or `<enterprise URN>.manager.value` from a resource. */
function read(resource: Record<string, unknown>, dotted: string): unknown {
  let rest = dotted;
  let value: unknown = resource;
  if (dotted.startsWith(ENTERPRISE)) {
    value = resource[ENTERPRISE];
    rest = dotted.slice(ENTERPRISE.length + 1);
    if (rest === '') return value;
  }
  for (const part of rest.split('.')) {
    const m = /^(\w+)(?:\[(\d+)\])?$/.exec(part);
    if (!m || value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[m[1]!];
    if (m[2] !== undefined) value = Array.isArray(value) ? value[Number(m[2])] : undefined;
  }
  return value;
}

function substitute(value: unknown, ids: Record<string, string>): unknown {
  const text = JSON.stringify(value ?? null).replace(
    /\{(uid|gid|u1|u2|u3|managerId|otherId)\}/g,
    (_, k: string) => ids[k]!,
  );
  return JSON.parse(text);
}

describe.each(databaseKinds())('IdP request fixtures replayed over HTTP (%s)', (kind) => {
  let app: TestApp;
  let n = 0;
  beforeAll(async () => {
    app = await startTestApp(kind);
  });
  afterAll(() => app.close());

  async function createUser(userName: string, extra: Record<string, unknown> = {}): Promise<string> {
    const res = await app.auth.post('/Users').send(userBody(userName, extra)).expect(201);
    return res.body.id as string;
  }

  /** Fixtures reuse the catalog's literal names; an earlier fixture's resource must not make this one a 409. */
  async function removeNameClash(body: unknown): Promise<void> {
    const b = (body ?? {}) as Record<string, unknown>;
    for (const [resource, attr] of [
      ['Users', 'userName'],
      ['Groups', 'displayName'],
    ] as const) {
      if (typeof b[attr] !== 'string') continue;
      const found = await app.auth
        .get(`/${resource}`)
        .query({ filter: `${attr} eq "${b[attr]}"` })
        .expect(200);
      for (const r of found.body.Resources as Array<{ id: string }>)
        await app.auth.delete(`/${resource}/${r.id}`).expect(204);
    }
  }

  it.each(fixtures)('$file', async ({ fixture }) => {
    n += 1;
    const ids: Record<string, string> = {};
    ids.uid = await createUser(
      `subject${n}@example.com`,
      fixture.setup === 'the user has no emails' ? { emails: undefined } : {},
    );
    for (const k of ['u1', 'u2', 'u3', 'managerId', 'otherId'])
      ids[k] = await createUser(`${k}.${n}@example.com`);
    const group = await app.auth
      .post('/Groups')
      .send({ schemas: [GROUP_SCHEMA], displayName: `fixture group ${n}`, members: [{ value: ids.u2 }] })
      .expect(201);
    ids.gid = group.body.id as string;

    const { method, path: rawPath, headers = {}, body } = fixture.request;
    await removeNameClash(body);
    const target = rawPath.replace(/\{(\w+)\}/g, (_, k: string) => ids[k]!);
    const call = app.auth[method.toLowerCase() as 'post' | 'put' | 'patch'](target);
    for (const [name, value] of Object.entries(headers)) call.set(name, value);
    const res = await call.send(substitute(body, ids) as object);
    const allowed = Array.isArray(fixture.expect.status) ? fixture.expect.status : [fixture.expect.status];
    expect(allowed, `${fixture.case}: ${JSON.stringify(res.body)}`).toContain(res.status);

    const id = method === 'POST' ? (res.body.id as string) : target.split('/')[2]!;
    const kindPath = target.startsWith('/Groups') ? 'Groups' : 'Users';
    const stored = (await app.auth.get(`/${kindPath}/${id}`).expect(200)).body as Record<string, unknown>;
    for (const [dotted, want] of Object.entries(
      substitute(fixture.expect.equals ?? {}, ids) as Record<string, unknown>,
    )) {
      expect(read(stored, dotted), `${fixture.case}: ${dotted}`).toEqual(want);
    }
    for (const dotted of fixture.expect.absent ?? []) {
      expect(read(stored, dotted), `${fixture.case}: ${dotted} must be absent`).toBeUndefined();
    }
    for (const key of fixture.expect.absentKeys ?? []) expect(stored).not.toHaveProperty([key]);
    const members =
      fixture.expect.members &&
      (substitute(fixture.expect.members, ids) as NonNullable<Fixture['expect']['members']>);
    if (members) {
      const now = new Set(
        ((stored.members as Array<{ value: string }> | undefined) ?? []).map((m) => m.value),
      );
      if (members.replaceAll) expect([...now].sort()).toEqual([...members.replaceAll].sort());
      for (const added of members.add ?? [])
        expect(now.has(added), `${fixture.case}: ${added} added`).toBe(true);
      for (const removed of members.remove ?? [])
        expect(now.has(removed), `${fixture.case}: ${removed} removed`).toBe(false);
    }
  });
});
