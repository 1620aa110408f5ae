// The one behaviour suite every Connector must pass (docs/reference/style.md: contract suites): the AAC and Server connectors
// against their simulators, and the provisioning tests' in-memory fake. The harness reads the upstream's state so the
// assertions check what really happened upstream, not what the connector says; where the products differ, the
// connector's declared traits (src/core/connector.ts) say what to expect, so the suite also proves the declaration.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CallContext, Connector, UpstreamCall, UserSnapshot } from '../../src/core/connector.js';

export type UpstreamUserStatus = 'active' | 'inactive' | 'absent';

export interface ConnectorUnderTest {
  connector: Connector;
  /** upstream accounts with this email (case-insensitive) */
  usersWithEmail(email: string): number;
  userStatus(upstreamId: string): UpstreamUserStatus;
  /** ids of upstream groups with this name (case-insensitive) */
  groupsNamed(name: string): string[];
  groupName(groupId: string): string | undefined;
  groupMembers(groupId: string): string[];
  close(): Promise<void>;
}

export function recordingContext(requestId = 'contract'): CallContext & { calls: UpstreamCall[] } {
  const calls: UpstreamCall[] = [];
  return { requestId, calls, onUpstreamCall: (call) => calls.push(call) };
}

let counter = 0;
export function aUser(overrides: Partial<UserSnapshot> = {}): UserSnapshot {
  counter += 1;
  return {
    scimId: `scim-${counter}`,
    email: `user${counter}.contract@example.com`,
    givenName: 'Ada',
    familyName: `Lovelace${counter}`,
    displayName: `Ada Lovelace${counter}`,
    active: true,
    ...overrides,
  };
}

