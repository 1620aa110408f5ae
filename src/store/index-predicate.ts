// Translates a filter's indexed pre-predicate (built by src/scim/filter from a SCIM filter) into a Prisma `where`.
// Values arrive normalised (lower-cased for *Lower columns, Date for dates, boolean for `active`). On SQLite `LIKE`
// is case-insensitive for ASCII and on PostgreSQL it is not: the lower-cased columns make both agree, and the
// case-exact columns are only ever used for `exact` predicates where the caller post-filters otherwise.
import type { IndexPredicate } from '../scim/filter/index-predicate.js';
import type { Provider } from './database.js';

export type { IndexPredicate };

type Where = Record<string, unknown>;

const TEXT_COLUMNS = new Set([
  'id',
  'userNameLower',
  'externalId',
  'emailLower',
  'displayName',
  'displayNameLower',
]);
/** Columns that may be NULL (the attribute is optional); the others always hold a value. */
const NULLABLE_COLUMNS = new Set(['externalId', 'displayName', 'emailLower']);
const orNull = (column: string, where: Where): Where =>
  NULLABLE_COLUMNS.has(column) ? { OR: [where, { [column]: null }] } : where;

/** Columns whose values keep their case: a substring test on them is case-sensitive in SCIM. */
const CASE_EXACT_COLUMNS = new Set(['id', 'externalId', 'displayName']);

/**
 * Whether SQL evaluates the predicate with SCIM's case rules on this provider. SQLite's LIKE (Prisma's
 * contains/startsWith/endsWith) ignores ASCII case, so a substring test on a case-exact column selects a superset
 * there: the caller must then post-filter instead of paging in SQL.
 */
export function evaluatesExactly(predicate: IndexPredicate, provider: Provider): boolean {
  if (provider !== 'sqlite') return true;
  if ('and' in predicate) return predicate.and.every((p) => evaluatesExactly(p, provider));
  if ('or' in predicate) return predicate.or.every((p) => evaluatesExactly(p, provider));
  if ('not' in predicate) return evaluatesExactly(predicate.not, provider);
  return !(['co', 'sw', 'ew'].includes(predicate.op) && CASE_EXACT_COLUMNS.has(predicate.column));
}

const RELATION_COLUMNS: Record<string, (value: unknown, op: string) => Where> = {
  // GroupMember rows of a group: `members.value eq "userId"`
  member: (value, op) =>
    op === 'pr'
      ? { members: { some: {} } }
      : op === 'eq'
        ? { members: { some: { userId: String(value) } } }
        : op === 'ne'
          ? { members: { none: { userId: String(value) } } }
          : { members: { some: { userId: stringOp(op, value) } } },
};

function stringOp(op: string, value: unknown): unknown {
  switch (op) {
    case 'co':
      return { contains: value };
    case 'sw':
      return { startsWith: value };
    case 'ew':
      return { endsWith: value };
    default:
      return value;
  }
}

function compare(column: string, op: string, value: unknown): Where {
  const relation = RELATION_COLUMNS[column];
  if (relation) return relation(value, op);
  switch (op) {
    case 'eq':
      return { [column]: value };
    case 'ne':
      // SCIM `ne` is true for resources that lack the attribute (RFC 7644 §3.4.2.2); SQL's <> is not.
      return orNull(column, { [column]: { not: value } });
    case 'co':
    case 'sw':
    case 'ew':
      return { [column]: stringOp(op, value) };
    case 'gt':
    case 'ge':
    case 'lt':
    case 'le': {
      const prismaOp = { gt: 'gt', ge: 'gte', lt: 'lt', le: 'lte' }[op];
      return { [column]: { [prismaOp]: value } };
    }
    case 'pr':
      // `pr` on text also excludes the empty string (src/scim/filter/index-predicate.ts contract)
      if (!NULLABLE_COLUMNS.has(column)) return TEXT_COLUMNS.has(column) ? { [column]: { not: '' } } : {};
      return TEXT_COLUMNS.has(column)
        ? { AND: [{ [column]: { not: null } }, { [column]: { not: '' } }] }
        : { [column]: { not: null } };
    default:
      throw new Error(`unknown predicate operator ${op}`);
  }
}

/**
 * A comparison on a missing (NULL) attribute is false in SCIM, and so is its SQL counterpart — but SCIM's
 * `not (x eq 1)` is then TRUE for a missing x, while SQL's `NOT (x = 1)` is NULL. So negations are pushed down to
 * the leaves (De Morgan) and each negated leaf says explicitly that NULL matches.
 */
function negatedCompare(column: string, op: string, value: unknown): Where {
  const relation = RELATION_COLUMNS[column];
  if (relation) return { NOT: relation(value, op) };
  if (op === 'pr')
    return NULLABLE_COLUMNS.has(column) ? { OR: [{ [column]: null }, { [column]: '' }] } : { [column]: '' };
  if (op === 'ne') return compare(column, 'eq', value); // `ne` already counts a missing value as a match
  return orNull(column, { NOT: compare(column, op, value) });
}

export function toPrismaWhere(predicate: IndexPredicate, negated = false): Where {
  if ('and' in predicate) {
    const parts = predicate.and.map((p) => toPrismaWhere(p, negated));
    return negated ? { OR: parts } : { AND: parts };
  }
  if ('or' in predicate) {
    const parts = predicate.or.map((p) => toPrismaWhere(p, negated));
    return negated ? { AND: parts } : { OR: parts };
  }
  if ('not' in predicate) return toPrismaWhere(predicate.not, !negated);
  return negated
    ? negatedCompare(predicate.column, predicate.op, predicate.value)
    : compare(predicate.column, predicate.op, predicate.value);
}
