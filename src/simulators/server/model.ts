// In-memory records of the Server simulator (docs/reference/upstream-contracts.md B.5, B.6). Ids are 24-hex strings.
import type { ServerRole } from './roles.js';

export interface UserFields {
  firstName: string;
  lastName: string;
  email: string;
  role: ServerRole;
  defaultWorkerTag: string;
  canScheduleJobs: boolean;
  canPrioritizeJobs: boolean;
  canAssignJobs: boolean;
  canCreateCollections: boolean;
  isApiEnabled: boolean;
  defaultCredentialId: string;
  isAccountLocked: boolean;
  isActive: boolean;
  isValidated: boolean;
  timeZone: string;
  language: string;
  canCreateAndUpdateDcm: boolean;
  canShareForExecutionDcm: boolean;
  canShareForCollaborationDcm: boolean;
  canManageGenericVaultsDcm: boolean;
}

export interface User extends UserFields {
  id: string;
  dateCreated: string;
  lastLoginDateTime: string | null;
  sharedCredentialIds: string[];
  dataConnectionIds: string[];
}

export interface GroupMember {
  userId: string;
  dateAddedToGroup: string;
  addedByUserId: string;
}

export interface UserGroup {
  id: string;
  name: string;
  role: ServerRole;
  dateAdded: string;
  members: Map<string, GroupMember>;
}

export interface UserAssets {
  workflows: string[];
  schedules: string[];
  collections: string[];
}

export const USER_DEFAULTS: Omit<UserFields, 'firstName' | 'lastName' | 'email'> = {
  role: 'Evaluated',
  defaultWorkerTag: '',
  canScheduleJobs: false,
  canPrioritizeJobs: false,
  canAssignJobs: false,
  canCreateCollections: false,
  isApiEnabled: false,
  defaultCredentialId: '',
  isAccountLocked: false,
  isActive: true,
  isValidated: false,
  timeZone: 'UTC',
  language: 'en-US',
  canCreateAndUpdateDcm: false,
  canShareForExecutionDcm: false,
  canShareForCollaborationDcm: false,
  canManageGenericVaultsDcm: false,
};
