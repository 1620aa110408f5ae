// JSON shapes of docs/reference/upstream-contracts.md B.5 (UserView, reduced view) and B.6 (usergroup views).
import type { User, UserGroup } from './model.js';

export function presentUserFull(user: User) {
  return {
    id: user.id,
    firstName: user.firstName,
    lastName: user.lastName,
    email: user.email,
    role: user.role,
    defaultWorkerTag: user.defaultWorkerTag,
    canScheduleJobs: user.canScheduleJobs,
    canPrioritizeJobs: user.canPrioritizeJobs,
    canAssignJobs: user.canAssignJobs,
    canCreateCollections: user.canCreateCollections,
    isApiEnabled: user.isApiEnabled,
    defaultCredentialId: user.defaultCredentialId,
    isAccountLocked: user.isAccountLocked,
    isActive: user.isActive,
    lastLoginDateTime: user.lastLoginDateTime,
    isValidated: user.isValidated,
    sharedCredentialIds: user.sharedCredentialIds,
    dataConnectionIds: user.dataConnectionIds,
    timeZone: user.timeZone,
    language: user.language,
    canCreateAndUpdateDcm: user.canCreateAndUpdateDcm,
    canShareForExecutionDcm: user.canShareForExecutionDcm,
    canShareForCollaborationDcm: user.canShareForCollaborationDcm,
    canManageGenericVaultsDcm: user.canManageGenericVaultsDcm,
  };
}

export function presentUserReduced(user: User) {
  return {
    id: user.id,
    firstName: user.firstName,
    lastName: user.lastName,
    email: user.email,
    isActive: user.isActive,
    role: user.role,
    dateCreated: user.dateCreated,
  };
}

export function presentGroupReduced(group: UserGroup) {
  return { id: group.id, name: group.name, role: group.role };
}

export function presentGroupFull(group: UserGroup) {
  return {
    id: group.id,
    name: group.name,
    dateAdded: group.dateAdded,
    role: group.role,
    credentialIds: [],
    connectionIds: [],
    members: [...group.members.values()].map((member) => ({
      activeDirectoryObject: null,
      userId: member.userId,
      dateAddedToGroup: member.dateAddedToGroup,
      addedByUserId: member.addedByUserId,
    })),
  };
}
