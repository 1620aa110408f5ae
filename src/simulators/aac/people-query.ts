// Filtering, sorting and paging of people lists (docs/reference/upstream-contracts.md A.3, A.6.2).
import { AacError } from './errors.js';
import type { Membership, MembershipStatus, Person } from './model.js';
import { parseStatus } from './presenters.js';
import { queryBool, queryList, queryString, type Query } from './query.js';
import type { AacSettings } from './settings.js';
import type { AacStore } from './store.js';

export interface MemberRow {
  person: Person;
  membership: Membership;
}

const FILTER_TYPES = ['fuzzy', 'contains', 'exact', 'exactIgnoreCase'] as const;
type FilterType = (typeof FILTER_TYPES)[number];
const FILTERABLE = new Set(['email', 'name', 'id', 'ssoPrincipal']);
const SORTABLE = new Set(['id', 'email', 'name', 'createdAt', 'updatedAt']);

function fieldText(person: Person, field: string): string {
  if (field === 'id') return String(person.id);
  if (field === 'email') return person.email;
  if (field === 'name') return person.name;
  return '';
}

function textMatcher(filterType: FilterType, needle: string): (text: string) => boolean {
  const lower = needle.toLowerCase();
  switch (filterType) {
    case 'exact':
      return (text) => text === needle;
    case 'exactIgnoreCase':
      return (text) => text.toLowerCase() === lower;
    case 'contains':
      return (text) => text.includes(needle);
    case 'fuzzy':
      return (text) => text.toLowerCase().includes(lower);
  }
}

/** `filter`, `filterFields` (default name,email) and `filterType` (default fuzzy). */
function genericFilter(query: Query): ((row: MemberRow) => boolean) | undefined {
  const filter = queryString(query, 'filter');
  if (filter === undefined || filter === '') return undefined;
  const rawType = queryString(query, 'filterType') ?? 'fuzzy';
  const filterType = FILTER_TYPES.find((type) => type === rawType);
  if (!filterType) throw AacError.validation(`"filterType" must be one of ${FILTER_TYPES.join(', ')}`);
  const fields = queryList(query, 'filterFields');
  const chosen = fields.length > 0 ? fields : ['name', 'email'];
  for (const field of chosen)
    if (!FILTERABLE.has(field)) throw AacError.validation(`cannot filter on "${field}"`);
  const matches = textMatcher(filterType, filter);
  return (row) => chosen.some((field) => matches(fieldText(row.person, field)));
}

function statusFilter(query: Query, settings: AacSettings): (row: MemberRow) => boolean {
  const requested = queryList(query, 'status');
  if (requested.length === 0) {
    // Part D #13: pending invitees are listed unless the setting hides them (an explicit status= still finds them).
    return settings.list_includes_pending ? () => true : (row) => row.membership.status !== 'new';
  }
  const statuses = new Set<MembershipStatus>();
  for (const value of requested) {
    const status = parseStatus(value);
    if (!status) throw AacError.validation(`unknown status "${value}"`);
    statuses.add(status);
  }
  return (row) => statuses.has(row.membership.status);
}

function sorter(query: Query): (a: MemberRow, b: MemberRow) => number {
  const raw = queryString(query, 'sort') ?? 'id';
  const descending = raw.startsWith('-');
  const field = descending ? raw.slice(1) : raw;
  if (!SORTABLE.has(field)) throw AacError.validation(`cannot sort on "${field}"`);
  const sign = descending ? -1 : 1;
  if (field === 'id') return (a, b) => sign * (a.person.id - b.person.id);
  const key = field as 'email' | 'name' | 'createdAt' | 'updatedAt';
  return (a, b) =>
    sign *
    (a.person[key] < b.person[key] ? -1 : a.person[key] > b.person[key] ? 1 : a.person.id - b.person.id);
}

/**
 * An exact email the query selects by: the `email` parameter (Part D #15: exact, case-insensitive by default), or
 * the generic filter on `email` alone with filterType exact/exactIgnoreCase. Such a query can start from the email
 * index instead of scanning the workspace (the bridge looks people up this way before and after every invite);
 * every filter still applies to the candidates.
 */
function emailLookup(
  query: Query,
  settings: AacSettings,
): { email: string; caseSensitive: boolean } | undefined {
  const email = queryString(query, 'email');
  if (email !== undefined) return { email, caseSensitive: settings.email_match === 'case_sensitive' };
  const filter = queryString(query, 'filter');
  const fields = queryList(query, 'filterFields');
  const filterType = queryString(query, 'filterType');
  if (!filter || fields.length !== 1 || fields[0] !== 'email') return undefined;
  if (filterType === 'exactIgnoreCase') return { email: filter, caseSensitive: false };
  if (filterType === 'exact') return { email: filter, caseSensitive: true };
  return undefined;
}

/** The rows of a workspace that pass every filter of the query, sorted. Exact email queries use the email index. */
export function selectMembers(
  store: AacStore,
  workspaceId: number,
  query: Query,
  settings: AacSettings,
): MemberRow[] {
  const members = store.membersOf(workspaceId);
  const byEmail = emailLookup(query, settings);
  let rows: MemberRow[];
  if (byEmail) {
    const people = store.findPeopleByEmail(byEmail.email, byEmail.caseSensitive);
    rows = people.flatMap((person) => {
      const membership = members.get(person.id);
      return membership ? [{ person, membership }] : [];
    });
  } else {
    rows = [];
    for (const membership of members.values()) {
      const person = store.people.get(membership.personId);
      if (person) rows.push({ person, membership });
    }
  }
  const checks: Array<(row: MemberRow) => boolean> = [statusFilter(query, settings)];
  const generic = genericFilter(query);
  if (generic) checks.push(generic);
  const isDisabled = queryBool(query, 'isDisabled');
  if (isDisabled !== undefined) checks.push((row) => (row.membership.status === 'suspended') === isDisabled);
  const state = queryString(query, 'state');
  if (state !== undefined) checks.push(() => state === 'active');
  const peopleIds = queryList(query, 'peopleIds');
  if (peopleIds.length > 0) {
    const wanted = new Set(peopleIds.map(Number));
    checks.push((row) => wanted.has(row.person.id));
  }
  const roles = queryList(query, 'roles').map(Number);
  if (roles.length > 0)
    checks.push((row) => roles.some((id) => store.roles.get(id)?.people.has(row.person.id) === true));
  const excluded = queryList(query, 'excludingRoles').map(Number);
  if (excluded.length > 0)
    checks.push((row) => !excluded.some((id) => store.roles.get(id)?.people.has(row.person.id) === true));
  return rows.filter((row) => checks.every((check) => check(row))).sort(sorter(query));
}
