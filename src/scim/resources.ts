/**
 * Input normalisation for POST and PUT bodies (RFC 7644 §3.3, §3.5.1).
 *
 * The result is the stored document: canonical attribute names, coerced values, extension data under its URN key,
 * no read-only attributes (`id`, `meta`, `groups`, `schemas` are recomputed on output), no unassigned values.
 */
import { badRequest } from './errors.js';
import { coerceAttribute } from './values.js';
import {
  URN,
  coreAttributes,
  findAttribute,
  findExtension,
  type AttrNode,
  type ResourceTypeName,
} from './schemas.js';
import { isJsonObject as isObj, type JsonObject as Obj } from './values.js';

/** A stored user document (see the module comment). The SCIM services drop `password` before storing it. */
export type UserDoc = Record<string, unknown> & { userName: string };
export type GroupDoc = Record<string, unknown> & { displayName: string };

/** Top-level keys that are read-only or computed: accepted in bodies and ignored (catalog OK-07, RE-07, EN-02). */
const IGNORED = new Set(['id', 'meta', 'schemas', 'groups']);

function checkSchemas(resourceType: ResourceTypeName, body: Obj): void {
  const schemas = body.schemas;
  if (schemas === undefined) return; // tolerated: Okta/Entra always send it, other clients may not
  if (!Array.isArray(schemas) || schemas.some((s) => typeof s !== 'string'))
    throw badRequest('invalidSyntax', "'schemas' must be an array of URI strings");
  // Unknown URIs are tolerated (catalog EN-03 typo URN, EG-01 Microsoft ADSCIM URN); only a body that is clearly the
  // other resource type is rejected.
  const lower = schemas.map((s: string) => s.toLowerCase());
  const own = (resourceType === 'User' ? URN.User : URN.Group).toLowerCase();
  const other = (resourceType === 'User' ? URN.Group : URN.User).toLowerCase();
  if (!lower.includes(own) && lower.includes(other))
    throw badRequest(
      'invalidSyntax',
      `'schemas' must contain ${resourceType === 'User' ? URN.User : URN.Group}`,
    );
}

function setExtensionValue(doc: Obj, urn: string, attr: AttrNode, value: unknown): void {
  const existing = doc[urn];
  const ext: Obj = isObj(existing) ? existing : {};
  doc[urn] = ext;
  ext[attr.name] = value;
}

/** Normalises a resource body against its schema (shared by users and groups). */
export function normalizeResource(resourceType: ResourceTypeName, body: unknown): Obj {
  if (!isObj(body)) throw badRequest('invalidSyntax', 'The request body must be a JSON object');
  checkSchemas(resourceType, body);
  const core = coreAttributes(resourceType);
  const doc: Obj = {};
  for (const [key, raw] of Object.entries(body)) {
    const lower = key.toLowerCase();
    if (IGNORED.has(lower)) continue;
    const coreAttr = core.get(lower);
    if (coreAttr) {
      if (coreAttr.def.mutability === 'readOnly') continue;
      const v = coerceAttribute(coreAttr, raw, coreAttr.name);
      if (v !== undefined) doc[coreAttr.name] = v;
      continue;
    }
    const ext = findExtension(resourceType, key);
    if (ext) {
      if (raw === null) continue;
      if (!isObj(raw)) throw badRequest('invalidValue', `'${ext.urn}' must be an object`);
      for (const [extKey, extRaw] of Object.entries(raw)) {
        const attr = ext.attrs.get(extKey.toLowerCase());
        if (!attr || attr.def.mutability === 'readOnly') continue;
        const v = coerceAttribute(attr, extRaw, `${ext.urn}:${attr.name}`);
        if (v !== undefined) setExtensionValue(doc, ext.urn, attr, v);
      }
      continue;
    }
    // A fully qualified extension attribute used as a top-level key (`"urn:…:2.0:User:department": "x"`).
    if (/^urn:/i.test(key)) {
      const resolved = findAttribute(resourceType, key);
      if (
        resolved &&
        !resolved.sub &&
        resolved.attr.extension &&
        resolved.attr.def.mutability !== 'readOnly'
      ) {
        const v = coerceAttribute(resolved.attr, raw, key);
        if (v !== undefined) setExtensionValue(doc, resolved.attr.schemaUrn, resolved.attr, v);
      }
    }
    // Anything else is an unknown attribute: ignored, not echoed (catalog RE-04).
  }
  return doc;
}

