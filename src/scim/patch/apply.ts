/**
 * Schema-driven application of one PATCH operation to a stored document (RFC 7644 §3.5.2), for any resource type.
 * The caller passes a private deep copy; this module mutates it. Atomicity (RX-15) comes from the caller discarding
 * the copy when an operation throws.
 *
 * IdP quirks honoured here (catalog section in brackets):
 *  - path-less add/replace with a value object, incl. dotted keys `name.givenName` and URN keys [OK-10, EN-20, RX-19];
 *  - `emails[type eq "work"].value` add/replace creates the element when absent [EN-21, docs/reference/notes.md #4], also for
 *    `replace` (Entra-compatible alternative of RX-09, documented in the catalog);
 *  - URN paths with "2.0" in them [EN-19, RX-18]; bare `manager` path and manager string value [EN-22..24];
 *  - string booleans by schema type [EN-14/15/17]; "" / null as unassigned [EN-26];
 *  - `remove` with a value array on a multi-valued attribute removes the listed values [EG-08 generalised];
 *  - no-op success for duplicates and for removals that match nothing [RX-03, OG-09].
 */
import { badRequest, ScimError } from '../errors.js';
import { compileElementFilter } from '../filter/match.js';
import { parsePatchPath } from '../filter/parser.js';
import type { AttrPath, FilterNode } from '../filter/ast.js';
import { findExtension, resolvePath, type AttrNode, type ResourceTypeName } from '../schemas.js';
import { coerceAttribute, coerceSingle, isUserActive, jsonEqual } from '../values.js';
import type { PatchOpName } from './operations.js';
import { isJsonObject as isObj, type JsonObject as Obj } from '../values.js';

export interface PatchContext {
  resourceType: ResourceTypeName;
  /** The resource id, when known: a path-less `"id"` equal to it is a no-op (catalog OG-05, RX-14 exception). */
  id: string | undefined;
}

/** A resolved PATCH target. */
export interface PatchTarget {
  attr: AttrNode;
  sub?: AttrNode;
  filter?: FilterNode;
  /** The path as written, for error details. */
  label: string;
}

/** Resolves a PATCH path string; unknown attributes and malformed paths → 400 invalidPath (catalog RX-13). */
export function resolvePatchPath(resourceType: ResourceTypeName, pathText: string): PatchTarget {
  const parsed = parsePatchPath(pathText);
  const resolved = resolveAttrPath(resourceType, parsed.path);
  if (!resolved) throw badRequest('invalidPath', `Unknown attribute in path '${pathText}'`);
  const target: PatchTarget = { attr: resolved.attr, label: pathText };
  if (resolved.sub) target.sub = resolved.sub;
  if (parsed.filter) {
    if (resolved.attr.def.type !== 'complex' || !resolved.attr.def.multiValued)
      throw badRequest(
        'invalidPath',
        `'${resolved.attr.name}' is not a multi-valued complex attribute: '[…]' is not allowed`,
      );
    target.filter = parsed.filter;
  }
  return target;
}

function resolveAttrPath(
  resourceType: ResourceTypeName,
  path: AttrPath,
): { attr: AttrNode; sub?: AttrNode } | undefined {
  return resolvePath(resourceType, path);
}

// ---------------------------------------------------------------------------------------------------------------

/** The object holding `attr` (the document, or its extension object, created on demand when `create`). */
function containerOf(doc: Obj, attr: AttrNode, create: boolean): Obj | undefined {
  if (!attr.extension) return doc;
  const existing = doc[attr.schemaUrn];
  if (isObj(existing)) return existing;
  if (!create) return undefined;
  const ext: Obj = {};
  doc[attr.schemaUrn] = ext;
  return ext;
}

/** Drops an emptied extension object (RFC 7643 §2.5: unassigned attributes are omitted). */
function tidyExtension(doc: Obj, attr: AttrNode): void {
  if (!attr.extension) return;
  const ext = doc[attr.schemaUrn];
  if (isObj(ext) && Object.keys(ext).length === 0) delete doc[attr.schemaUrn];
}

