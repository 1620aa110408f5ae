// SCIM ⇄ Server user translation (docs/reference/upstream-contracts.md B.5), pure functions.
import type { UserSnapshot } from '../../core/connector.js';

/** UpdateUserContract keys (B.5): the PUT body is built from these only, taken from the GET and then merged. */
export const UPDATE_CONTRACT_KEYS = [
  'firstName',
  'lastName',
  'email',
  'role',
  'defaultWorkerTag',
  'canScheduleJobs',
  'canPrioritizeJobs',
  'canAssignJobs',
  'canCreateCollections',
  'isApiEnabled',
  'defaultCredentialId',
  'isAccountLocked',
  'isActive',
  'isValidated',
  'timeZone',
  'language',
  'canCreateAndUpdateDcm',
  'canShareForExecutionDcm',
  'canShareForCollaborationDcm',
  'canManageGenericVaultsDcm',
] as const;

export interface ServerNames {
  firstName: string;
  lastName: string;
}

/**
 * Server requires firstName and lastName (B.5). SCIM name parts win; else the displayName is split at its first
 * space; else the email's local part is split at `.`, `_` or `-`. A single word fills both fields.
 */
export function namesFor(user: UserSnapshot): ServerNames {
  const given = user.givenName?.trim();
  const family = user.familyName?.trim();
  const fallback = splitWords(user.displayName) ?? splitWords(localPart(user.email).replace(/[._-]+/g, ' '));
  const firstWord = fallback?.[0] ?? localPart(user.email);
  const rest = fallback && fallback.length > 1 ? fallback.slice(1).join(' ') : undefined;
  const firstName = given || firstWord;
  const lastName = family || rest || (given ? given : firstWord);
  return { firstName, lastName };
}

/** The PUT body: the known contract fields of the fetched user with `changes` applied (B.5 full replace). */
export function mergedUpdate(
  current: Record<string, unknown>,
  changes: Record<string, unknown>,
): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const key of UPDATE_CONTRACT_KEYS) {
    if (current[key] !== undefined) body[key] = current[key];
  }
  return { ...body, ...changes };
}

function splitWords(text: string | undefined): string[] | undefined {
  const words = text?.trim().split(/\s+/).filter(Boolean);
  return words && words.length > 0 ? words : undefined;
}

function localPart(email: string): string {
  const at = email.indexOf('@');
  return at > 0 ? email.slice(0, at) : email;
}
