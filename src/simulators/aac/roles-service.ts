// docs/reference/upstream-contracts.md A.6.6: roles are workspace policies; people are assigned by policy id.
import { AacError } from './errors.js';
import type { Role } from './model.js';
import type { PeopleService } from './people-service.js';
import type { AacStore } from './store.js';

export class RolesService {
  constructor(
    private readonly store: AacStore,
    private readonly people: PeopleService,
  ) {}

  requireRole(workspaceId: number, policyId: number): Role {
    const role = this.store.roles.get(policyId);
    if (!role || role.workspaceId !== workspaceId)
      throw AacError.notFound(`role ${policyId} does not exist in this workspace`);
    return role;
  }

  /** `PUT …/roles/{policyId}/people` with `[1042,1043]`: every id must be a member; assignment is additive. */
  assign(workspaceId: number, policyId: number, personIds: number[]): Role {
    const role = this.requireRole(workspaceId, policyId);
    for (const id of personIds) this.people.requireMembership(workspaceId, id, 400);
    for (const id of personIds) role.people.add(id);
    return role;
  }

  /** `DELETE …/roles/{policyId}/people/{personId}`: idempotent once the role exists. */
  unassign(workspaceId: number, policyId: number, personId: number): void {
    this.requireRole(workspaceId, policyId).people.delete(personId);
  }
}
