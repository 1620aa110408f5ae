// docs/reference/upstream-contracts.md A.6.7 workspace user groups. Member ids arrive as strings or ints (spec: strings; people: ints).
import type { SimClock } from '../shared/clock.js';
import { ulid } from '../shared/ids.js';
import { AacError } from './errors.js';
import type { Group } from './model.js';
import type { PeopleService } from './people-service.js';
import type { AacStore } from './store.js';

export interface CreateGroupInput {
  name: string;
  roleIds: number[];
  memberIds: number[];
  scimEnabled: boolean;
  externalId: string | null;
}

export class GroupsService {
  constructor(
    private readonly store: AacStore,
    private readonly people: PeopleService,
    private readonly clock: SimClock,
  ) {}

  requireGroup(workspaceId: number, groupId: string): Group {
    const group = this.store.groups.get(groupId);
    if (!group || group.workspaceId !== workspaceId)
      throw AacError.notFound(`group ${groupId} does not exist in this workspace`);
    return group;
  }

  create(workspaceId: number, input: CreateGroupInput): Group {
    this.checkNameFree(workspaceId, input.name);
    this.checkRoles(workspaceId, input.roleIds);
    this.checkMembers(workspaceId, input.memberIds);
    const nowIso = this.clock.nowIso();
    const group: Group = {
      id: ulid(this.clock.now()),
      workspaceId,
      name: input.name,
      externalId: input.externalId,
      scimEnabled: input.scimEnabled,
      createdAt: nowIso,
      updatedAt: nowIso,
      users: new Set(input.memberIds),
      policies: new Set(input.roleIds),
      version: 1,
    };
    this.store.groups.set(group.id, group);
    return group;
  }

  rename(workspaceId: number, groupId: string, name: string): Group {
    const group = this.requireGroup(workspaceId, groupId);
    if (group.name !== name) this.checkNameFree(workspaceId, name);
    group.name = name;
    this.touch(group);
    return group;
  }

  remove(workspaceId: number, groupId: string): void {
    this.requireGroup(workspaceId, groupId);
    this.store.groups.delete(groupId);
  }

  addUsers(workspaceId: number, groupId: string, personIds: number[]): void {
    const group = this.requireGroup(workspaceId, groupId);
    this.checkMembers(workspaceId, personIds);
    for (const id of personIds) group.users.add(id);
    this.touch(group);
  }

  /** Removing a person who is not in the group is not an error. */
  removeUsers(workspaceId: number, groupId: string, personIds: number[]): void {
    const group = this.requireGroup(workspaceId, groupId);
    for (const id of personIds) group.users.delete(id);
    this.touch(group);
  }

  setRoles(workspaceId: number, groupId: string, roleIds: number[]): void {
    const group = this.requireGroup(workspaceId, groupId);
    this.checkRoles(workspaceId, roleIds);
    group.policies = new Set(roleIds);
    this.touch(group);
  }

  private touch(group: Group): void {
    group.updatedAt = this.clock.nowIso();
    group.version += 1;
  }

  private checkNameFree(workspaceId: number, name: string): void {
    const lower = name.toLowerCase();
    if (this.store.groupsOf(workspaceId).some((group) => group.name.toLowerCase() === lower)) {
      throw AacError.validation(`a group named "${name}" already exists in this workspace`);
    }
  }

  private checkRoles(workspaceId: number, roleIds: number[]): void {
    for (const id of roleIds) {
      const role = this.store.roles.get(id);
      if (!role || role.workspaceId !== workspaceId)
        throw AacError.validation(`role ${id} does not exist in this workspace`);
    }
  }

  private checkMembers(workspaceId: number, personIds: number[]): void {
    for (const id of personIds) this.people.requireMembership(workspaceId, id, 400);
  }
}
