/** Public surface of the PATCH engine. */
export { applyUserPatch, type PatchOptions } from './user.js';
export { applyGroupPatch, type MemberDelta } from './group.js';
export { parsePatchBody, type PatchOperation, type PatchOpName } from './operations.js';
