/**
 * Translates a filter into a storage-neutral predicate over the store's indexed columns, so the store can page in
 * SQL (docs/reference/notes.md #2, #9) instead of loading every row.
 *
 * Contract with the store:
 *  - `exact: true`  → the predicate selects exactly the matching resources: COUNT + LIMIT/OFFSET in SQL.
 *  - `exact: false` → the predicate (or no predicate when null) selects a SUPERSET; the store post-filters the
 *    candidates with `matchesFilter` on the rendered resource and pages in memory.
 *
 * Leaf semantics the store must implement (SCIM semantics on NULL columns):
 *  - `eq`, `co`, `sw`, `ew`, `gt`, `ge`, `lt`, `le`: false when the column is NULL; `co`/`sw`/`ew` are
 *    case-SENSITIVE substring tests on the stored text (values for *Lower columns are already lower-cased);
 *  - `ne`: TRUE when the column is NULL (`col IS NULL OR col <> value`);
 *  - `pr`: column IS NOT NULL (and not '' for text columns); `value` is `null`.
 *  - `member`: `eq` means "the group has a GroupMember row with userId = value".
 * Negation is pushed down here (`not eq` → `ne`, De Morgan over and/or); anything not expressible without a `{not}`
 * node yields no pre-filter instead, so the store never has to get NULL-aware negation right.
 */
import type { ResourceTypeName } from '../schemas.js';
import type { FilterNode, FilterValue } from './ast.js';
import { compileFilter, resolveFilterPath } from './match.js';

export type IndexOp = 'eq' | 'ne' | 'co' | 'sw' | 'ew' | 'gt' | 'ge' | 'lt' | 'le' | 'pr';

export type UserColumn =
  'id' | 'userNameLower' | 'externalId' | 'emailLower' | 'displayName' | 'active' | 'createdAt' | 'updatedAt';
export type GroupColumn = 'id' | 'displayNameLower' | 'externalId' | 'member' | 'createdAt' | 'updatedAt';

export interface IndexLeaf {
  column: UserColumn | GroupColumn;
  op: IndexOp;
  value: string | boolean | Date | null;
}

export type IndexPredicate =
  { and: IndexPredicate[] } | { or: IndexPredicate[] } | { not: IndexPredicate } | IndexLeaf;

export interface IndexTranslation {
  predicate: IndexPredicate | null;
  exact: boolean;
}

const NONE: IndexTranslation = { predicate: null, exact: false };

type ColumnKind = 'text' | 'lower' | 'bool' | 'date' | 'member';

/** Attribute path (lower-cased, canonical without URN) → column, per resource type. */
const COLUMNS: Record<
  ResourceTypeName,
  Record<string, { column: UserColumn | GroupColumn; kind: ColumnKind }>
> = {
  User: {
    id: { column: 'id', kind: 'text' },
    username: { column: 'userNameLower', kind: 'lower' },
    externalid: { column: 'externalId', kind: 'text' },
    active: { column: 'active', kind: 'bool' },
    'meta.created': { column: 'createdAt', kind: 'date' },
    'meta.lastmodified': { column: 'updatedAt', kind: 'date' },
  },
  Group: {
    id: { column: 'id', kind: 'text' },
    displayname: { column: 'displayNameLower', kind: 'lower' },
    externalid: { column: 'externalId', kind: 'text' },
    'members.value': { column: 'member', kind: 'member' },
    members: { column: 'member', kind: 'member' },
    'meta.created': { column: 'createdAt', kind: 'date' },
    'meta.lastmodified': { column: 'updatedAt', kind: 'date' },
  },
};

