// Writes SCIM rows the way the SCIM layer does (rows + outbox in ONE withTransaction), for provisioning tests.
import crypto from 'node:crypto';
import type { TargetName } from '../../src/core/connector.js';
import type { DatabaseHandle } from '../../src/store/database.js';
import type { WorkSignal } from '../../src/core/provisioning/signals.js';
import { enqueueGroupSync, enqueueUserSync } from '../../src/store/provisioning/outbox.js';
import { withTransaction } from '../../src/store/transaction.js';
import { prismaRunner } from '../../src/store/sql-runner.js';

export interface UserInput {
  userName: string;
  email?: string | undefined;
  givenName?: string | undefined;
  familyName?: string | undefined;
  active?: boolean | undefined;
}

function userColumns(u: UserInput) {
  const data = {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
    userName: u.userName,
    name: { givenName: u.givenName, familyName: u.familyName },
    emails: u.email ? [{ value: u.email, type: 'work', primary: true }] : [],
    active: u.active ?? true,
  };
  const displayName = [u.givenName, u.familyName].filter(Boolean).join(' ') || null;
  return {
    userName: u.userName,
    userNameLower: u.userName.toLowerCase(),
    displayName,
    emailLower: (u.email ?? u.userName).toLowerCase(),
    active: u.active ?? true,
    data: JSON.stringify(data),
  };
}

export class ScimFixture {
  private readonly users = new Map<string, UserInput>();

  constructor(
    private readonly handle: DatabaseHandle,
    readonly targets: TargetName[],
    /** a runner's signals, to wake it at once as the SCIM services do (else its poll finds the work) */
    private readonly signals?: WorkSignal,
  ) {}

  private rid(): string {
    return `req-${crypto.randomUUID()}`;
  }

  async createUser(u: UserInput, requestId = this.rid()): Promise<{ id: string; requestId: string }> {
    const id = crypto.randomUUID();
    await withTransaction(this.handle, async (tx) => {
      await tx.scimUser.create({ data: { id, ...userColumns(u) } });
      await enqueueUserSync(prismaRunner(tx), { requestId, userId: id, targets: this.targets }, this.signals);
    });
    this.users.set(id, u);
    return { id, requestId };
  }

  async updateUser(id: string, change: Partial<UserInput>, requestId = this.rid()): Promise<string> {
    const next = { ...this.users.get(id)!, ...change };
    await withTransaction(this.handle, async (tx) => {
      await tx.scimUser.update({ where: { id }, data: userColumns(next) });
      await enqueueUserSync(prismaRunner(tx), { requestId, userId: id, targets: this.targets }, this.signals);
    });
    this.users.set(id, next);
    return requestId;
  }

  async deleteUser(id: string, requestId = this.rid()): Promise<string> {
    await withTransaction(this.handle, async (tx) => {
      await tx.scimUser.delete({ where: { id } });
      await enqueueUserSync(prismaRunner(tx), { requestId, userId: id, targets: this.targets }, this.signals);
    });
    return requestId;
  }

  /** Compensation of a rejected DELETE: the same user (same id) comes back. */
  async restoreUser(id: string, requestId = this.rid()): Promise<string> {
    const u = this.users.get(id)!;
    await withTransaction(this.handle, async (tx) => {
      await tx.scimUser.create({ data: { id, ...userColumns(u) } });
      await enqueueUserSync(prismaRunner(tx), { requestId, userId: id, targets: this.targets }, this.signals);
    });
    return requestId;
  }

  async createGroup(
    displayName: string,
    members: string[] = [],
    requestId = this.rid(),
  ): Promise<{ id: string; requestId: string }> {
    const id = crypto.randomUUID();
    await withTransaction(this.handle, async (tx) => {
      await tx.scimGroup.create({ data: { id, displayName, displayNameLower: displayName.toLowerCase() } });
      if (members.length)
        await tx.groupMember.createMany({ data: members.map((userId) => ({ groupId: id, userId })) });
      await enqueueGroupSync(
        prismaRunner(tx),
        {
          requestId,
          groupId: id,
          targets: this.targets,
          added: members,
        },
        this.signals,
      );
    });
    return { id, requestId };
  }

  async renameGroup(id: string, displayName: string, requestId = this.rid()): Promise<string> {
    await withTransaction(this.handle, async (tx) => {
      await tx.scimGroup.update({
        where: { id },
        data: { displayName, displayNameLower: displayName.toLowerCase() },
      });
      await enqueueGroupSync(
        prismaRunner(tx),
        { requestId, groupId: id, targets: this.targets },
        this.signals,
      );
    });
    return requestId;
  }

  async addMembers(groupId: string, userIds: string[], requestId = this.rid()): Promise<string> {
    await withTransaction(this.handle, async (tx) => {
      await tx.groupMember.createMany({ data: userIds.map((userId) => ({ groupId, userId })) });
      await enqueueGroupSync(
        prismaRunner(tx),
        { requestId, groupId, targets: this.targets, added: userIds },
        this.signals,
      );
    });
    return requestId;
  }

  async removeMembers(groupId: string, userIds: string[], requestId = this.rid()): Promise<string> {
    await withTransaction(this.handle, async (tx) => {
      await tx.groupMember.deleteMany({ where: { groupId, userId: { in: userIds } } });
      await enqueueGroupSync(
        prismaRunner(tx),
        {
          requestId,
          groupId,
          targets: this.targets,
          removed: userIds,
        },
        this.signals,
      );
    });
    return requestId;
  }

  async deleteGroup(id: string, requestId = this.rid()): Promise<string> {
    await withTransaction(this.handle, async (tx) => {
      await tx.scimGroup.delete({ where: { id } });
      await enqueueGroupSync(
        prismaRunner(tx),
        { requestId, groupId: id, targets: this.targets },
        this.signals,
      );
    });
    return requestId;
  }
}
