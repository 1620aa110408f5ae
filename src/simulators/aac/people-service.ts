// Rules of the AAC people operations (docs/reference/upstream-contracts.md A.6.4 invitations, A.6.5 deprovisioning, A.6.3 person update).
// Everything is scoped to one workspace; callers have already checked that the token may act on it.
import type { SimClock } from '../shared/clock.js';
import { AacError } from './errors.js';
import type { Membership, Person } from './model.js';
import type { AacSettings } from './settings.js';
import type { AacStore } from './store.js';

const DAY_MS = 86_400_000;
const EMAIL_SHAPE = /^[^\s@]+@[^\s@]+$/;

export class PeopleService {
  constructor(
    private readonly store: AacStore,
    private readonly clock: SimClock,
    private readonly settings: () => AacSettings,
  ) {}

  /** The person with this email in the workspace, honouring Part D #15. */
  findMember(workspaceId: number, email: string): { person: Person; membership: Membership } | undefined {
    const caseSensitive = this.settings().email_match === 'case_sensitive';
    for (const person of this.store.findPeopleByEmail(email, caseSensitive)) {
      const membership = this.store.membership(workspaceId, person.id);
      if (membership) return { person, membership };
    }
    return undefined;
  }

  /**
   * A.6.4: each email becomes a person (if new) with a membership in status `new`, shown at once in lists.
   * Returns the person ids in the order of the emails. Validates everything before changing anything.
   */
  invite(workspaceId: number, emails: string[], policyIds: number[]): number[] {
    const settings = this.settings();
    const nowMs = this.clock.now();
    for (const email of emails) {
      if (!EMAIL_SHAPE.test(email)) throw AacError.validation(`"${email}" is not a valid email address`);
      this.checkReinviteWindow(workspaceId, email, nowMs, settings.reinvite_after_delete_days);
      if (this.findMember(workspaceId, email)) {
        if (settings.invite_existing_member === 'error400')
          throw AacError.validation(`${email} is already a member of this workspace`);
        if (settings.invite_existing_member === 'error409')
          throw AacError.conflict(`${email} is already a member of this workspace`);
      }
    }
    for (const policyId of policyIds) {
      const role = this.store.roles.get(policyId);
      if (!role || role.workspaceId !== workspaceId)
        throw AacError.validation(`role ${policyId} does not exist in workspace ${workspaceId}`);
    }
    const nowIso = this.clock.nowIso();
    const ids: number[] = [];
    for (const email of emails) {
      const existing = this.findMember(workspaceId, email);
      const person = existing?.person ?? this.personForInvite(email, nowIso, nowMs);
      if (!existing) {
        this.store.membersOf(workspaceId).set(person.id, {
          workspaceId,
          personId: person.id,
          status: 'new',
          accepted: false,
          lastStateChange: nowIso,
          assetCount: 0,
          createdAt: nowIso,
        });
      }
      for (const policyId of policyIds) this.store.roles.get(policyId)?.people.add(person.id);
      ids.push(person.id);
    }
    return ids;
  }

  /** Test hook: the invitee clicked the link (`new` → `active`). */
  acceptInvite(workspaceId: number, personId: number): Membership {
    const membership = this.requireMembership(workspaceId, personId);
    if (!membership.accepted) {
      membership.accepted = true;
      if (membership.status === 'new') membership.status = 'active';
      membership.lastStateChange = this.clock.nowIso();
      const person = this.store.people.get(personId);
      if (person) person.lastLoginTime = membership.lastStateChange;
    }
    return membership;
  }

  /** A.6.5 suspend / unsuspend: all ids must be members, otherwise nothing changes. */
  setSuspended(workspaceId: number, personIds: number[], suspended: boolean): void {
    const memberships = personIds.map((id) => this.requireMembership(workspaceId, id, 400));
    const nowIso = this.clock.nowIso();
    for (const membership of memberships) {
      // Unsuspending returns a person to where they were: `active` once they accepted the invite, else still `new`.
      const target = suspended ? 'suspended' : membership.accepted ? 'active' : 'new';
      if (membership.status !== target) {
        membership.status = target;
        membership.lastStateChange = nowIso;
      }
    }
  }

