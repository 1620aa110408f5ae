// SCIM ⇄ AAC translation rules (docs/reference/upstream-contracts.md A.6.3/A.6.4), pure functions.
import type { UserSnapshot } from '../../core/connector.js';
import type { AacPerson } from './schemas.js';

export type MembershipState = 'invited' | 'active' | 'suspended' | 'unknown';

/**
 * The person's membership state in workspace `ws`. Both status vocabularies are read (Part D #14):
 * API `new/active/suspended`, UI `invited/enabled/disabled`; `isDisabled` is the fallback.
 */
export function membershipState(person: AacPerson, ws: string): MembershipState {
  const row = person.peopleworkspaces?.find(
    (entry) => entry.workspaceId === undefined || entry.workspaceId === ws,
  );
  const status = (row?.status ?? person.status)?.toLowerCase();
  if (status === 'new' || status === 'invited') return 'invited';
  if (status === 'active' || status === 'enabled') return 'active';
  if (status === 'suspended' || status === 'disabled') return 'suspended';
  if (person.isDisabled === true) return 'suspended';
  if (person.isDisabled === false) return 'active';
  return 'unknown';
}

/** The display name the SCIM user implies: displayName, else "given family". */
export function desiredName(user: UserSnapshot): string | undefined {
  if (user.displayName?.trim()) return user.displayName.trim();
  const joined = [user.givenName, user.familyName]
    .filter((part) => part?.trim())
    .join(' ')
    .trim();
  return joined || undefined;
}

/**
 * Which SCIM values differ from the person and cannot be pushed (A.6.3: admins cannot change another person's
 * `name` or `email`). Emails compare case-insensitively, names exactly.
 */
export function unpropagatedChanges(person: AacPerson, user: UserSnapshot): string[] {
  const changes: string[] = [];
  if (person.email.toLowerCase() !== user.email.toLowerCase()) changes.push('email');
  const name = desiredName(user);
  if (name !== undefined && (person.name ?? '') !== name) changes.push('name');
  return changes;
}