function leaf(
  resourceType: ResourceTypeName,
  node: Extract<FilterNode, { kind: 'compare' | 'present' }>,
  negate: boolean,
): IndexTranslation {
  if (node.where) return NONE;
  const { attr, sub } = resolveFilterPath(resourceType, node.path);
  if (attr.extension) return NONE;
  const key = (attr.name + (sub ? `.${sub.name}` : '')).toLowerCase();
  const col = COLUMNS[resourceType][key];
  if (!col) return displayNamePresence(resourceType, key, node, negate);

  if (node.kind === 'present') {
    // userName is required and always set; others may be NULL. `not pr` would need NULL tests: no pre-filter.
    if (negate) return NONE;
    // `active` has a column default, so its presence is not visible in SQL; `members pr` is left to the matcher.
    if (col.kind === 'bool' || col.kind === 'member') return NONE;
    return { predicate: { column: col.column, op: 'pr', value: null }, exact: true };
  }

  let op = node.op;
  if (negate) {
    if (op === 'eq') op = 'ne';
    else if (op === 'ne') op = 'eq';
    else return NONE;
  }
  const value = normaliseValue(col.kind, node.value);
  if (value === undefined) return NONE;
  switch (col.kind) {
    case 'bool':
      return op === 'eq' || op === 'ne'
        ? { predicate: { column: col.column, op, value }, exact: true }
        : NONE;
    case 'date':
      // Chronological comparisons map 1:1; substring tests on dates are left to the matcher.
      return op === 'co' || op === 'sw' || op === 'ew'
        ? NONE
        : { predicate: { column: col.column, op, value }, exact: true };
    case 'member':
      return op === 'eq' ? { predicate: { column: col.column, op, value }, exact: true } : NONE;
    default:
      // Text ordering (gt/lt) depends on the database collation; leave it to the matcher.
      if (op === 'gt' || op === 'ge' || op === 'lt' || op === 'le') return NONE;
      // Substring tests on caseExact columns are only a superset: SQLite's LIKE (Prisma `contains`) ignores case
      // (docs/reference/notes.md "Behaviour differences"). On *Lower columns both sides are lower-cased, so they stay exact.
      return {
        predicate: { column: col.column, op, value },
        exact: col.kind === 'lower' || op === 'eq' || op === 'ne',
      };
  }
}

/** `displayName pr` on users: the column holds the value verbatim, so presence is exact (comparisons are not). */
function displayNamePresence(
  resourceType: ResourceTypeName,
  key: string,
  node: FilterNode,
  negate: boolean,
): IndexTranslation {
  if (resourceType === 'User' && key === 'displayname' && node.kind === 'present' && !negate)
    return { predicate: { column: 'displayName', op: 'pr', value: null }, exact: true };
  return NONE;
}

function normaliseValue(kind: ColumnKind, value: FilterValue): string | boolean | Date | undefined {
  if (value === null) return undefined;
  switch (kind) {
    case 'bool':
      if (typeof value === 'boolean') return value;
      if (typeof value === 'string' && /^(true|false)$/i.test(value)) return value.toLowerCase() === 'true';
      return undefined;
    case 'date': {
      const t = typeof value === 'string' ? Date.parse(value) : NaN;
      return Number.isNaN(t) ? undefined : new Date(t);
    }
    case 'lower':
      return String(value).toLowerCase();
    default:
      return String(value);
  }
}

function translate(resourceType: ResourceTypeName, node: FilterNode, negate: boolean): IndexTranslation {
  switch (node.kind) {
    case 'compare':
    case 'present':
      return leaf(resourceType, node, negate);
    case 'not':
      return translate(resourceType, node.filter, !negate);
    case 'valuePath':
      // `members[value eq "x"]` on groups is the only value filter with an index (catalog RF-30).
      if (
        !negate &&
        resourceType === 'Group' &&
        node.path.attr.toLowerCase() === 'members' &&
        !node.path.urn
      ) {
        const inner = node.filter;
        if (
          inner.kind === 'compare' &&
          inner.op === 'eq' &&
          !inner.where &&
          inner.path.attr.toLowerCase() === 'value'
        )
          return typeof inner.value === 'string'
            ? { predicate: { column: 'member', op: 'eq', value: inner.value }, exact: true }
            : NONE;
      }
      return NONE;
    case 'and':
    case 'or': {
      // De Morgan when negated: not(a and b) = not a or not b.
      const isAnd = (node.kind === 'and') !== negate;
      const l = translate(resourceType, node.left, negate);
      const r = translate(resourceType, node.right, negate);
      if (isAnd) {
        // A conjunction stays a superset when a side has no predicate (it is simply not pre-filtered).
        const parts = [l.predicate, r.predicate].filter((p): p is IndexPredicate => p !== null);
        const predicate =
          parts.length === 0
            ? null
            : parts.length === 1
              ? (parts[0] as IndexPredicate)
              : { and: flatten('and', parts) };
        return { predicate, exact: l.exact && r.exact };
      }
      // A disjunction needs both sides, or it would drop matches.
      if (!l.predicate || !r.predicate) return NONE;
      return { predicate: { or: flatten('or', [l.predicate, r.predicate]) }, exact: l.exact && r.exact };
    }
  }
}

function flatten(kind: 'and' | 'or', parts: IndexPredicate[]): IndexPredicate[] {
  return parts.flatMap((p) => (kind in p ? (p as Record<typeof kind, IndexPredicate[]>)[kind] : [p]));
}

/**
 * Translates a parsed filter for `resourceType`. Validates it first (throws `400 invalidFilter` for unknown
 * attributes or unsupported comparisons), so callers get the error before touching the database.
 */
export function toIndexPredicate(node: FilterNode, resourceType: ResourceTypeName): IndexTranslation {
  compileFilter(node, resourceType);
  return translate(resourceType, node, false);
}