function setOrDelete(container: Obj, name: string, value: unknown): void {
  if (
    value === undefined ||
    (Array.isArray(value) && value.length === 0) ||
    (isObj(value) && Object.keys(value).length === 0)
  )
    delete container[name];
  else container[name] = value;
}

/** RFC 7643 §2.4: at most one `primary: true`; the element just written wins (catalog RX-16). */
function enforceSinglePrimary(elements: Obj[], winner: Obj): void {
  if (winner.primary !== true) return;
  for (const e of elements) if (e !== winner && e.primary === true) e.primary = false;
}

/** An element is meaningless once only its labels remain (e.g. `{type:"work"}` after its value was cleared). */
const LABEL_KEYS = new Set(['type', 'primary', 'display']);
const isHollow = (e: Obj): boolean => Object.keys(e).every((k) => LABEL_KEYS.has(k));

function checkWritable(target: PatchTarget): void {
  const attr = target.attr;
  if (attr.def.mutability === 'readOnly' || target.sub?.def.mutability === 'readOnly')
    throw badRequest('mutability', `Attribute '${target.label}' is read-only`);
}

/** Applies one operation with a path. */
export function applyWithPath(
  doc: Obj,
  op: PatchOpName,
  target: PatchTarget,
  value: unknown,
  ctx: PatchContext,
): void {
  const { attr, sub, filter, label } = target;
  if (attr.name === 'id' && !attr.extension && ctx.id !== undefined && op !== 'remove' && value === ctx.id)
    return;
  checkWritable(target);

  if (filter) return applyFiltered(doc, op, target, filter, value);

  if (op === 'remove') {
    if (sub) return removeSub(doc, attr, sub);
    if (attr.def.required)
      throw badRequest('mutability', `Attribute '${label}' is required and cannot be removed`);
    if (isUserActive(attr))
      throw badRequest(
        'invalidValue',
        `Attribute '${label}' cannot be removed: replace it with false to deactivate the user`,
      );
    const container = containerOf(doc, attr, false);
    if (!container) return;
    if (
      value !== undefined &&
      value !== null &&
      attr.def.multiValued &&
      Array.isArray(container[attr.name])
    ) {
      // `{"op":"remove","path":"emails","value":[{…}]}`: remove the listed values only (EG-08 style).
      const listed = coerceAttribute(attr, value, label, true);
      const remove = Array.isArray(listed) ? (listed as Obj[]) : [];
      const kept = (container[attr.name] as unknown[]).filter(
        (e) =>
          !remove.some(
            (r) => jsonEqual(e, r) || (isObj(e) && isObj(r) && r.value !== undefined && e.value === r.value),
          ),
      );
      setOrDelete(container, attr.name, kept);
    } else delete container[attr.name];
    return tidyExtension(doc, attr);
  }

  if (sub) return setSub(doc, op, attr, sub, value, label);

  const container = containerOf(doc, attr, true) as Obj;
  if (attr.def.multiValued) {
    const values = coerceAttribute(attr, value, label, true) as unknown[] | undefined;
    if (op === 'replace') {
      // No filter: "the attribute and all values are replaced" (RX-08); `[]`/null clears it (OG-08).
      setOrDelete(container, attr.name, values);
      if (values) {
        const primary = (values as Obj[]).filter((e) => isObj(e) && e.primary === true).pop();
        if (primary) enforceSinglePrimary(values as Obj[], primary);
      }
    } else if (values) {
      const current = Array.isArray(container[attr.name]) ? [...(container[attr.name] as unknown[])] : [];
      for (const v of values) {
        if (current.some((e) => jsonEqual(e, v))) continue; // RX-03: no duplicate, no change
        current.push(v);
        if (isObj(v)) enforceSinglePrimary(current.filter(isObj), v);
      }
      setOrDelete(container, attr.name, current);
    }
    return tidyExtension(doc, attr);
  }

  const coerced = coerceSingle(attr, value, label);
  if (coerced === undefined) {
    if (attr.def.required)
      throw badRequest('invalidValue', `Attribute '${label}' is required and cannot be emptied`);
    if (op === 'replace' || value === null || value === '') delete container[attr.name]; // EN-23, EN-26
    return tidyExtension(doc, attr);
  }
  if (attr.def.type === 'complex' && isObj(coerced) && isObj(container[attr.name]) && !isManager(attr)) {
    // RX-10: "Sub-attributes that are not specified in the value parameter are left unchanged."
    container[attr.name] = { ...(container[attr.name] as Obj), ...coerced };
  } else container[attr.name] = coerced;
}

