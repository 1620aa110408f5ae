// Crash test (ADR 0004): a burst of 200 concurrent creates, the bridge process SIGKILLed midway, restarted on the
// same SQLite file. Every user that got a 201 — and every in-flight user that was stored — must end up exactly once
// on AAC (one person, one membership) and exactly once on Server, with both mappings `synced`; users whose request
// never committed may be missing but never half-provisioned. The IdP then retries what failed, and all 200 exist
// exactly once upstream. Recovery of jobs that were running at the kill waits for their lease (60 s by default).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type DatabaseHandle } from '../../src/store/database.js';
import { startSimulators, type RunningSimulators } from '../../src/simulators/index.js';
import { userBody } from '../support/test-app.js';
import { startChildBridge, type ChildBridge } from './support/child-bridge.js';
import { simulatorEnv, TEST_TOKEN } from './support/provisioned-app.js';

const USERS = 200;
const KILL_AFTER_RESPONSES = 80;
const emailOf = (i: number) => `crash.user.${String(i).padStart(3, '0')}@example.com`;

type Outcome = { i: number; status: number; id?: string } | { i: number; error: string };

async function createUser(bridge: ChildBridge, i: number): Promise<Outcome> {
  try {
    const res = await fetch(`${bridge.baseUrl}/scim/v2/Users`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_TOKEN}`, 'content-type': 'application/scim+json' },
      body: JSON.stringify(userBody(emailOf(i))),
      signal: AbortSignal.timeout(30_000),
    });
    const body = (await res.json()) as { id?: unknown };
    return { i, status: res.status, ...(typeof body.id === 'string' && { id: body.id }) };
  } catch (error) {
    return { i, error: error instanceof Error ? error.message : String(error) };
  }
}

describe('crash during a burst of creates (SQLite, child process)', () => {
  let sims: RunningSimulators;
  let dir: string;
  let bridge: ChildBridge | undefined;
  let handle: DatabaseHandle | undefined;
  let env: Record<string, string>;

  beforeAll(async () => {
    sims = await startSimulators({ aacPort: 0, serverPort: 0 });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scim-bridge-crash-'));
    env = {
      ...simulatorEnv(sims),
      DATABASE_URL: `file:${path.join(dir, 'bridge.db')}`,
      SCIM_TOKEN: TEST_TOKEN,
      BRIDGE_LEASE_MS: '5000',
    };
  });
  afterAll(async () => {
    await handle?.close();
    await bridge?.stop();
    await sims?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  const aacPeople = (email: string) =>
    sims.aac.control.state().people.filter((p) => p.email.toLowerCase() === email);
  const serverUsers = (email: string) =>
    sims.server.control.state().users.filter((u) => u.email.toLowerCase() === email);

  async function storedUsers(db: DatabaseHandle) {
    return db.db.scimUser.findMany({ select: { id: true, emailLower: true } });
  }

  async function waitAllSynced(db: DatabaseHandle, expected: number, timeoutMs: number) {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const users = await db.db.scimUser.count();
      const synced = await db.db.idMapping.count({ where: { resourceType: 'User', state: 'synced' } });
      if (users === expected && synced === 2 * expected) return;
      if (Date.now() > until)
        throw new Error(
          `after ${timeoutMs} ms: ${users} users, ${synced} synced mappings (want ${2 * expected})\n${bridge?.logTail()}`,
        );
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  it('ends with every committed user exactly once on both targets, and all 200 after the IdP retries', async () => {
    const startedAt = Date.now();
    bridge = await startChildBridge(env);
    const startupMs = Date.now() - startedAt;

    // the burst; SIGKILL once KILL_AFTER_RESPONSES answers came back
    let answered = 0;
    let killed: Promise<void> | undefined;
    const first = bridge;
    const outcomes = await Promise.all(
      Array.from({ length: USERS }, (_, i) =>
        createUser(first, i).then((o) => {
          if ('status' in o && ++answered === KILL_AFTER_RESPONSES) killed = first.kill();
          return o;
        }),
      ),
    );
    await killed;
    const ok = outcomes.filter(
      (o): o is { i: number; status: number; id: string } => 'status' in o && o.status === 201 && !!o.id,
    );
    const failed = outcomes.filter((o) => !('status' in o) || o.status !== 201);
    expect(ok.length).toBeGreaterThanOrEqual(KILL_AFTER_RESPONSES);
    expect(failed.length, 'the kill should interrupt part of the burst').toBeGreaterThan(0);

    // restart on the same database; recovery needs no request
    bridge = await startChildBridge(env);
    handle = openDatabase(env.DATABASE_URL!);
    const stored = await storedUsers(handle);
    const storedIds = new Set(stored.map((u) => u.id));
    for (const o of ok) expect(storedIds.has(o.id)).toBe(true);
    await waitAllSynced(handle, stored.length, 100_000);
    const recoveredMs = Date.now() - startedAt;

    const storedEmails = new Set(stored.map((u) => u.emailLower!));
    for (let i = 0; i < USERS; i++) {
      const email = emailOf(i);
      if (storedEmails.has(email)) {
        expect(aacPeople(email), email).toHaveLength(1);
        expect(
          aacPeople(email)[0]!.memberships.filter((m) => m.workspaceId === sims.aac.workspaceId),
          email,
        ).toHaveLength(1);
        expect(serverUsers(email), email).toHaveLength(1);
      } else {
        // never committed: nothing upstream either (never half-provisioned)
        expect(aacPeople(email), email).toHaveLength(0);
        expect(serverUsers(email), email).toHaveLength(0);
      }
    }

    // the IdP retries what failed: 201 for users never stored, 409 (uniqueness) for stored ones
    const retried = await Promise.all(failed.map((o) => createUser(bridge!, o.i)));
    for (const r of retried)
      expect('status' in r && [201, 409].includes(r.status), JSON.stringify(r)).toBe(true);
    await waitAllSynced(handle, USERS, 30_000);
    for (let i = 0; i < USERS; i++) {
      expect(aacPeople(emailOf(i))).toHaveLength(1);
      expect(serverUsers(emailOf(i))).toHaveLength(1);
    }
    const invites = sims.aac.control
      .requests()
      .filter((r) => r.method === 'POST' && r.path.endsWith('/people/batch')).length;
    const serverCreates = sims.server.control
      .requests()
      .filter((r) => r.method === 'POST' && r.path === '/webapi/v3/users').length;
    console.log(
      JSON.stringify({
        startupMs,
        answeredBeforeKill: answered,
        created201: ok.length,
        failedAtKill: failed.length,
        storedAtRestart: stored.length,
        inFlightButStored: stored.length - ok.length,
        retried201: retried.filter((r) => 'status' in r && r.status === 201).length,
        retried409: retried.filter((r) => 'status' in r && r.status === 409).length,
        recoveredMs,
        totalMs: Date.now() - startedAt,
        aacInviteCalls: invites,
        serverCreateCalls: serverCreates,
      }),
    );
  }, 150_000);
});
