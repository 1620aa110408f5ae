/**
 * Attribute projection (RFC 7644 §3.4.2.5, §3.9; catalog RP-09..RP-11, EG-03) and sorting (§3.4.2.3, RS-03).
 * Works on rendered resources with plain object operations.
 */
import { badRequest } from './errors.js';
import { isPresent, readAttr } from './filter/match.js';
import {
  findAttribute,
  findExtension,
  topLevelAttributes,
  type AttrNode,
  type ResourceTypeName,
} from './schemas.js';
import { isJsonObject as isObj, type JsonObject as Obj } from './values.js';

/** `true` = the whole value; a map = only these sub-keys. */
type Selection = true | Map<string, Selection>;

export interface ProjectionParams {
  attributes?: string[] | string | undefined;
  excludedAttributes?: string[] | string | undefined;
}

/**
 * `attributes` names attributes, not values (RFC 7644 §3.4.2.5). Microsoft's SCIM validator sends value filters
 * there (`attributes=emails[type eq "work"]`) and expects the whole attribute back: the filter part is ignored.
 */
export const attributePaths = (v: string[] | string): string[] =>
  (Array.isArray(v) ? v.flatMap(splitTopLevel) : splitTopLevel(v))
    .map((s) => s.replace(/\[[^\]]*\]/g, '').trim())
    .filter(Boolean);

const toList = (v: string[] | string | undefined): string[] => (v === undefined ? [] : attributePaths(v));

/** Splits on commas outside brackets, so `emails[type eq "a,b"]` stays one item. */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of text) {
    if (ch === '[') depth++;
    if (ch === ']') depth = Math.max(0, depth - 1);
    if (ch === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else current += ch;
  }
  parts.push(current);
  return parts;
}

function select(root: Map<string, Selection>, keys: string[]): void {
  let node = root;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as string;
    if (i === keys.length - 1) {
      node.set(key, true);
      return;
    }
    const existing = node.get(key);
    if (existing === true) return; // already whole
    const next = existing ?? new Map<string, Selection>();
    node.set(key, next);
    node = next;
  }
}

/** Paths → selection tree over the resource's keys. Unknown attributes are ignored (nothing to return). */
function buildSelection(resourceType: ResourceTypeName, paths: string[]): Map<string, Selection> {
  const root = new Map<string, Selection>();
  for (const path of paths) {
    const ext = findExtension(resourceType, path);
    if (ext) {
      select(root, [ext.urn]);
      continue;
    }
    const resolved = findAttribute(resourceType, path);
    if (!resolved) continue;
    const keys = resolved.attr.extension
      ? [resolved.attr.schemaUrn, resolved.attr.name]
      : [resolved.attr.name];
    if (resolved.sub) keys.push(resolved.sub.name);
    select(root, keys);
  }
  return root;
}

function pick(value: unknown, selection: Selection): unknown {
  if (selection === true) return value;
  if (Array.isArray(value)) {
    const out = value.map((e) => pick(e, selection)).filter((e) => isObj(e) && Object.keys(e).length > 0);
    return out.length ? out : undefined;
  }
  if (!isObj(value)) return undefined;
  const out: Obj = {};
  for (const [key, sub] of selection) {
    const v = pick(value[key], sub);
    if (v !== undefined) out[key] = v;
  }
  return Object.keys(out).length ? out : undefined;
}

function omit(value: unknown, selection: Selection): unknown {
  if (selection === true) return undefined;
  if (Array.isArray(value)) return value.map((e) => omit(e, selection));
  if (!isObj(value)) return value;
  const out: Obj = { ...value };
  for (const [key, sub] of selection) {
    const v = omit(out[key], sub);
    if (v === undefined || (isObj(v) && Object.keys(v).length === 0)) delete out[key];
    else out[key] = v;
  }
  return out;
}

/** `returned: "always"` attributes per resource type (id, schemas, …): never projected away (RFC 7643 §7). */
const ALWAYS: Record<ResourceTypeName, AttrNode[]> = {
  User: topLevelAttributes('User').filter((a) => a.def.returned === 'always'),
  Group: topLevelAttributes('Group').filter((a) => a.def.returned === 'always'),
};

