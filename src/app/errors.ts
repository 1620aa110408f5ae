// The use-cases' domain errors. Each has a stable code; the error catalogue (src/scim/errors.ts) says what the IdP
// is answered for it, and src/http/error-handler.ts applies it. Nothing here knows an HTTP status.
import { DatabaseUnavailableError, DomainError } from '../core/errors.js';
import { isDatabaseUnavailable } from '../store/errors.js';

export { DatabaseUnavailableError, DomainError };

export type ResourceKind = 'User' | 'Group';

export class ResourceNotFound extends DomainError {
  readonly code = 'resource_not_found';
  constructor(resourceType: ResourceKind, id: string) {
    super(`${resourceType} ${id} not found.`);
  }
}

/** RFC 7644 §3.3: a userName or displayName another resource holds (compared case-insensitively). */
export class UniquenessConflict extends DomainError {
  readonly code: 'user_name_taken' | 'display_name_taken';
  constructor(resourceType: ResourceKind, value: string) {
    super(
      resourceType === 'User'
        ? `A user with userName "${value}" already exists.`
        : `A group with displayName "${value}" already exists.`,
    );
    this.code = resourceType === 'User' ? 'user_name_taken' : 'display_name_taken';
  }
}

/** RFC 7644 §3.14: the version an If-Match names is not (or no longer) the current one. */
export class VersionMismatch extends DomainError {
  readonly code = 'version_mismatch';
}

/** A read-modify-write lost the race against other writers too often: the IdP should retry the request. */
export class ConcurrentChange extends DomainError {
  readonly code = 'concurrent_change';
  constructor(resourceType: ResourceKind, id: string) {
    super(`${resourceType} ${id} is being changed concurrently; retry the request.`);
  }
}

/** A group member that is not a user of this bridge (catalog RX-23, EG-12). */
export class InvalidMember extends DomainError {
  readonly code = 'invalid_member';
}

/** An upstream refused the change for good; the bridge has undone it (ADR 0003). */
export class UpstreamRejected extends DomainError {
  readonly code: 'rejected_upstream' | 'conflict_upstream';
  constructor(upstream: string, status: number | undefined, message: string) {
    super(
      `${upstream} rejected the change${status ? ` (HTTP ${status})` : ''}: ${message}. Nothing was changed.`,
    );
    this.code = status === 409 ? 'conflict_upstream' : 'rejected_upstream';
  }
}

/**
 * The domain error an error stands for: itself, or — for the store's driver errors — a DatabaseUnavailableError
 * when the store recognises the database as unreachable (by error class and code, src/store/errors.ts).
 */
export function asDomainError(err: unknown): DomainError | undefined {
  if (err instanceof DomainError) return err;
  if (isDatabaseUnavailable(err)) return new DatabaseUnavailableError({ cause: err });
  return undefined;
}
