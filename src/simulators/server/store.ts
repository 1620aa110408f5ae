// The Server simulator's state and its rules (docs/reference/upstream-contracts.md B.5, B.6), indexed for the hot paths: users by id and by
// lower-cased email, each user's usergroups.
import type { SimClock } from '../shared/clock.js';
import { hexId } from '../shared/ids.js';
import { ServerError } from './errors.js';
import {
  USER_DEFAULTS,
  type GroupMember,
  type User,
  type UserAssets,
  type UserFields,
  type UserGroup,
} from './model.js';
import type { ServerRole } from './roles.js';
import type { ServerSettings } from './settings.js';

export interface ApiCredential {
  secret: string;
  userId: string;
}

export class ServerStore {
  readonly users = new Map<string, User>();
  readonly usersByEmail = new Map<string, Set<string>>();
  readonly groups = new Map<string, UserGroup>();
  readonly groupsOfUser = new Map<string, Set<string>>();
  readonly assets = new Map<string, UserAssets>();
  /** API access key → secret and owner (B.2) */
  readonly credentials = new Map<string, ApiCredential>();

  constructor(
    private readonly clock: SimClock,
    private readonly settings: () => ServerSettings,
  ) {}

  findByEmail(email: string): User[] {
    const ids = this.usersByEmail.get(email.toLowerCase());
    return ids ? [...ids].flatMap((id) => this.users.get(id) ?? []) : [];
  }

  requireUser(id: string): User {
    const user = this.users.get(id);
    if (!user) throw ServerError.notFound(`User ${id} was not found.`);
    return user;
  }

  requireGroup(id: string): UserGroup {
    const group = this.groups.get(id);
    if (!group) throw ServerError.notFound(`User group ${id} was not found.`);
    return group;
  }

  createUser(fields: Pick<UserFields, 'firstName' | 'lastName' | 'email'> & Partial<UserFields>): User {
    this.checkEmailFree(fields.email, undefined);
    const user: User = {
      ...USER_DEFAULTS,
      ...fields,
      id: hexId(),
      dateCreated: this.clock.nowIso(),
      lastLoginDateTime: null,
      sharedCredentialIds: [],
      dataConnectionIds: [],
    };
    this.users.set(user.id, user);
    this.indexEmail(user.id, user.email);
    return user;
  }

  /** PUT: the whole contract replaces the stored fields; the id in the URL wins over any id in the body (B.5). */
  replaceUser(id: string, fields: Partial<UserFields>): User {
    const user = this.requireUser(id);
    if (fields.email !== undefined && fields.email.toLowerCase() !== user.email.toLowerCase())
      this.checkEmailFree(fields.email, id);
    const previousEmail = user.email;
    Object.assign(user, fields);
    if (previousEmail !== user.email) {
      this.usersByEmail.get(previousEmail.toLowerCase())?.delete(id);
      this.indexEmail(id, user.email);
    }
    return user;
  }

  /** Hard delete, refused while the user owns assets or belongs to a usergroup (B.5, Part D #29). */
  deleteUser(id: string): void {
    const user = this.requireUser(id);
    const assets = this.assets.get(id);
    const ownsAssets =
      assets !== undefined &&
      assets.workflows.length + assets.schedules.length + assets.collections.length > 0;
    const inGroups = (this.groupsOfUser.get(id)?.size ?? 0) > 0;
    if (ownsAssets || inGroups) {
      throw new ServerError(
        this.settings().delete_user_with_assets_or_groups,
        `User ${id} cannot be deleted because they ${ownsAssets ? 'own assets (workflows, schedules or collections)' : 'belong to one or more user groups'}.`,
      );
    }
    this.users.delete(id);
    this.usersByEmail.get(user.email.toLowerCase())?.delete(id);
    this.assets.delete(id);
    for (const [key, credential] of this.credentials)
      if (credential.userId === id) this.credentials.delete(key);
  }

