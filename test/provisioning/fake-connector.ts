// An in-memory Connector for the provisioning tests: keeps users, groups and memberships like an upstream would,
// records every call, and can be told to fail (transiently N times, reject, not-found, auth) or hang. It behaves as
// its traits declare (AAC-like or Server-like) and passes the same contract suite as the real connectors
// (test/connectors/connector.fake.test.ts).
import type {
  CallContext,
  Connector,
  ConnectorTraits,
  EnsureUserResult,
  MemberChangeResult,
  RemoveUserResult,
  TargetName,
  UpdateUserResult,
  UserSnapshot,
} from '../../src/core/connector.js';
import { UpstreamError, type UpstreamErrorKind } from '../../src/core/errors.js';

type Method = Exclude<keyof Connector, 'target'>;

export interface FakeUser {
  id: string;
  email: string;
  givenName?: string | undefined;
  familyName?: string | undefined;
  active: boolean;
}

interface Fault {
  kind: UpstreamErrorKind | 'hang';
  times: number;
  status?: number | undefined;
  retryAfterMs?: number | undefined;
  message?: string | undefined;
}

/** As AacConnector declares (src/connectors/aac/connector.ts), except that the fake deletes on removeUser. */
export const AAC_LIKE: ConnectorTraits = {
  label: 'AAC-like fake',
  provisionsInactiveUsers: false,
  nameChanges: 'not-propagated',
  linkedUserBaseline: 'scim-state',
  deactivationDropsMemberships: false,
  deprovisioning: 'delete',
};

/** As ServerConnector declares (src/connectors/server/connector.ts) with SERVER_DELETE_MODE=delete. */
export const SERVER_LIKE: ConnectorTraits = {
  label: 'Server-like fake',
  provisionsInactiveUsers: true,
  nameChanges: 'propagated',
  linkedUserBaseline: 'unknown',
  deactivationDropsMemberships: true,
  deprovisioning: 'delete',
};

export class FakeConnector implements Connector {
  readonly calls: Array<{ method: Method; args: unknown[]; requestId: string }> = [];
  readonly users = new Map<string, FakeUser>();
  readonly groups = new Map<string, { id: string; name: string; members: Set<string> }>();
  /** upstream user ids addMembers refuses, with the reason (Server failedUserReasons) */
  readonly refuseMembers = new Map<string, string>();
  readonly traits: ConnectorTraits;
  /** upstream call duration, to exercise concurrency */
  delayMs = 0;
  private readonly faults = new Map<Method, Fault>();
  private nextId = 1;
  private readonly hanging: Array<() => void> = [];
  concurrent = 0;
  maxConcurrent = 0;

  constructor(
    readonly target: TargetName,
    traits: Partial<ConnectorTraits> = {},
  ) {
    this.traits = { ...(target === 'aac' ? AAC_LIKE : SERVER_LIKE), ...traits };
  }

  fail(method: Method, fault: Fault): void {
    this.faults.set(method, fault);
  }

  releaseHanging(): void {
    for (const release of this.hanging.splice(0)) release();
  }

  callsOf(method: Method): Array<{ args: unknown[]; requestId: string }> {
    return this.calls.filter((c) => c.method === method);
  }

  private async enter(method: Method, args: unknown[], ctx: CallContext): Promise<void> {
    this.calls.push({ method, args, requestId: ctx.requestId });
    this.concurrent++;
    this.maxConcurrent = Math.max(this.maxConcurrent, this.concurrent);
    try {
      const started = Date.now();
      if (this.delayMs > 0) await new Promise((r) => setTimeout(r, this.delayMs));
      const fault = this.faults.get(method);
      if (fault && fault.times > 0) {
        fault.times--;
        if (fault.kind === 'hang') {
          await new Promise<void>((resolve) => this.hanging.push(resolve));
        } else {
          ctx.onUpstreamCall?.({
            target: this.target,
            method: 'POST',
            path: `/fake/${method}`,
            status: fault.status ?? null,
            durationMs: Date.now() - started,
            attempt: 1,
            error: fault.message ?? fault.kind,
          });
          throw new UpstreamError(
            this.target,
            fault.kind,
            fault.message ?? `${method}: ${fault.kind}`,
            fault.status,
            fault.retryAfterMs,
          );
        }
      }
      ctx.onUpstreamCall?.({
        target: this.target,
        method: 'POST',
        path: `/fake/${method}`,
        status: 200,
        durationMs: Date.now() - started,
        attempt: 1,
      });
    } finally {
      this.concurrent--;
    }
  }

  private user(id: string): FakeUser {
    const user = this.users.get(id);
    if (!user) throw new UpstreamError(this.target, 'not-found', `user ${id} not found`, 404);
    return user;
  }

