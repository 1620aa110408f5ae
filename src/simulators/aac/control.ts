// Typed in-process controls of the AAC simulator (also served over HTTP under `/__sim/`, see control-routes.ts).
import { BaseControl } from '../shared/base-control.js';
import { ControlError } from '../shared/control-router.js';
import type { MembershipStatus } from './model.js';
import { presentStatus } from './presenters.js';
import type { AacSettings } from './settings.js';
import type { AacSimulator } from './simulator.js';

export type InviteeRef = { email: string; workspaceId?: number } | { personId: number; workspaceId?: number };

export class AacControl extends BaseControl<AacSettings, AacSimulator> {
  /** Everything the simulator holds, minus secrets (token strings). */
  state() {
    const { store, tokens } = this.sim.runtime;
    const settings = this.sim.settings;
    return {
      settings,
      now: this.sim.clock.nowIso(),
      workspaces: [...store.workspaces.values()].map((w) => ({
        id: w.id,
        name: w.name,
        memberCount: store.membersOf(w.id).size,
      })),
      people: [...store.people.values()].map((person) => ({
        id: person.id,
        email: person.email,
        name: person.name,
        memberships: [...store.workspaces.keys()].flatMap((workspaceId) => {
          const m = store.membership(workspaceId, person.id);
          return m
            ? [
                {
                  workspaceId,
                  status: presentStatus(m.status, settings),
                  assetCount: m.assetCount,
                  lastStateChange: m.lastStateChange,
                },
              ]
            : [];
        }),
      })),
      roles: [...store.roles.values()].map((role) => ({
        policyId: role.policyId,
        workspaceId: role.workspaceId,
        name: role.name,
        people: [...role.people],
      })),
      groups: [...store.groups.values()].map((group) => ({
        id: group.id,
        workspaceId: group.workspaceId,
        name: group.name,
        users: [...group.users],
        policies: [...group.policies],
      })),
      tokens: tokens.describe(),
    };
  }

  /** Test hook: the invitee accepts (`new` → `active`). */
  acceptInvite(ref: InviteeRef): { personId: number; workspaceId: number; status: string } {
    const workspaceId = ref.workspaceId ?? this.sim.config.workspaceId;
    const { people } = this.sim.runtime;
    const personId = 'personId' in ref ? ref.personId : people.findMember(workspaceId, ref.email)?.person.id;
    if (personId === undefined || !this.sim.runtime.store.membership(workspaceId, personId))
      throw new ControlError(404, 'no such invitee in that workspace');
    const membership = people.acceptInvite(workspaceId, personId);
    return { personId, workspaceId, status: presentStatus(membership.status, this.sim.settings) };
  }

  /** Gives a member flows/datasets in a workspace, so the transfer endpoint (A.6.5) has something to move. */
  addAssets(
    personId: number,
    count: number,
    workspaceId: number = this.sim.config.workspaceId,
  ): { personId: number; workspaceId: number; assetCount: number } {
    const membership = this.sim.runtime.store.membership(workspaceId, personId);
    if (!membership)
      throw new ControlError(404, `person ${personId} is not a member of workspace ${workspaceId}`);
    membership.assetCount += count;
    return { personId, workspaceId, assetCount: membership.assetCount };
  }

  /** Every access token issued so far is expired from now on; returns how many were live. */
  expireAccessTokens(): number {
    return this.sim.runtime.tokens.expireAccessTokens();
  }

  /** Revokes a refresh token given by value or by its handle from `state().tokens`. */
  revokeRefreshToken(tokenOrHandle: string): boolean {
    return this.sim.runtime.tokens.revokeRefreshToken(tokenOrHandle);
  }

  /** A new refresh token for a workspace's admin (default: the configured workspace), as if generated in the UI. */
  issueRefreshToken(workspaceId: number = this.sim.config.workspaceId): string {
    return this.sim.runtime.tokens.issueRefreshToken(this.sim.issuer(), this.subject(workspaceId));
  }

  /** An access token without the refresh dance (for tests and benchmarks of the API alone). */
  issueAccessToken(workspaceId: number = this.sim.config.workspaceId): string {
    return this.sim.runtime.tokens.issueAccessToken(this.sim.issuer(), this.subject(workspaceId)).token;
  }

  /** Bulk seed: invites the emails to a workspace and optionally marks them accepted / suspended. Returns person ids. */
  seedPeople(emails: string[], options: { workspaceId?: number; status?: MembershipStatus } = {}): number[] {
    const workspaceId = options.workspaceId ?? this.sim.config.workspaceId;
    const { people } = this.sim.runtime;
    const ids = people.invite(workspaceId, emails, []);
    if (options.status === 'active' || options.status === 'suspended')
      for (const id of ids) people.acceptInvite(workspaceId, id);
    if (options.status === 'suspended') people.setSuspended(workspaceId, ids, true);
    return ids;
  }

  private subject(workspaceId: number) {
    const admin = this.sim.runtime.store.adminOf(workspaceId);
    if (!admin) throw new ControlError(404, `workspace ${workspaceId} is not simulated`);
    return { workspaceId, personId: admin.id, clientId: this.sim.config.clientId };
  }
}
