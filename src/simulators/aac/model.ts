// In-memory records of the AAC simulator. Field names follow docs/reference/upstream-contracts.md A.6.1/A.6.3/A.6.6/A.6.7; presenters.ts turns
// them into the JSON shapes of the contract.

/** Stored membership status, always in API vocabulary (A.6.4); presenters translate for Part D #14. */
export type MembershipStatus = 'new' | 'active' | 'suspended';

export interface Workspace {
  id: number;
  name: string;
  gid: string;
  tier: string;
  customUrl: string;
  maxUserNumber: number;
  createdAt: string;
  updatedAt: string;
}

export interface Person {
  id: number;
  email: string;
  name: string;
  gid: string;
  isAdmin: boolean;
  outputHomeDir: string;
  uploadDir: string;
  lastLoginTime: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface Membership {
  workspaceId: number;
  personId: number;
  status: MembershipStatus;
  /** the invitee has accepted (unsuspend returns to `active` rather than `new`) */
  accepted: boolean;
  lastStateChange: string | null;
  /** flows/datasets the person owns in this workspace; moved by the transfer endpoint (A.6.5) */
  assetCount: number;
  createdAt: string;
}

export interface Role {
  policyId: number;
  workspaceId: number;
  productPolicyId: number;
  name: string;
  tag: string;
  resourceOperations: string[];
  createdAt: string;
  updatedAt: string;
  /** person ids holding the role */
  people: Set<number>;
}

export interface Group {
  id: string;
  workspaceId: number;
  name: string;
  externalId: string | null;
  scimEnabled: boolean;
  createdAt: string;
  updatedAt: string;
  /** person ids */
  users: Set<number>;
  /** policy ids */
  policies: Set<number>;
  /** bumped on every change; shown as `etag` */
  version: number;
}