/** POST/PUT /Users body → stored document. `userName` is required (catalog RE-01 → 400 invalidValue). */
export function normalizeUserInput(body: unknown): UserDoc {
  const doc = normalizeResource('User', body);
  if (typeof doc.userName !== 'string' || doc.userName.trim() === '')
    throw badRequest('invalidValue', "Attribute 'userName' is required");
  return doc as UserDoc;
}

/**
 * POST/PUT /Groups body → stored document (without members) and the member ids.
 * `displayName` is required (RE-01); member entries need a string `value` (catalog RX-23: no bare strings).
 */
export function normalizeGroupInput(body: unknown): {
  doc: GroupDoc;
  members: string[];
  displays: Record<string, string>;
} {
  const doc = normalizeResource('Group', body);
  if (typeof doc.displayName !== 'string' || doc.displayName.trim() === '')
    throw badRequest('invalidValue', "Attribute 'displayName' is required");
  const members = memberIds(doc.members);
  const displays = memberDisplays(doc.members);
  delete doc.members;
  return { doc: doc as GroupDoc, members, displays };
}

/**
 * `display` strings the client sent per member id (`[{value, display}]`, or one `{value, display}`). Microsoft's
 * SCIM validator names it `displayName` inside a member (its "Patch add user4 to group1"): tolerated as an alias.
 */
export function memberDisplays(members: unknown): Record<string, string> {
  const list = Array.isArray(members) ? members : members === undefined || members === null ? [] : [members];
  const displays: Record<string, string> = {};
  for (const m of list) {
    if (!isObj(m)) continue;
    const display = Object.entries(m).find(([k]) =>
      ['display', 'displayname'].includes(k.toLowerCase()),
    )?.[1];
    if (typeof m.value === 'string' && typeof display === 'string' && display.trim() !== '')
      displays[m.value] = display;
  }
  return displays;
}

/** Member ids from a coerced `members` value, de-duplicated in order. */
export function memberIds(members: unknown): string[] {
  if (members === undefined) return [];
  const ids = new Set<string>();
  for (const m of members as Obj[]) {
    if (typeof m.value !== 'string' || m.value === '')
      throw badRequest('invalidValue', "Each member needs a non-empty string 'value'");
    ids.add(m.value);
  }
  return [...ids];
}

/** The user's primary email, else the first one, else the userName (the `emailLower` column source). */
export function primaryEmail(doc: Obj): string | undefined {
  const emails = Array.isArray(doc.emails) ? (doc.emails as unknown[]).filter(isObj) : [];
  const chosen =
    emails.find((e) => e.primary === true && typeof e.value === 'string') ??
    emails.find((e) => typeof e.value === 'string');
  if (chosen) return chosen.value as string;
  return typeof doc.userName === 'string' ? doc.userName : undefined;
}

/** Lower-cases a string for the *Lower columns (locale-independent). */
export function lowerKeys(value: string): string {
  return value.toLowerCase();
}

/** The indexed columns the store keeps for a user document (kept in one place so filters and store agree). */
export function userColumns(doc: Obj): {
  userName: string;
  userNameLower: string;
  externalId: string | null;
  displayName: string | null;
  emailLower: string | null;
  active: boolean;
} {
  const userName = String(doc.userName);
  const email = primaryEmail(doc);
  return {
    userName,
    userNameLower: lowerKeys(userName),
    externalId: typeof doc.externalId === 'string' ? doc.externalId : null,
    displayName: typeof doc.displayName === 'string' ? doc.displayName : null,
    emailLower: email === undefined ? null : lowerKeys(email),
    // An absent `active` is rendered as absent; for the column, treat it as active (RFC 7643 §4.1.1 default).
    active: doc.active !== false,
  };
}

/** The indexed columns the store keeps for a group document. */
export function groupColumns(doc: Obj): {
  displayName: string;
  displayNameLower: string;
  externalId: string | null;
} {
  const displayName = String(doc.displayName);
  return {
    displayName,
    displayNameLower: lowerKeys(displayName),
    externalId: typeof doc.externalId === 'string' ? doc.externalId : null,
  };
}
