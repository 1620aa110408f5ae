/**
 * Stored document → SCIM resource (RFC 7643 §3, §4; catalog CE-4, CE-5, CE-6, RM-01..09).
 * Plain object work only (no scimmy coercion: docs/reference/notes.md "≈0.3 ms per GET"); the stored document is already normalised.
 */
import { URN } from './schemas.js';
import type { JsonObject as Obj } from './values.js';

export interface StoredResource {
  id: string;
  /** The stored document, as a JSON string (the database column) or already parsed. */
  data: string | Obj;
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

export interface GroupRef {
  value: string;
  display?: string;
}

export interface MemberRef {
  value: string;
  display?: string;
  /** 'User' (default) or 'Group' for nested groups (catalog EG-12). */
  type?: 'User' | 'Group';
}

const trimSlash = (baseUrl: string): string =>
  baseUrl.endsWith('/') ? baseUrl.replace(/\/+$/, '') : baseUrl;

/** RFC 7644 §3.14 weak entity tag, also used as `meta.version` (catalog RM-04). */
export function etagOf(version: number): string {
  return `W/"${version}"`;
}

const parse = (data: string | Obj): Obj => (typeof data === 'string' ? (JSON.parse(data) as Obj) : data);

/** Keys never copied from the document: computed here, or write-only (password, CE-6). */
const COMPUTED = new Set(['id', 'meta', 'schemas', 'groups', 'password', 'members']);

function copyAssigned(doc: Obj, out: Obj): void {
  for (const key in doc) {
    if (COMPUTED.has(key)) continue;
    const v = doc[key];
    // CE-5: omit unassigned values (stored documents have none, but older rows might).
    if (v === null || v === undefined || v === '' || (Array.isArray(v) && v.length === 0)) continue;
    out[key] = v;
  }
}

function meta(resourceType: 'User' | 'Group', stored: StoredResource, location: string): Obj {
  return {
    resourceType,
    created: stored.createdAt.toISOString(),
    lastModified: stored.updatedAt.toISOString(),
    location,
    version: etagOf(stored.version),
  };
}

/**
 * Renders a user. `groups` (readOnly, RFC 7643 §4.1.2) comes from the membership table; `active` is always a
 * boolean (absent → true, matching the store's `active` column so filters and SQL agree).
 */
export function renderUser(stored: StoredResource, groups: GroupRef[], baseUrl: string): Obj {
  const doc = parse(stored.data);
  const base = trimSlash(baseUrl);
  const location = `${base}/Users/${stored.id}`;
  const hasEnterprise = typeof doc[URN.EnterpriseUser] === 'object' && doc[URN.EnterpriseUser] !== null;
  const out: Obj = {
    schemas: hasEnterprise ? [URN.User, URN.EnterpriseUser] : [URN.User],
    id: stored.id,
  };
  copyAssigned(doc, out);
  out.active = doc.active !== false;
  if (groups.length > 0)
    out.groups = groups.map((g) => {
      const ref: Obj = { value: g.value, $ref: `${base}/Groups/${g.value}`, type: 'direct' };
      if (g.display !== undefined) ref.display = g.display;
      return ref;
    });
  out.meta = meta('User', stored, location);
  return out;
}

/**
 * Renders a group. `members` undefined → the key is omitted (`excludedAttributes=members`, catalog EG-03, or a
 * caller that did not load them); `[]` → `"members": []` (catalog OG-01, EG-01 show it).
 */
export function renderGroup(stored: StoredResource, members: MemberRef[] | undefined, baseUrl: string): Obj {
  const doc = parse(stored.data);
  const base = trimSlash(baseUrl);
  const out: Obj = { schemas: [URN.Group], id: stored.id };
  copyAssigned(doc, out);
  if (members !== undefined)
    out.members = members.map((m) => {
      const type = m.type ?? 'User';
      const ref: Obj = {
        value: m.value,
        $ref: `${base}/${type === 'Group' ? 'Groups' : 'Users'}/${m.value}`,
        type,
      };
      if (m.display !== undefined) ref.display = m.display;
      return ref;
    });
  out.meta = meta('Group', stored, `${base}/Groups/${stored.id}`);
  return out;
}

/**
 * Does an `If-Match` / `If-None-Match` header match the current version (RFC 7232 §3.1/§3.2, catalog RM-05/RM-06)?
 * Accepts `*`, lists, and weak or strong forms of our tags (`W/"7"` and `"7"` both match version 7: SCIM ETags are
 * weak, and If-None-Match uses weak comparison).
 */
export function etagMatches(header: string | undefined, version: number): boolean {
  if (header === undefined) return false;
  const wanted = `"${version}"`;
  return header.split(',').some((raw) => {
    const tag = raw.trim();
    return tag === '*' || tag === wanted || tag === `W/${wanted}`;
  });
}