  /** A.6.5: removes the membership (not the person), its group memberships and its role assignments in the workspace. */
  removeMember(workspaceId: number, personId: number): void {
    this.requireMembership(workspaceId, personId);
    const person = this.store.people.get(personId);
    this.store.membersOf(workspaceId).delete(personId);
    for (const role of this.store.rolesOf(workspaceId)) role.people.delete(personId);
    for (const group of this.store.groupsOf(workspaceId)) group.users.delete(personId);
    if (person) this.store.removedAt.set(`${workspaceId}|${person.email.toLowerCase()}`, this.clock.now());
  }

  /** A.6.5 transfer: moves the asset count; both people must still be members. */
  transfer(workspaceId: number, from: Person, to: Person): void {
    const source = this.requireMembership(workspaceId, from.id, 400);
    const target = this.requireMembership(workspaceId, to.id, 400);
    target.assetCount += source.assetCount;
    source.assetCount = 0;
  }

  /** A.6.3: admins may change only outputHomeDir/uploadDir/authorizationRoles of others (name: Part D #20). */
  updatePerson(
    workspaceId: number,
    personId: number,
    requesterId: number,
    changes: Record<string, unknown>,
  ): Person {
    this.requireMembership(workspaceId, personId);
    const person = this.store.people.get(personId);
    if (!person) throw AacError.notFound(`person ${personId} does not exist`);
    const allowed = new Set(['outputHomeDir', 'uploadDir', 'authorizationRoles']);
    if (personId === requesterId || this.settings().name_update_allowed) allowed.add('name');
    for (const key of Object.keys(changes)) {
      if (!allowed.has(key))
        throw AacError.validation(
          `field "${key}" cannot be modified; allowed fields: ${[...allowed].join(', ')}`,
        );
    }
    for (const key of ['name', 'outputHomeDir', 'uploadDir'] as const) {
      const value = changes[key];
      if (value === undefined) continue;
      if (typeof value !== 'string') throw AacError.validation(`"${key}" must be a string`);
      person[key] = value;
    }
    if (changes.authorizationRoles !== undefined)
      this.replaceRoles(workspaceId, personId, changes.authorizationRoles);
    person.updatedAt = this.clock.nowIso();
    return person;
  }

  requireMembership(workspaceId: number, personId: number, status: 400 | 404 = 404): Membership {
    const membership = this.store.membership(workspaceId, personId);
    if (membership) return membership;
    const details = `person ${personId} is not a member of workspace ${workspaceId}`;
    throw status === 400 ? AacError.validation(details) : AacError.notFound(details);
  }

  private replaceRoles(workspaceId: number, personId: number, value: unknown): void {
    if (!Array.isArray(value)) throw AacError.validation('"authorizationRoles" must be an array');
    const policyIds = value.map((entry: unknown) => {
      const id =
        typeof entry === 'number'
          ? entry
          : typeof entry === 'object' && entry !== null
            ? (entry as { policyId?: unknown }).policyId
            : undefined;
      const role = typeof id === 'number' ? this.store.roles.get(id) : undefined;
      if (!role || role.workspaceId !== workspaceId)
        throw AacError.validation('unknown role in "authorizationRoles"');
      return role.policyId;
    });
    for (const role of this.store.rolesOf(workspaceId)) {
      if (policyIds.includes(role.policyId)) role.people.add(personId);
      else role.people.delete(personId);
    }
  }

  private personForInvite(email: string, nowIso: string, nowMs: number): Person {
    const caseSensitive = this.settings().email_match === 'case_sensitive';
    const known = this.store.findPeopleByEmail(email, caseSensitive)[0];
    if (known) return known;
    return this.store.addPerson(
      {
        email,
        // An invitee has not told AAC a name yet; AAC shows the email until then.
        name: email,
        isAdmin: false,
        outputHomeDir: `/${email}/jobrun`,
        uploadDir: `/${email}/uploads`,
        lastLoginTime: null,
        createdAt: nowIso,
        updatedAt: nowIso,
      },
      nowMs,
    );
  }

  private checkReinviteWindow(workspaceId: number, email: string, nowMs: number, days: number): void {
    if (days <= 0) return;
    const removedAt = this.store.removedAt.get(`${workspaceId}|${email.toLowerCase()}`);
    if (removedAt !== undefined && nowMs - removedAt < days * DAY_MS) {
      throw AacError.validation(
        `${email} was removed from this workspace less than ${days} days ago and cannot be invited yet`,
      );
    }
  }
}
