// Serves a SCIM list/query (RFC 7644 §3.4.2) from the store. When the filter translates exactly to indexed SQL and
// the sort is on a column, COUNT and LIMIT/OFFSET run in the database (docs/reference/notes.md deviation 2); otherwise
// the indexed pre-filter narrows the candidates and the exact SCIM filter, sort and paging run in memory.
import { compileFilter, toIndexPredicate, validateFilter, type FilterNode } from '../scim/filter/index.js';
import type { ResourceTypeName } from '../scim/schemas.js';
import { evaluatesExactly, type IndexPredicate } from '../store/index-predicate.js';
import type { Provider } from '../store/database.js';

export interface ListQuery {
  filter?: FilterNode | undefined;
  /** 1-based (RFC 7644 §3.4.2.4) */
  startIndex: number;
  count: number;
  sortBy?: string | undefined;
  sortOrder?: 'ascending' | 'descending' | undefined;
}

export interface ListSource<Stored, SortColumn> {
  count(predicate: IndexPredicate | null): Promise<number>;
  page(
    predicate: IndexPredicate | null,
    sort: SortColumn | null,
    offset: number,
    limit: number,
  ): Promise<Stored[]>;
  candidates(predicate: IndexPredicate | null): Promise<Stored[]>;
  /** the column that sorts exactly like SCIM would for `sortBy`, if any */
  sortColumn(sortBy: string, descending: boolean): SortColumn | null;
  /** the resource as filters and sorting see it (rendered, unprojected) */
  render(stored: Stored[]): Promise<Array<Record<string, unknown>>>;
  compare(
    sortBy: string,
    descending: boolean,
  ): (a: Record<string, unknown>, b: Record<string, unknown>) => number;
  /** a faster answer for `column eq value` on an indexed column, rendered; null when it cannot serve it */
  lookup?(predicate: IndexPredicate): Promise<Array<Record<string, unknown>>> | null;
}

export interface ListResult {
  totalResults: number;
  resources: Array<Record<string, unknown>>;
}

export async function listResources<Stored, SortColumn>(
  resourceType: ResourceTypeName,
  query: ListQuery,
  source: ListSource<Stored, SortColumn>,
  provider: Provider,
): Promise<ListResult> {
  const node = query.filter;
  if (node) validateFilter(node, resourceType);
  const translation = node ? toIndexPredicate(node, resourceType) : { predicate: null, exact: true };
  const descending = query.sortOrder === 'descending';
  // The comparator resolves `sortBy` against the schema, so an unknown name (`__proto__`, `constructor`) is a 400
  // invalidValue here, before it can reach a column lookup or the database.
  const compare = query.sortBy ? source.compare(query.sortBy, descending) : undefined;
  const sort = query.sortBy ? source.sortColumn(query.sortBy, descending) : null;
  const inSql =
    translation.exact &&
    (translation.predicate === null || evaluatesExactly(translation.predicate, provider)) &&
    (query.sortBy === undefined || sort !== null);
  const offset = query.startIndex - 1;

  if (inSql && translation.predicate && query.sortBy === undefined) {
    const found = source.lookup?.(translation.predicate);
    if (found) {
      const all = await found;
      return {
        totalResults: all.length,
        resources: query.count === 0 ? [] : all.slice(offset, offset + query.count),
      };
    }
  }

  if (inSql) {
    const totalResults = await source.count(translation.predicate);
    if (query.count === 0 || offset >= totalResults) return { totalResults, resources: [] };
    const page = await source.page(translation.predicate, sort, offset, query.count);
    return { totalResults, resources: await source.render(page) };
  }

  const candidates = await source.render(await source.candidates(translation.predicate));
  const matches = node ? candidates.filter(compileFilter(node, resourceType)) : candidates;
  if (compare) matches.sort(compare);
  return { totalResults: matches.length, resources: matches.slice(offset, offset + query.count) };
}
