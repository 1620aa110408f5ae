// The Alteryx Server Connector: provisioning rules of docs/reference/bridge-interface.md (Server column) on top of ServerApi.
import type {
  CallContext,
  Connector,
  ConnectorTraits,
  EnsureUserResult,
  MemberChangeResult,
  RemoveUserResult,
  UpdateUserResult,
  UserSnapshot,
} from '../../core/connector.js';
import { UpstreamError } from '../../core/errors.js';
import { mapWithLimit } from '../call-context.js';
import type { HttpClient } from '../http-client.js';
import { createOrAdopt } from '../create-or-adopt.js';
import { KeyedMutex } from '../../shared/mutex.js';
import { mergedUpdate, namesFor } from './mapper.js';
import type { ServerApi } from './server-api.js';
import type { ServerUser } from './schemas.js';
import type { ServerTokenProvider } from './token-provider.js';

export type ServerDeleteMode = 'deactivate' | 'delete';

export interface ServerConnectorParts {
  api: ServerApi;
  http: HttpClient;
  tokens: ServerTokenProvider;
  /** SERVER_DEFAULT_ROLE for created users */
  defaultRole: string;
  /** SERVER_GROUP_ROLE for created usergroups */
  groupRole: string;
  /** SERVER_DELETE_MODE */
  deleteMode: ServerDeleteMode;
}

const REMOVE_CONCURRENCY = 4;

export class ServerConnector implements Connector {
  readonly target = 'server' as const;
  /** docs/reference/bridge-interface.md, Server column (docs/reference/bridge-interface.md). */
  readonly traits: ConnectorTraits;
  private readonly api: ServerApi;
  private readonly perEmail = new KeyedMutex();
  private readonly perGroupName = new KeyedMutex();

  constructor(private readonly parts: ServerConnectorParts) {
    this.api = parts.api;
    this.traits = {
      label: 'Alteryx Server',
      provisionsInactiveUsers: true,
      nameChanges: 'propagated',
      linkedUserBaseline: 'unknown',
      // B.5: deactivation removes the user from every usergroup.
      deactivationDropsMemberships: true,
      deprovisioning: parts.deleteMode,
    };
  }

  /**
   * `GET /v3/users?email=` → link; else `POST /v3/users` with isActive = user.active. A linked inactive user is
   * reactivated when the SCIM user is active. A refused create (duplicate email, Part D #27) or an ambiguous one
   * (timeout, 5xx) is resolved by looking the email up again. Serialised per email in this process.
   */
  ensureUser(user: UserSnapshot, ctx: CallContext): Promise<EnsureUserResult> {
    return this.perEmail.run(user.email.toLowerCase(), async () => {
      const existing = await this.api.findUserByEmail(user.email, ctx);
      if (existing) {
        if (user.active && existing.isActive === false) await this.reactivateUser(existing.id, user, ctx);
        return { upstreamId: existing.id, outcome: 'linked' };
      }
      const contract = {
        ...namesFor(user),
        email: user.email,
        role: this.parts.defaultRole,
        isActive: user.active,
      };
      const { value, via } = await createOrAdopt({
        // 2xx without a readable user: find it by email rather than guessing its id.
        create: async () =>
          (await this.api.createUser(contract, ctx)) ?? (await this.findCreated(user.email, ctx)),
        lookup: () => this.api.findUserByEmail(user.email, ctx),
      });
      // Adopted = found by email after a refused or ambiguous create; whose create it was cannot be told, so
      // it is reported as linked.
      return { upstreamId: value.id, outcome: via === 'created' ? 'created' : 'linked' };
    });
  }

  /**
   * B.5: GET the full user, merge, PUT the whole object. Name parts are only overwritten when SCIM has them;
   * `isActive` is left to deactivate/reactivate.
   */
  async updateUser(upstreamId: string, user: UserSnapshot, ctx: CallContext): Promise<UpdateUserResult> {
    const { user: current, raw } = await this.api.getUser(upstreamId, ctx);
    const changes: Record<string, unknown> = {};
    if (current.email !== user.email) changes.email = user.email;
    if (user.givenName?.trim() && current.firstName !== user.givenName.trim())
      changes.firstName = user.givenName.trim();
    if (user.familyName?.trim() && current.lastName !== user.familyName.trim())
      changes.lastName = user.familyName.trim();
    if (Object.keys(changes).length === 0) return { outcome: 'unchanged' };
    await this.api.putUser(upstreamId, mergedUpdate(raw, changes), ctx);
    return { outcome: 'updated' };
  }

