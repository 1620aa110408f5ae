// What the IdP sees when an upstream refuses or hangs (docs/decisions/0003-what-the-idp-sees.md), end to end
// through the provisioned bridge and the simulators.
import { afterEach, describe, expect, it } from 'vitest';
import { databaseKinds } from '../support/databases.js';
import { ERROR_SCHEMA, userBody } from '../support/test-app.js';
import { eventually, startProvisionedApp, type ProvisionedApp } from './support/provisioned-app.js';

describe.each(databaseKinds())('upstream outcomes seen by the IdP (%s)', (kind) => {
  let app: ProvisionedApp | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  it('a Server refusal answers a SCIM 4xx, keeps no SCIM user and leaves no AAC invite behind', async () => {
    app = await startProvisionedApp(kind);
    // Windows-authentication Servers refuse user creation through the API with 400 (docs/reference/upstream-contracts.md B.5, Part D #30)
    app.sims.server.control.updateSettings({ auth_mode: 'windows' });
    const email = 'refused@example.com';
    const res = await app.scim.post('/Users').send(userBody(email));
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(res.body.schemas).toEqual([ERROR_SCHEMA]);
    expect(String(res.body.detail)).toMatch(/server/i);

    const lookup = await app.scim.get(`/Users?filter=${encodeURIComponent(`userName eq "${email}"`)}`);
    expect(lookup.body.totalResults).toBe(0);
    expect(app.upstream.serverUsers(email)).toHaveLength(0);
    // the compensation (a delete with request id `<id>:undo`) removes the invite AAC already got
    await eventually(
      'the AAC invite to be withdrawn',
      () => app!.upstream.aacStatus(email),
      (s) => s === undefined,
    );
    const mappings = await eventually(
      'both mappings to settle as removed',
      async () =>
        (await app!.bridge.handle.db.idMapping.findMany({ where: { email } }))
          .map((m) => `${m.target}:${m.state}`)
          .sort(),
      (m) => m.join() === 'aac:removed,server:removed',
    );
    expect(mappings).toEqual(['aac:removed', 'server:removed']);
    const requestId = String(res.headers['x-request-id']);
    const undo = await eventually(
      'the undo audit rows',
      () => app!.store.audit(`${requestId}:undo`),
      (rows) => rows.some((r) => r.kind === 'upstream' && r.target === 'aac' && r.method === 'DELETE'),
    );
    expect(undo.some((r) => r.kind === 'scim')).toBe(true);

    // the IdP retries once the admin fixed Server: now it works
    app.sims.server.control.updateSettings({ auth_mode: 'builtin' });
    const retry = await app.scim.post('/Users').send(userBody(email));
    expect(retry.status).toBe(201);
    expect(app.upstream.serverUsers(email)).toHaveLength(1);
    expect(app.upstream.aacPeople(email)).toHaveLength(1);
    expect(app.upstream.aacStatus(email)).toBe('new');
  });

  it('an upstream that hangs past the deadline answers 201 with the mapping pending; the work completes by itself', async () => {
    app = await startProvisionedApp(kind, { env: { BRIDGE_UPSTREAM_DEADLINE_MS: '300' } });
    const email = 'slow@example.com';
    app.sims.server.control.addFault({
      kind: 'hang',
      ms: 1_500,
      then: 'destroy',
      method: 'POST',
      path: '/webapi/v3/users',
      count: 100,
    });
    const started = Date.now();
    const res = await app.scim.post('/Users').send(userBody(email));
    expect(res.status).toBe(201);
    expect(Date.now() - started).toBeLessThan(1_500);
    const id = String(res.body.id);
    const pending = await app.store.mapping('User', id, 'server');
    expect(pending?.state ?? 'pending').toBe('pending');
    expect(app.upstream.serverUsers(email)).toHaveLength(0);

    app.sims.server.control.clearFaults();
    const synced = await eventually(
      'the Server mapping to become synced',
      () => app!.store.mapping('User', id, 'server'),
      (m) => m?.state === 'synced',
      30_000,
    );
    expect(synced?.upstreamId).toBe(app.upstream.serverUser(email)?.id);
    expect(app.upstream.serverUsers(email)).toHaveLength(1);
    expect(app.upstream.aacPeople(email)).toHaveLength(1);
    expect((await app.store.mapping('User', id, 'aac'))?.state).toBe('synced');
  }, 40_000);
});