  private group(id: string) {
    const group = this.groups.get(id);
    if (!group) throw new UpstreamError(this.target, 'not-found', `group ${id} not found`, 404);
    return group;
  }

  async ensureUser(user: UserSnapshot, ctx: CallContext): Promise<EnsureUserResult> {
    await this.enter('ensureUser', [user], ctx);
    const existing = this.userByEmail(user.email);
    if (existing) {
      if (user.active) existing.active = true;
      return { upstreamId: existing.id, outcome: 'linked' };
    }
    const id = `${this.target}-u${this.nextId++}`;
    this.users.set(id, {
      id,
      email: user.email,
      givenName: user.givenName,
      familyName: user.familyName,
      active: user.active,
    });
    return { upstreamId: id, outcome: 'created' };
  }

  async updateUser(upstreamId: string, user: UserSnapshot, ctx: CallContext): Promise<UpdateUserResult> {
    await this.enter('updateUser', [upstreamId, user], ctx);
    const current = this.user(upstreamId);
    const same =
      current.email === user.email &&
      current.givenName === user.givenName &&
      current.familyName === user.familyName;
    if (same) return { outcome: 'unchanged' };
    if (this.traits.nameChanges === 'not-propagated')
      return { outcome: 'not-propagated', reason: 'AAC admins cannot change names or emails' };
    Object.assign(current, { email: user.email, givenName: user.givenName, familyName: user.familyName });
    return { outcome: 'updated' };
  }

  async deactivateUser(upstreamId: string, ctx: CallContext): Promise<RemoveUserResult> {
    await this.enter('deactivateUser', [upstreamId], ctx);
    this.user(upstreamId).active = false;
    const removedGroupIds: string[] = [];
    if (this.traits.deactivationDropsMemberships) {
      for (const group of this.groups.values()) {
        if (group.members.delete(upstreamId)) removedGroupIds.push(group.id);
      }
    }
    return { removedGroupIds };
  }

  async reactivateUser(upstreamId: string, _user: UserSnapshot, ctx: CallContext): Promise<void> {
    await this.enter('reactivateUser', [upstreamId], ctx);
    this.user(upstreamId).active = true;
  }

  async removeUser(upstreamId: string, ctx: CallContext): Promise<RemoveUserResult> {
    await this.enter('removeUser', [upstreamId], ctx);
    // Already removed is removed (the contract: a second call is not an error).
    this.users.delete(upstreamId);
    const removedGroupIds: string[] = [];
    for (const group of this.groups.values())
      if (group.members.delete(upstreamId)) removedGroupIds.push(group.id);
    return { removedGroupIds };
  }

  async ensureGroup(name: string, ctx: CallContext): Promise<{ upstreamId: string }> {
    await this.enter('ensureGroup', [name], ctx);
    const existing = [...this.groups.values()].find((g) => g.name === name);
    if (existing) return { upstreamId: existing.id };
    const id = `${this.target}-g${this.nextId++}`;
    this.groups.set(id, { id, name, members: new Set() });
    return { upstreamId: id };
  }

  async renameGroup(upstreamId: string, name: string, ctx: CallContext): Promise<void> {
    await this.enter('renameGroup', [upstreamId, name], ctx);
    this.group(upstreamId).name = name;
  }

  async deleteGroup(upstreamId: string, ctx: CallContext): Promise<void> {
    await this.enter('deleteGroup', [upstreamId], ctx);
    this.groups.delete(upstreamId);
  }

  async addMembers(
    groupUpstreamId: string,
    userUpstreamIds: string[],
    ctx: CallContext,
  ): Promise<MemberChangeResult> {
    await this.enter('addMembers', [groupUpstreamId, userUpstreamIds], ctx);
    const group = this.group(groupUpstreamId);
    const failed: MemberChangeResult['failed'] = [];
    for (const id of userUpstreamIds) {
      const reason = this.refuseMembers.get(id) ?? (this.users.has(id) ? undefined : `no user ${id}`);
      if (reason) failed.push({ upstreamUserId: id, reason });
      else group.members.add(id);
    }
    return { failed };
  }

  async removeMembers(groupUpstreamId: string, userUpstreamIds: string[], ctx: CallContext): Promise<void> {
    await this.enter('removeMembers', [groupUpstreamId, userUpstreamIds], ctx);
    const group = this.group(groupUpstreamId);
    for (const id of userUpstreamIds) group.members.delete(id);
  }

  async checkReady(ctx: CallContext): Promise<void> {
    await this.enter('checkReady', [], ctx);
  }

  close(): Promise<void> {
    this.releaseHanging();
    return Promise.resolve();
  }

  userByEmail(email: string): FakeUser | undefined {
    return [...this.users.values()].find((u) => u.email.toLowerCase() === email.toLowerCase());
  }

  groupByName(name: string) {
    return [...this.groups.values()].find((g) => g.name === name);
  }
}