  /** B.5 deactivate: the answer lists the usergroups the user was removed from, for later restoration. */
  async deactivateUser(upstreamId: string, ctx: CallContext): Promise<RemoveUserResult> {
    return { removedGroupIds: await this.api.deactivateUser(upstreamId, ctx) };
  }

  /** GET, then PUT with isActive true; group memberships are restored by the core through addMembers. */
  async reactivateUser(upstreamId: string, _user: UserSnapshot, ctx: CallContext): Promise<void> {
    const { user: current, raw } = await this.api.getUser(upstreamId, ctx);
    if (current.isActive === true) return;
    await this.api.putUser(upstreamId, mergedUpdate(raw, { isActive: true }), ctx);
  }

  /**
   * SERVER_DELETE_MODE. `deactivate`: as deactivateUser. `delete`: deactivate first (it empties the user's
   * groups, which B.5 requires before a delete), then `DELETE /v3/users/{id}`. A missing user counts as removed.
   */
  async removeUser(upstreamId: string, ctx: CallContext): Promise<RemoveUserResult> {
    let removedGroupIds: string[];
    try {
      removedGroupIds = await this.api.deactivateUser(upstreamId, ctx);
    } catch (error) {
      if (error instanceof UpstreamError && error.kind === 'not-found') return { removedGroupIds: [] };
      throw error;
    }
    if (this.parts.deleteMode === 'delete') await this.api.deleteUser(upstreamId, ctx);
    return { removedGroupIds };
  }

  /** Adopt a usergroup with that name (exact, then case-insensitive), else create it with SERVER_GROUP_ROLE. */
  ensureGroup(name: string, ctx: CallContext): Promise<{ upstreamId: string }> {
    return this.perGroupName.run(name.toLowerCase(), async () => {
      const existing = await this.findGroupByName(name, ctx);
      if (existing) return { upstreamId: existing };
      const { value } = await createOrAdopt({
        create: () => this.api.createGroup(name, this.parts.groupRole, ctx),
        lookup: () => this.findGroupByName(name, ctx),
      });
      return { upstreamId: value };
    });
  }

  /** B.6 PUT needs name and role: the role is read first so it is kept. */
  async renameGroup(upstreamId: string, name: string, ctx: CallContext): Promise<void> {
    const group = await this.api.getGroup(upstreamId, ctx);
    if (group.name === name) return;
    await this.api.updateGroup(upstreamId, name, group.role ?? this.parts.groupRole, ctx);
  }

  async deleteGroup(upstreamId: string, ctx: CallContext): Promise<void> {
    await this.api.deleteGroup(upstreamId, ctx);
  }

  /** B.6: one call with all ids; `failedUserReasons` becomes `failed`. */
  async addMembers(
    groupUpstreamId: string,
    userUpstreamIds: string[],
    ctx: CallContext,
  ): Promise<MemberChangeResult> {
    const ids = [...new Set(userUpstreamIds)];
    if (ids.length === 0) return { failed: [] };
    const reasons = await this.api.addUsersToGroup(groupUpstreamId, ids, ctx);
    return {
      failed: Object.entries(reasons).map(([upstreamUserId, reason]) => ({ upstreamUserId, reason })),
    };
  }

  /** B.6: one DELETE per user; removing a non-member answers OK. */
  async removeMembers(groupUpstreamId: string, userUpstreamIds: string[], ctx: CallContext): Promise<void> {
    await mapWithLimit([...new Set(userUpstreamIds)], REMOVE_CONCURRENCY, (id) =>
      this.api.removeUserFromGroup(groupUpstreamId, id, ctx),
    );
  }

  /** Proves the key/secret yield a token and the Curator API answers. */
  async checkReady(ctx: CallContext): Promise<void> {
    await this.parts.tokens.getAccessToken(ctx);
    await this.api.listGroups(ctx);
  }

  async close(): Promise<void> {
    await this.parts.http.close();
  }

  private async findCreated(email: string, ctx: CallContext): Promise<ServerUser> {
    const found = await this.api.findUserByEmail(email, ctx);
    if (!found) throw new UpstreamError('server', 'transient', `created ${email} but cannot find the user`);
    return found;
  }

  private async findGroupByName(name: string, ctx: CallContext): Promise<string | undefined> {
    const groups = await this.api.listGroups(ctx);
    const exact = groups.find((group) => group.name === name);
    const lower = name.toLowerCase();
    return (exact ?? groups.find((group) => group.name.toLowerCase() === lower))?.id;
  }
}
