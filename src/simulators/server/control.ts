// Typed in-process controls of the Server simulator (also served over HTTP under `/__sim/`).
import { randomBytes } from 'node:crypto';
import { BaseControl } from '../shared/base-control.js';
import { ControlError } from '../shared/control-router.js';
import { hexId } from '../shared/ids.js';
import type { UserAssets, UserFields } from './model.js';
import type { ServerSettings } from './settings.js';
import type { ServerSimulator } from './simulator.js';

export interface AssetCounts {
  workflows?: number;
  schedules?: number;
  collections?: number;
}

export class ServerControl extends BaseControl<ServerSettings, ServerSimulator> {
  /** Everything the simulator holds, minus secrets (API secrets and bearer tokens). */
  state() {
    const { store, tokens, curatorId } = this.sim.runtime;
    return {
      settings: this.sim.settings,
      now: this.sim.clock.nowIso(),
      curatorId,
      users: [...store.users.values()].map((user) => ({
        ...user,
        groupIds: [...(store.groupsOfUser.get(user.id) ?? [])],
        assets: store.assets.get(user.id) ?? { workflows: [], schedules: [], collections: [] },
      })),
      groups: [...store.groups.values()].map((group) => ({
        id: group.id,
        name: group.name,
        role: group.role,
        dateAdded: group.dateAdded,
        memberIds: [...group.members.keys()],
      })),
      apiKeys: [...store.credentials.entries()].map(([clientId, credential]) => ({
        clientId,
        userId: credential.userId,
      })),
      tokens: tokens.describe(),
    };
  }

  /** Gives a user workflows/schedules/collections, so a hard delete is refused (B.5). Returns the user's assets. */
  addAssets(userId: string, counts: AssetCounts): UserAssets {
    const { store } = this.sim.runtime;
    if (!store.users.has(userId)) throw new ControlError(404, `no user ${userId}`);
    const assets = store.assetsOf(userId);
    for (let i = 0; i < (counts.workflows ?? 0); i++) assets.workflows.push(hexId());
    for (let i = 0; i < (counts.schedules ?? 0); i++) assets.schedules.push(hexId());
    for (let i = 0; i < (counts.collections ?? 0); i++) assets.collections.push(hexId());
    return assets;
  }

  /** Every bearer token issued so far stops working now. */
  expireTokens(): number {
    return this.sim.runtime.tokens.expireAll();
  }

  /**
   * An API key + secret for an existing user (e.g. a non-Curator, for Part D #31). Keys exist only for users with API
   * access (B.2), so this also sets the user's `isApiEnabled`.
   */
  addApiKey(
    userId: string,
    clientId = `sim-key-${hexId().slice(0, 8)}`,
    clientSecret = randomBytes(16).toString('hex'),
  ): { clientId: string; clientSecret: string } {
    const { store } = this.sim.runtime;
    const user = store.users.get(userId);
    if (!user) throw new ControlError(404, `no user ${userId}`);
    user.isApiEnabled = true;
    store.credentials.set(clientId, { secret: clientSecret, userId });
    return { clientId, clientSecret };
  }

  /** A bearer token for a user without the token endpoint (default: the seeded Curator). */
  issueAccessToken(userId: string = this.sim.runtime.curatorId): string {
    if (!this.sim.runtime.store.users.has(userId)) throw new ControlError(404, `no user ${userId}`);
    return this.sim.runtime.tokens.issue(userId, this.sim.config.clientId).access_token;
  }

  /** Bulk seed of users (bypasses the API; for tests and benchmarks). Returns their ids. */
  seedUsers(
    users: Array<Pick<UserFields, 'firstName' | 'lastName' | 'email'> & Partial<UserFields>>,
  ): string[] {
    return users.map((user) => this.sim.runtime.store.createUser(user).id);
  }
}