/** A new manager value designates another person: replace it whole instead of merging stale sub-attributes. */
const isManager = (attr: AttrNode): boolean => attr.extension && attr.name === 'manager';

function setSub(
  doc: Obj,
  op: PatchOpName,
  attr: AttrNode,
  sub: AttrNode,
  value: unknown,
  label: string,
): void {
  const coerced = coerceSingle(sub, value, label);
  const container = containerOf(doc, attr, coerced !== undefined);
  if (!container) return;
  const current = container[attr.name];
  if (attr.def.multiValued) {
    // `emails.value` without a filter addresses every element; with none, one is created.
    const elements = Array.isArray(current)
      ? (current as unknown[]).filter(isObj).map((e) => ({ ...e }))
      : [];
    if (elements.length === 0 && coerced !== undefined) elements.push({});
    for (const e of elements) setOrDelete(e, sub.name, coerced);
    setOrDelete(
      container,
      attr.name,
      elements.filter((e) => !isHollow(e)),
    );
  } else {
    const obj: Obj = isObj(current) ? { ...current } : {};
    setOrDelete(obj, sub.name, coerced);
    setOrDelete(container, attr.name, obj);
  }
  void op;
  tidyExtension(doc, attr);
}

function removeSub(doc: Obj, attr: AttrNode, sub: AttrNode): void {
  const container = containerOf(doc, attr, false);
  if (!container) return;
  const current = container[attr.name];
  if (Array.isArray(current)) {
    const elements = (current as unknown[]).filter(isObj).map((e) => {
      const copy = { ...e };
      delete copy[sub.name];
      return copy;
    });
    setOrDelete(
      container,
      attr.name,
      elements.filter((e) => !isHollow(e)),
    );
  } else if (isObj(current)) {
    const copy = { ...current };
    delete copy[sub.name];
    setOrDelete(container, attr.name, copy);
  }
  tidyExtension(doc, attr);
}

/** `attr[filter]` and `attr[filter].sub` (multi-valued complex attributes only). */
function applyFiltered(
  doc: Obj,
  op: PatchOpName,
  target: PatchTarget,
  filter: FilterNode,
  value: unknown,
): void {
  const { attr, sub, label } = target;
  let matches: (e: Obj) => boolean;
  try {
    matches = compileElementFilter(filter, attr);
  } catch (err) {
    if (err instanceof ScimError)
      throw badRequest('invalidPath', `Invalid filter in path '${label}': ${err.detail}`);
    throw err;
  }
  const container = containerOf(doc, attr, op !== 'remove');
  if (!container) return;
  const elements = Array.isArray(container[attr.name])
    ? (container[attr.name] as unknown[]).filter(isObj).map((e) => ({ ...e }))
    : [];
  const matched = elements.filter(matches);

  if (op === 'remove') {
    // RFC 7644 does not define a remove that matches nothing; treat it as a no-op success (catalog OG-09).
    const kept = sub
      ? elements.map((e) => {
          if (matched.includes(e)) delete e[sub.name];
          return e;
        })
      : elements.filter((e) => !matched.includes(e));
    setOrDelete(
      container,
      attr.name,
      kept.filter((e) => !isHollow(e)),
    );
    return tidyExtension(doc, attr);
  }

  if (matched.length === 0) {
    // Create on absent (EN-21 / docs/reference/notes.md #4): the new element carries the filter's equality constraints.
    const template = equalityTemplate(filter);
    if (!template)
      throw badRequest('noTarget', `No value matches '${label}' and the filter does not describe a new one`);
    const element = (coerceSingle(attr, template, label) as Obj | undefined) ?? {};
    elements.push(element);
    matched.push(element);
  }

  for (const element of matched) {
    if (sub) {
      setOrDelete(element, sub.name, coerceSingle(sub, value, label));
    } else {
      const coerced = coerceSingle(attr, value, label);
      if (coerced !== undefined && !isObj(coerced))
        throw badRequest('invalidValue', `'${label}' needs an object value`);
      if (isObj(coerced)) Object.assign(element, coerced); // RX-12: other sub-attributes unchanged
    }
    enforceSinglePrimary(elements, element);
  }
  setOrDelete(
    container,
    attr.name,
    elements.filter((e) => !isHollow(e)),
  );
  tidyExtension(doc, attr);
}

