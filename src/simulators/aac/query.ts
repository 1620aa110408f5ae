// Query-string helpers for the AAC list conventions (docs/reference/upstream-contracts.md A.3): offset/limit paging, includeCount, and the
// `{data, count?}` envelope. Bad values answer 400 ValidationFailed, like the real API's input validation.
import { AacError } from './errors.js';
import type { AacSettings } from './settings.js';

export type Query = Record<string, unknown>;

export function queryString(query: Query, name: string): string | undefined {
  const value = query[name];
  if (Array.isArray(value)) return typeof value[0] === 'string' ? value[0] : undefined;
  return typeof value === 'string' ? value : undefined;
}

/** Repeated (`a=1&a=2`) and comma-separated (`a=1,2`) values both count. */
export function queryList(query: Query, name: string): string[] {
  const value = query[name];
  const raw = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return raw
    .filter((item): item is string => typeof item === 'string')
    .flatMap((item) => item.split(','))
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

export function queryBool(query: Query, name: string): boolean | undefined {
  const value = queryString(query, name);
  if (value === undefined) return undefined;
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw AacError.validation(`"${name}" must be true or false`);
}

export function queryInt(query: Query, name: string, min: number): number | undefined {
  const value = queryString(query, name);
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < min)
    throw AacError.validation(`"${name}" must be an integer ≥ ${min}`);
  return parsed;
}

/** A numeric path segment (person id, policy id); anything else is 400 ValidationFailed. */
export function intParam(raw: unknown, what: string): number {
  const id = typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(id)) throw AacError.validation(`${what} "${String(raw)}" is not a number`);
  return id;
}

/**
 * A.3 `fields=a;b`: the response objects keep only the named top-level fields (semicolon-separated as in the spec;
 * commas are accepted too). Unknown names are ignored. Undefined when the parameter is absent or empty.
 */
export function fieldsParam(query: Query): string[] | undefined {
  const raw = queryString(query, 'fields');
  if (raw === undefined) return undefined;
  const fields = raw
    .split(/[;,]/)
    .map((field) => field.trim())
    .filter((field) => field !== '');
  return fields.length > 0 ? fields : undefined;
}

export function project<T extends Record<string, unknown>>(
  body: T,
  fields: string[] | undefined,
): Record<string, unknown> {
  if (!fields) return body;
  const picked: Record<string, unknown> = {};
  for (const field of fields) if (Object.hasOwn(body, field)) picked[field] = body[field];
  return picked;
}

export function toIntIds(values: unknown[], what: string): number[] {
  return values.map((value) => {
    const id = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
    if (typeof id !== 'number' || !Number.isInteger(id))
      throw AacError.validation(`${what} must be integer ids`);
    return id;
  });
}

export interface Page {
  offset: number;
  /** null = no limit (`noLimit=true`) */
  limit: number | null;
}

/** Part D #7: `limit` defaults to `default_limit`, is clamped to `max_limit`; `noLimit=true` lifts it. */
export function readPage(query: Query, settings: AacSettings): Page {
  const offset = queryInt(query, 'offset', 0) ?? 0;
  if (queryBool(query, 'noLimit') === true) return { offset, limit: null };
  const requested = queryInt(query, 'limit', 1) ?? settings.default_limit;
  return { offset, limit: settings.max_limit === null ? requested : Math.min(requested, settings.max_limit) };
}

export function slicePage<T>(items: T[], page: Page): T[] {
  return items.slice(page.offset, page.limit === null ? undefined : page.offset + page.limit);
}

/** Part D #8: `count` only with `includeCount=true`, unless the default says otherwise. */
export function wantsCount(query: Query, settings: AacSettings): boolean {
  return queryBool(query, 'includeCount') ?? settings.include_count_default;
}