export function connectorContract(label: string, make: () => Promise<ConnectorUnderTest>): void {
  describe(`Connector contract: ${label}`, () => {
    let sut: ConnectorUnderTest;
    let ctx: ReturnType<typeof recordingContext>;

    beforeEach(async () => {
      sut = await make();
      ctx = recordingContext();
    });
    afterEach(async () => {
      await sut.close();
    });

    it('checkReady succeeds with valid credentials', async () => {
      await expect(sut.connector.checkReady(ctx)).resolves.toBeUndefined();
    });

    it('ensureUser is idempotent: the second call links the same upstream user', async () => {
      const user = aUser();
      const first = await sut.connector.ensureUser(user, ctx);
      expect(['created', 'invited']).toContain(first.outcome);
      const second = await sut.connector.ensureUser({ ...user, email: user.email.toUpperCase() }, ctx);
      expect(second).toEqual({ upstreamId: first.upstreamId, outcome: 'linked' });
      expect(sut.usersWithEmail(user.email)).toBe(1);
      expect(sut.userStatus(first.upstreamId)).toBe('active');
    });

    it('concurrent ensureUser calls for one email create one upstream user', async () => {
      const user = aUser();
      const results = await Promise.all(Array.from({ length: 5 }, () => sut.connector.ensureUser(user, ctx)));
      expect(new Set(results.map((r) => r.upstreamId)).size).toBe(1);
      expect(results.filter((r) => r.outcome !== 'linked')).toHaveLength(1);
      expect(sut.usersWithEmail(user.email)).toBe(1);
    });

    it('updateUser reports a name change and "unchanged" when nothing differs', async () => {
      const user = aUser({ givenName: undefined, familyName: undefined, displayName: undefined });
      const { upstreamId } = await sut.connector.ensureUser(user, ctx);
      expect(await sut.connector.updateUser(upstreamId, user, ctx)).toMatchObject({ outcome: 'unchanged' });
      const renamed = { ...user, givenName: 'Grace', familyName: 'Hopper', displayName: 'Grace Hopper' };
      const result = await sut.connector.updateUser(upstreamId, renamed, ctx);
      // Server pushes a name change, AAC cannot take one from an admin (A.6.3).
      expect(result.outcome).toBe(
        sut.connector.traits.nameChanges === 'propagated' ? 'updated' : 'not-propagated',
      );
      if (result.outcome === 'not-propagated') expect(result.reason).toBeTruthy();
    });

    it('deactivate and reactivate flip the upstream state and are idempotent', async () => {
      const user = aUser();
      const { upstreamId } = await sut.connector.ensureUser(user, ctx);
      const removed = await sut.connector.deactivateUser(upstreamId, ctx);
      expect(Array.isArray(removed.removedGroupIds)).toBe(true);
      await sut.connector.deactivateUser(upstreamId, ctx);
      expect(sut.userStatus(upstreamId)).toBe('inactive');
      await sut.connector.reactivateUser(upstreamId, user, ctx);
      await sut.connector.reactivateUser(upstreamId, user, ctx);
      expect(sut.userStatus(upstreamId)).toBe('active');
    });

    it("deactivation empties the user's groups exactly when the connector declares so", async () => {
      const { upstreamId: groupId } = await sut.connector.ensureGroup(`Deactivation ${++counter}`, ctx);
      const { upstreamId } = await sut.connector.ensureUser(aUser(), ctx);
      await sut.connector.addMembers(groupId, [upstreamId], ctx);
      const { removedGroupIds } = await sut.connector.deactivateUser(upstreamId, ctx);
      const drops = sut.connector.traits.deactivationDropsMemberships;
      expect(removedGroupIds).toEqual(drops ? [groupId] : []);
      expect(sut.groupMembers(groupId)).toEqual(drops ? [] : [upstreamId]);
    });

    it('ensureUser of an existing inactive user links it and makes it active again', async () => {
      const user = aUser();
      const { upstreamId } = await sut.connector.ensureUser(user, ctx);
      await sut.connector.deactivateUser(upstreamId, ctx);
      expect(await sut.connector.ensureUser(user, ctx)).toEqual({ upstreamId, outcome: 'linked' });
      expect(sut.userStatus(upstreamId)).toBe('active');
    });

    it('removeUser removes the user and a second call is not an error', async () => {
      const { upstreamId } = await sut.connector.ensureUser(aUser(), ctx);
      await sut.connector.removeUser(upstreamId, ctx);
      await expect(sut.connector.removeUser(upstreamId, ctx)).resolves.toBeDefined();
      const left = sut.connector.traits.deprovisioning === 'deactivate' ? 'inactive' : 'absent';
      expect(sut.userStatus(upstreamId)).toBe(left);
    });

    it('groups: ensure (idempotent, adopts by name), rename, members, delete (idempotent)', async () => {
      const name = `Contract Group ${++counter}`;
      const { upstreamId: groupId } = await sut.connector.ensureGroup(name, ctx);
      expect(await sut.connector.ensureGroup(name, ctx)).toEqual({ upstreamId: groupId });
      expect(sut.groupsNamed(name)).toEqual([groupId]);

      const a = (await sut.connector.ensureUser(aUser(), ctx)).upstreamId;
      const b = (await sut.connector.ensureUser(aUser(), ctx)).upstreamId;
      expect(await sut.connector.addMembers(groupId, [a, b], ctx)).toEqual({ failed: [] });
      expect(await sut.connector.addMembers(groupId, [a], ctx)).toEqual({ failed: [] });
      expect(sut.groupMembers(groupId).sort()).toEqual([a, b].sort());

      await sut.connector.removeMembers(groupId, [a], ctx);
      await sut.connector.removeMembers(groupId, [a], ctx);
      expect(sut.groupMembers(groupId)).toEqual([b]);

      await sut.connector.renameGroup(groupId, `${name} renamed`, ctx);
      expect(sut.groupName(groupId)).toBe(`${name} renamed`);

      await sut.connector.deleteGroup(groupId, ctx);
      await sut.connector.deleteGroup(groupId, ctx);
      expect(sut.groupName(groupId)).toBeUndefined();
    });

    it('addMembers reports ids the upstream refuses without failing the others', async () => {
      const { upstreamId: groupId } = await sut.connector.ensureGroup(`Partial ${++counter}`, ctx);
      const a = (await sut.connector.ensureUser(aUser(), ctx)).upstreamId;
      const missing = /^\d+$/.test(a) ? '987654' : 'ffffffffffffffffffffffff';
      const result = await sut.connector.addMembers(groupId, [a, missing], ctx);
      expect(result.failed.map((f) => f.upstreamUserId)).toEqual([missing]);
      expect(sut.groupMembers(groupId)).toEqual([a]);
    });

    it('reports every upstream call to the context, without credentials', async () => {
      await sut.connector.ensureUser(aUser(), ctx);
      expect(ctx.calls.length).toBeGreaterThan(0);
      for (const call of ctx.calls) {
        expect(call.target).toBe(sut.connector.target);
        expect(call.attempt).toBeGreaterThanOrEqual(1);
        expect(call.path).not.toMatch(/token=|secret|Bearer/i);
      }
    });
  });
}