/** `type eq "work"` (possibly `and`-ed) → `{type: "work"}`; undefined when the filter is not a pure equality. */
function equalityTemplate(filter: FilterNode): Obj | undefined {
  if (
    filter.kind === 'compare' &&
    filter.op === 'eq' &&
    !filter.where &&
    !filter.path.sub &&
    !filter.path.urn
  )
    return { [filter.path.attr]: filter.value };
  if (filter.kind === 'and') {
    const l = equalityTemplate(filter.left);
    const r = equalityTemplate(filter.right);
    return l && r ? { ...l, ...r } : undefined;
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------------------------

/** Keys of a path-less value that are read-only and silently ignored (Okta sends `id`, catalog OG-05). */
const PATHLESS_IGNORED = new Set(['schemas', 'meta', 'groups']);

/**
 * Path-less add/replace (RFC 7644 §3.5.2.1/.3): each key of the value object is an attribute path — a plain name,
 * a dotted `name.givenName` (EN-20), a URN-qualified name, or an extension URN whose value is an object (RX-19).
 * `onKey` lets resource-specific code claim keys first (group `members`).
 */
export function applyPathless(
  doc: Obj,
  op: 'add' | 'replace',
  value: unknown,
  ctx: PatchContext,
  onKey?: (key: string, value: unknown) => boolean,
): void {
  if (!isObj(value)) throw badRequest('invalidValue', `A ${op} without 'path' needs an object 'value'`);
  for (const [key, v] of Object.entries(value)) {
    const lower = key.toLowerCase();
    if (PATHLESS_IGNORED.has(lower)) continue;
    if (lower === 'id') {
      if (ctx.id !== undefined && v !== ctx.id) throw badRequest('mutability', "Attribute 'id' is read-only");
      continue;
    }
    if (onKey?.(key, v)) continue;
    const ext = findExtension(ctx.resourceType, key);
    if (ext) {
      if (v === null) {
        if (op === 'replace') delete doc[ext.urn];
        continue;
      }
      if (!isObj(v)) throw badRequest('invalidValue', `'${ext.urn}' needs an object value`);
      for (const [extKey, extValue] of Object.entries(v)) {
        const attr = ext.attrs.get(extKey.toLowerCase());
        if (!attr) continue;
        applyWithPath(doc, op, { attr, label: `${ext.urn}:${attr.name}` }, extValue, ctx);
      }
      continue;
    }
    let target: PatchTarget;
    try {
      target = resolvePatchPath(ctx.resourceType, key);
    } catch (err) {
      // Unknown keys in a value object are ignored like unknown attributes in a POST body (catalog RE-04).
      if (err instanceof ScimError && err.scimType === 'invalidPath') continue;
      throw err;
    }
    applyWithPath(doc, op, target, v, ctx);
  }
}