  /** `POST …/deactivate`: isActive=false and out of every group; returns the group ids it left. */
  deactivateUser(id: string): string[] {
    const user = this.requireUser(id);
    user.isActive = false;
    const groupIds = [...(this.groupsOfUser.get(id) ?? [])];
    for (const groupId of groupIds) this.removeMember(groupId, id);
    return groupIds;
  }

  createGroup(name: string, role: ServerRole): UserGroup {
    this.checkGroupNameFree(name, undefined);
    const group: UserGroup = { id: hexId(), name, role, dateAdded: this.clock.nowIso(), members: new Map() };
    this.groups.set(group.id, group);
    return group;
  }

  updateGroup(id: string, name: string, role: ServerRole): UserGroup {
    const group = this.requireGroup(id);
    this.checkGroupNameFree(name, id);
    group.name = name;
    group.role = role;
    return group;
  }

  /** B.6: 400 when the group still has members and `forceDelete` is false. */
  deleteGroup(id: string, force: boolean): void {
    const group = this.requireGroup(id);
    if (group.members.size > 0 && !force)
      throw ServerError.badRequest(
        `User group ${id} is not empty. Use forceDelete=true to delete it anyway.`,
      );
    for (const userId of [...group.members.keys()]) this.removeMember(id, userId);
    this.groups.delete(id);
  }

  /** B.6 add users: per-id outcome; unknown ids and ids listed in `add_users_fail_ids` (Part D #32) fail. */
  addMembers(groupId: string, userIds: string[], addedByUserId: string) {
    const group = this.requireGroup(groupId);
    const failIds = new Set(this.settings().add_users_fail_ids);
    const failedUserReasons: Record<string, string> = {};
    let successfullyAddedUserCount = 0;
    for (const userId of userIds) {
      if (failIds.has(userId))
        failedUserReasons[userId] = 'Simulated failure: the user could not be added to the user group.';
      else if (!this.users.has(userId)) failedUserReasons[userId] = `User ${userId} was not found.`;
      else {
        if (!group.members.has(userId)) this.addMember(group, userId, addedByUserId);
        successfullyAddedUserCount += 1;
      }
    }
    return { successfullyAddedUserCount, totalUsersSubmittedCount: userIds.length, failedUserReasons };
  }

  /** Idempotent: removing a non-member is fine (B.6). */
  removeMember(groupId: string, userId: string): UserGroup {
    const group = this.requireGroup(groupId);
    group.members.delete(userId);
    this.groupsOfUser.get(userId)?.delete(groupId);
    return group;
  }

  assetsOf(userId: string): UserAssets {
    let assets = this.assets.get(userId);
    if (!assets) this.assets.set(userId, (assets = { workflows: [], schedules: [], collections: [] }));
    return assets;
  }

  private addMember(group: UserGroup, userId: string, addedByUserId: string): void {
    const member: GroupMember = { userId, dateAddedToGroup: this.clock.nowIso(), addedByUserId };
    group.members.set(userId, member);
    let groups = this.groupsOfUser.get(userId);
    if (!groups) this.groupsOfUser.set(userId, (groups = new Set()));
    groups.add(group.id);
  }

  private indexEmail(id: string, email: string): void {
    const key = email.toLowerCase();
    let ids = this.usersByEmail.get(key);
    if (!ids) this.usersByEmail.set(key, (ids = new Set()));
    ids.add(id);
  }

  /** Part D #27 */
  private checkEmailFree(email: string, exceptId: string | undefined): void {
    if (this.settings().duplicate_email === 'allow') return;
    if (this.findByEmail(email).some((user) => user.id !== exceptId))
      throw ServerError.badRequest(`A user with the email ${email} already exists.`);
  }

  private checkGroupNameFree(name: string, exceptId: string | undefined): void {
    const lower = name.toLowerCase();
    for (const group of this.groups.values()) {
      if (group.id !== exceptId && group.name.toLowerCase() === lower)
        throw ServerError.badRequest(`A user group named ${name} already exists.`);
    }
  }
}
