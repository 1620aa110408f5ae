// Query handling of the unpaged v3 lists (docs/reference/upstream-contracts.md B.5): filters, view selection, and optional paging (Part D #25).
import { ServerError } from './errors.js';
import type { User } from './model.js';
import { parseRole } from './roles.js';
import type { ServerSettings } from './settings.js';
import type { ServerStore } from './store.js';

type Query = Record<string, unknown>;

export function queryValue(query: Query, name: string): string | undefined {
  const value = query[name];
  const first: unknown = Array.isArray(value) ? value[0] : value;
  return typeof first === 'string' ? first : undefined;
}

function boolParam(query: Query, name: string): boolean | undefined {
  const value = queryValue(query, name)?.toLowerCase();
  if (value === undefined) return undefined;
  if (value === 'true' || value === 'false') return value === 'true';
  throw ServerError.invalid({ [name]: [`The value '${value}' is not valid for ${name}.`] });
}

function dateParam(query: Query, name: string): number | undefined {
  const value = queryValue(query, name);
  if (value === undefined) return undefined;
  const ms = Date.parse(value);
  if (Number.isNaN(ms))
    throw ServerError.invalid({ [name]: [`The value '${value}' is not a valid date-time.`] });
  return ms;
}

/** Part D #24: `view` (Default|Full), or the legacy `verbose` flag. */
export function wantsFullView(query: Query, settings: ServerSettings): boolean {
  if (settings.list_view_default === 'legacy_verbose') return boolParam(query, 'verbose') ?? false;
  const view = queryValue(query, 'view');
  if (view === undefined) return settings.list_view_default === 'Full';
  if (view.toLowerCase() === 'full') return true;
  if (view.toLowerCase() === 'default') return false;
  throw ServerError.invalid({ view: [`The value '${view}' is not valid for view.`] });
}

/** Users matching `active`, `email`, `role`, `firstName`, `lastName`, `createdAfter`, `createdBefore` (exact, case-insensitive). */
export function filterUsers(store: ServerStore, query: Query, settings: ServerSettings): User[] {
  const email = queryValue(query, 'email');
  const candidates = email !== undefined ? store.findByEmail(email) : [...store.users.values()];
  const checks: Array<(user: User) => boolean> = [];
  const active = boolParam(query, 'active');
  if (active !== undefined) checks.push((user) => user.isActive === active);
  const roleValue = queryValue(query, 'role');
  if (roleValue !== undefined) {
    const role = parseRole(roleValue, settings.role_enum_strict);
    if (!role) throw ServerError.invalid({ role: [`The value '${roleValue}' is not valid for role.`] });
    checks.push((user) => user.role === role);
  }
  for (const field of ['firstName', 'lastName'] as const) {
    const value = queryValue(query, field)?.toLowerCase();
    if (value !== undefined) checks.push((user) => user[field].toLowerCase() === value);
  }
  const after = dateParam(query, 'createdAfter');
  if (after !== undefined) checks.push((user) => Date.parse(user.dateCreated) > after);
  const before = dateParam(query, 'createdBefore');
  if (before !== undefined) checks.push((user) => Date.parse(user.dateCreated) < before);
  return checks.length === 0 ? candidates : candidates.filter((user) => checks.every((check) => check(user)));
}

/** Part D #25: `page` (1-based) and `pageSize` (default 25, max 100) only when the setting says so. */
export function pageOf<T>(items: T[], query: Query, settings: ServerSettings): T[] {
  if (settings.pagination === 'none') return items;
  const page = Math.max(1, Number(queryValue(query, 'page') ?? 1) || 1);
  const pageSize = Math.min(100, Math.max(1, Number(queryValue(query, 'pageSize') ?? 25) || 25));
  return items.slice((page - 1) * pageSize, page * pageSize);
}
