// JSON shapes of docs/reference/upstream-contracts.md A.6.1 (workspace), A.6.3 (person), A.6.6 (role), A.6.7 (group).
import type { Group, Membership, MembershipStatus, Person, Role, Workspace } from './model.js';
import type { AacSettings } from './settings.js';
import type { AacStore } from './store.js';

const UI_STATUS: Record<MembershipStatus, string> = {
  new: 'invited',
  active: 'enabled',
  suspended: 'disabled',
};

/** Part D #14: the vocabulary the simulator speaks. */
export function presentStatus(status: MembershipStatus, settings: AacSettings): string {
  return settings.membership_status_values === 'ui' ? UI_STATUS[status] : status;
}

/** Accepts either vocabulary in `status=` filters. */
export function parseStatus(value: string): MembershipStatus | undefined {
  const lower = value.toLowerCase();
  if (lower === 'new' || lower === 'invited') return 'new';
  if (lower === 'active' || lower === 'enabled') return 'active';
  if (lower === 'suspended' || lower === 'disabled') return 'suspended';
  return undefined;
}

export function presentWorkspace(workspace: Workspace, memberCount: number) {
  return {
    id: workspace.id,
    name: workspace.name,
    state: 'active',
    lastStateChange: null,
    custom_url: workspace.customUrl,
    max_user_number: workspace.maxUserNumber,
    gid: workspace.gid,
    createdAt: workspace.createdAt,
    updatedAt: workspace.updatedAt,
    workspacetiers: {
      data: [
        {
          isSingleUser: false,
          id: workspace.id - 1,
          name: workspace.tier,
          startsAt: workspace.createdAt,
          trialState: 'None',
          workspace: { id: workspace.id },
        },
      ],
    },
    workspace_member_count: memberCount,
    workspace_tier: workspace.tier,
    // The spec's Workspace model names these `tier` and `userCount`; the live example the two above. Serve both (A.6.1).
    tier: workspace.tier,
    userCount: memberCount,
    emrCluster: null,
  };
}

export function presentRoleRef(role: Role) {
  return { policyId: role.policyId, name: role.name, tag: role.tag, workspaceId: role.workspaceId };
}

export interface PresentPersonOptions {
  includePrivileges: boolean;
}

export function presentPerson(
  person: Person,
  membership: Membership,
  store: AacStore,
  settings: AacSettings,
  options: PresentPersonOptions = { includePrivileges: false },
) {
  const body: Record<string, unknown> = {
    id: person.id,
    email: person.email,
    name: person.name,
    ssoPrincipal: null,
    hadoopPrincipal: null,
    cpPrincipal: null,
    isAdmin: person.isAdmin,
    // Workspace-scoped view: a suspended membership shows as a disabled account in this workspace.
    isDisabled: membership.status === 'suspended',
    forcePasswordChange: false,
    state: 'active',
    lastStateChange: membership.lastStateChange,
    validateExportCompliance: false,
    lastLoginTime: person.lastLoginTime,
    agreementAcceptedAt: null,
    deleted_at: null,
    // Not in the contract's recommended payload, but columns of the real December 2025 export (A.6.3, CLIENT S8).
    exportStatusUpdatedAt: null,
    lastDeletedTenantAt: null,
    gid: person.gid,
    createdAt: person.createdAt,
    updatedAt: person.updatedAt,
    outputHomeDir: person.outputHomeDir,
    uploadDir: person.uploadDir,
    peopleworkspaces: [
      { workspaceId: membership.workspaceId, status: presentStatus(membership.status, settings) },
    ],
  };
  if (options.includePrivileges) {
    const roles = store.rolesOf(membership.workspaceId).filter((role) => role.people.has(person.id));
    body.authorizationRoles = roles.map(presentRoleRef);
    const isAdmin = roles.some((role) => role.resourceOperations.includes('workspace_admin'));
    body.maximalPrivileges = [
      {
        resourceType: 'flow',
        operations: isAdmin ? ['read', 'update', 'delete', 'create', 'share', 'execute', 'export'] : ['read'],
      },
    ];
    body.maximalCapabilities = {};
  }
  return body;
}

export function presentRole(role: Role) {
  return {
    policyId: role.policyId,
    workspaceId: role.workspaceId,
    productPolicyId: role.productPolicyId,
    resourceOperations: role.resourceOperations,
    createdAt: role.createdAt,
    updatedAt: role.updatedAt,
    userCount: role.people.size,
    nameLocked: true,
    privilegeLocked: true,
    capabilities: [
      {
        capabilityId: role.policyId * 10,
        capabilityName: role.tag,
        capabilityGroup: 'platform',
        productCode: 'PLATFORM',
        productId: 1,
      },
    ],
    name: role.name,
    tag: role.tag,
  };
}

function groupBase(group: Group) {
  return {
    id: group.id,
    name: group.name,
    displayName: group.name,
    workspaceId: group.workspaceId,
    status: 'active',
    createdAt: group.createdAt,
    updatedAt: group.updatedAt,
    autoProvisioned: false,
    location: `/v4/workspaces/${group.workspaceId}/groups/${group.id}`,
    etag: `W/"${group.version}"`,
    externalId: group.externalId,
    scimEnabled: group.scimEnabled,
  };
}

/** `POST …/groups` response (CreateGroupResponse). */
export function presentCreatedGroup(group: Group) {
  return groupBase(group);
}

/** `PUT …/groups/{id}` response and list entries: with users (ids, or people with `includeFullUsers`) and policies. */
export function presentGroup(group: Group, store: AacStore, settings: AacSettings, includeFullUsers = false) {
  const users = [...group.users].map((id) => {
    if (!includeFullUsers) return { id };
    const person = store.people.get(id);
    const membership = store.membership(group.workspaceId, id);
    return person && membership ? presentPerson(person, membership, store, settings) : { id };
  });
  const policies = [...group.policies].flatMap((id) => {
    const role = store.roles.get(id);
    return role ? [presentRoleRef(role)] : [];
  });
  return { ...groupBase(group), users, policies };
}