/**
 * Projects a rendered resource. With `attributes`: the requested attributes plus the minimum set (`returned:always`
 * ones, `schemas`, and `meta.resourceType`). With `excludedAttributes`: everything but those (never the `always`
 * ones). `attributes` wins when both are given (RFC 7644 §3.4.2.5 allows only one). Names are case-insensitive and
 * may be URN-qualified or `attr.sub`.
 */
export function project(resource: Obj, params: ProjectionParams, resourceType: ResourceTypeName): Obj {
  const attributes = toList(params.attributes);
  if (attributes.length > 0) {
    const selection = buildSelection(resourceType, attributes);
    // The minimum set first, so `schemas`/`id` lead the output as in every other response.
    const out: Obj = {};
    for (const a of ALWAYS[resourceType]) if (resource[a.name] !== undefined) out[a.name] = resource[a.name];
    Object.assign(out, pick(resource, selection) as Obj | undefined);
    const meta = resource.meta;
    if (isObj(meta) && meta.resourceType !== undefined)
      out.meta = { resourceType: meta.resourceType, ...(isObj(out.meta) ? out.meta : {}) };
    return out;
  }
  const excluded = toList(params.excludedAttributes);
  if (excluded.length === 0) return resource;
  const selection = buildSelection(resourceType, excluded);
  for (const a of ALWAYS[resourceType]) selection.delete(a.name);
  return omit(resource, selection) as Obj;
}

// -----------------------------------------------------------------------------------------------------------------

type SortKey = string | number | undefined;

/**
 * A comparator for `sortBy`/`sortOrder` over rendered resources: case-insensitive for caseExact=false attributes,
 * chronological for dateTime, the primary (else first) value for multi-valued attributes (RS-03); resources missing
 * the value sort last in both orders. Unknown `sortBy` → 400 invalidValue.
 */
export function compareBy(
  sortBy: string,
  sortOrder: 'ascending' | 'descending' | undefined,
  resourceType: ResourceTypeName,
): (a: Obj, b: Obj) => number {
  const resolved = findAttribute(resourceType, sortBy);
  if (!resolved) throw badRequest('invalidValue', `Cannot sort by unknown attribute '${sortBy}'`);
  const { attr, sub } = resolved;
  const leaf = sub ?? (attr.def.type === 'complex' ? attr.subs?.get('value') : attr);
  if (!leaf || leaf.def.type === 'complex')
    throw badRequest('invalidValue', `Cannot sort by complex attribute '${sortBy}'`);
  const subName = sub?.name ?? (attr.def.type === 'complex' ? 'value' : undefined);

  const keyOf = (resource: Obj): SortKey => {
    let v = readAttr(resource, attr);
    if (Array.isArray(v)) v = v.find((e) => isObj(e) && e.primary === true) ?? v[0];
    if (subName !== undefined) v = isObj(v) ? v[subName] : undefined;
    if (!isPresent(v)) return undefined;
    switch (leaf.def.type) {
      case 'dateTime': {
        const t = Date.parse(String(v));
        return Number.isNaN(t) ? undefined : t;
      }
      case 'boolean':
        return v === true ? 1 : 0;
      case 'integer':
      case 'decimal':
        return typeof v === 'number' ? v : undefined;
      default:
        return leaf.def.caseExact ? String(v) : String(v).toLowerCase();
    }
  };

  const direction = sortOrder === 'descending' ? -1 : 1;
  const keys = new WeakMap<Obj, SortKey>();
  const cached = (r: Obj): SortKey => {
    if (!keys.has(r)) keys.set(r, keyOf(r));
    return keys.get(r);
  };
  return (a, b) => {
    const ka = cached(a);
    const kb = cached(b);
    if (ka === undefined || kb === undefined) return ka === kb ? 0 : ka === undefined ? 1 : -1;
    return ka < kb ? -direction : ka > kb ? direction : 0;
  };
}
