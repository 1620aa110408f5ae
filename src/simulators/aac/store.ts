// The AAC simulator's state with the indexes the hot paths need: people by id and by lower-cased email, memberships
// per workspace, roles by policy id, groups by id. Only data and lookups live here; the rules of each operation are in
// people-service.ts, roles-service.ts and groups-service.ts.
import { ulid } from '../shared/ids.js';
import type { Group, Membership, Person, Role, Workspace } from './model.js';

export interface AacSeedOptions {
  workspaceId: number;
  nowIso: string;
  nowMs: number;
}

export class AacStore {
  readonly workspaces = new Map<number, Workspace>();
  readonly people = new Map<number, Person>();
  /** lower-cased email → person ids (several only when case-sensitive matching created look-alikes, Part D #15) */
  readonly peopleByEmail = new Map<string, Set<number>>();
  /** workspace id → person id → membership */
  readonly memberships = new Map<number, Map<number, Membership>>();
  readonly roles = new Map<number, Role>();
  readonly groups = new Map<string, Group>();
  /** `${workspaceId}|${lower-cased email}` → ms when the person was removed (Part D #17) */
  readonly removedAt = new Map<string, number>();
  private nextPersonId = 1;
  private nextPolicyId = 101;

  addPerson(fields: Omit<Person, 'id' | 'gid'>, nowMs: number): Person {
    const person: Person = { id: this.nextPersonId++, gid: ulid(nowMs), ...fields };
    this.people.set(person.id, person);
    const key = person.email.toLowerCase();
    let ids = this.peopleByEmail.get(key);
    if (!ids) this.peopleByEmail.set(key, (ids = new Set()));
    ids.add(person.id);
    return person;
  }

  /** People whose email matches, exactly or ignoring case (Part D #15). */
  findPeopleByEmail(email: string, caseSensitive: boolean): Person[] {
    const ids = this.peopleByEmail.get(email.toLowerCase());
    if (!ids) return [];
    const found: Person[] = [];
    for (const id of ids) {
      const person = this.people.get(id);
      if (person && (!caseSensitive || person.email === email)) found.push(person);
    }
    return found;
  }

  membersOf(workspaceId: number): Map<number, Membership> {
    let members = this.memberships.get(workspaceId);
    if (!members) this.memberships.set(workspaceId, (members = new Map<number, Membership>()));
    return members;
  }

  membership(workspaceId: number, personId: number): Membership | undefined {
    return this.memberships.get(workspaceId)?.get(personId);
  }

  addRole(fields: Omit<Role, 'policyId' | 'productPolicyId' | 'people'>): Role {
    const policyId = this.nextPolicyId++;
    const role: Role = { policyId, productPolicyId: policyId + 1000, people: new Set(), ...fields };
    this.roles.set(policyId, role);
    return role;
  }

  rolesOf(workspaceId: number): Role[] {
    return [...this.roles.values()].filter((role) => role.workspaceId === workspaceId);
  }

  groupsOf(workspaceId: number): Group[] {
    return [...this.groups.values()].filter((group) => group.workspaceId === workspaceId);
  }

  /** Seeds the token's workspace and a second one, each with an admin person and three roles. */
  seed({ workspaceId, nowIso, nowMs }: AacSeedOptions): void {
    const seedWorkspace = (id: number, name: string, adminEmail: string): void => {
      this.workspaces.set(id, {
        id,
        name,
        gid: ulid(nowMs),
        tier: 'enterprise_cloud22',
        customUrl: `${name}.us1.alteryxcloud.com`,
        maxUserNumber: 5000,
        createdAt: nowIso,
        updatedAt: nowIso,
      });
      const admin = this.addPerson(
        {
          email: adminEmail,
          name: 'Simulated Admin',
          isAdmin: true,
          outputHomeDir: `/${adminEmail}/jobrun`,
          uploadDir: `/${adminEmail}/uploads`,
          lastLoginTime: nowIso,
          createdAt: nowIso,
          updatedAt: nowIso,
        },
        nowMs,
      );
      this.membersOf(id).set(admin.id, {
        workspaceId: id,
        personId: admin.id,
        status: 'active',
        accepted: true,
        lastStateChange: null,
        assetCount: 0,
        createdAt: nowIso,
      });
      const base = { workspaceId: id, createdAt: nowIso, updatedAt: nowIso };
      const adminRole = this.addRole({
        ...base,
        name: 'Workspace Admin',
        tag: 'workspace_admin',
        resourceOperations: ['workspace_admin'],
      });
      this.addRole({
        ...base,
        name: 'Member',
        tag: 'member',
        resourceOperations: ['flow_viewer', 'flow_editor'],
      });
      this.addRole({ ...base, name: 'Viewer', tag: 'viewer', resourceOperations: ['flow_viewer'] });
      adminRole.people.add(admin.id);
    };
    seedWorkspace(workspaceId, 'sim-workspace', 'admin@sim-workspace.example.com');
    seedWorkspace(workspaceId + 1, 'sim-other-workspace', 'admin@sim-other-workspace.example.com');
  }

  /** The admin person seeded for a workspace: the subject of its tokens. */
  adminOf(workspaceId: number): Person | undefined {
    for (const membership of this.membersOf(workspaceId).values()) {
      const person = this.people.get(membership.personId);
      if (person?.isAdmin) return person;
    }
    return undefined;
  }
}
