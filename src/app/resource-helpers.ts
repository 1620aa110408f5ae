// Small rules the Users and Groups use-cases share: SCIM sort attributes that an indexed column sorts exactly, and
// the uniqueness answer for a violated unique index.
import { isUniqueViolation } from '../store/errors.js';
import { UniquenessConflict, type ResourceKind } from './errors.js';

/**
 * The column that sorts like SCIM would for `sortBy` (case-insensitive attribute names), or null. The columns are a
 * Map, so that no prototype key (`constructor`, `__proto__`) can match.
 */
export function sortColumn<C extends string>(
  columns: ReadonlyMap<string, C>,
  sortBy: string,
  descending: boolean,
): { column: C; descending: boolean } | null {
  const column = columns.get(sortBy.toLowerCase());
  return column ? { column, descending } : null;
}

/** Runs a write; a violated unique index (userName, displayName; RFC 7644 §3.3) becomes the uniqueness error. */
export async function unique<T>(
  resourceType: ResourceKind,
  value: string,
  write: () => Promise<T>,
): Promise<T> {
  try {
    return await write();
  } catch (err) {
    if (isUniqueViolation(err)) throw new UniquenessConflict(resourceType, value);
    throw err;
  }
}
