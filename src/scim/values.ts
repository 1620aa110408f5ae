/**
 * Value coercion by schema type, shared by POST/PUT normalisation and PATCH.
 *
 * Implemented here rather than with scimmy's coercion because scimmy rejects Entra's string booleans (docs/reference/notes.md #3,
 * catalog EN-14/EN-28), drops or rejects the enterprise manager string (docs/reference/notes.md #5, EN-22) and is slow (docs/reference/notes.md "0.3 ms").
 * Rules:
 *  - `null` and `""` mean unassigned (RFC 7643 §2.5, catalog CE-5, EN-26) → `undefined`;
 *  - booleans accept `true`/`false` and the strings "True"/"False" in any case;
 *  - integer/decimal accept numbers and numeric strings; dateTime must parse and is kept as sent;
 *  - strings are kept verbatim (catalog EN-34) and must be strings (RE-03: `"userName": 123` → 400 invalidValue)
 *    without U+0000, which PostgreSQL text columns cannot hold (a 500 there otherwise; catalog RE-14);
 *  - complex values get canonical sub-attribute names (RFC 7643 §2.1, EN-29); unknown sub-attributes are dropped;
 *  - the enterprise `manager` accepts a bare id string → `{ value }` (EN-22) and the legacy one-element array (EN-24);
 *  - the User's `active` is the exception to "null and "" are unassigned": the bridge treats a user without `active`
 *    as active (users.service.ts; RFC 7643 §4.1.1 leaves the meaning to the service provider), so `"active": null`
 *    or `""` would re-enable a deactivated user by accident.
 *    They are 400 invalidValue instead (issue 8, defect 7; docs/input-rules.md). Omitting `active` still means true;
 *  - a single object where a multi-valued attribute is expected (PATCH `add`) must carry a value: `"emails": {}`
 *    is 400 invalidValue rather than a silent no-op, or, for `replace`, a silent wipe of every email.
 */
import { badRequest } from './errors.js';
import { URN, type AttrNode } from './schemas.js';

/** A JSON object: a SCIM resource, or a complex value inside one. */
export type JsonObject = Record<string, unknown>;
export const isJsonObject = (v: unknown): v is JsonObject =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
type Obj = JsonObject;
const isObj = isJsonObject;

const NUMBER = /^-?\d+(\.\d+)?([eE][+-]?\d+)?$/;

function invalid(label: string, expected: string, value: unknown): never {
  const shown =
    typeof value === 'string' ? JSON.stringify(value) : Array.isArray(value) ? 'an array' : typeof value;
  throw badRequest('invalidValue', `Attribute '${label}': expected ${expected}, found ${shown}`);
}

/** The core User `active` attribute (see the module comment). */
export const isUserActive = (node: AttrNode): boolean =>
  node.name === 'active' && !node.extension && node.schemaUrn === URN.User;

/** Coerces one scalar or complex value of `node` (never an array of values). */
export function coerceSingle(node: AttrNode, value: unknown, label: string = node.name): unknown {
  if (isUserActive(node) && (value === null || (typeof value === 'string' && value.trim() === '')))
    throw badRequest(
      'invalidValue',
      `Attribute '${label}': expected true or false, found ${JSON.stringify(value)} ` +
        '(an empty active is refused: it would re-enable the user)',
    );
  if (value === null || value === undefined) return undefined;
  const def = node.def;
  switch (def.type) {
    case 'boolean':
      if (typeof value === 'boolean') return value;
      if (typeof value === 'string') {
        const lower = value.trim().toLowerCase();
        if (lower === 'true') return true;
        if (lower === 'false') return false;
        if (lower === '') return undefined;
      }
      return invalid(label, 'a boolean', value);
    case 'integer':
    case 'decimal': {
      if (value === '') return undefined;
      const n =
        typeof value === 'number'
          ? value
          : typeof value === 'string' && NUMBER.test(value.trim())
            ? Number(value)
            : NaN;
      if (!Number.isFinite(n) || (def.type === 'integer' && !Number.isInteger(n)))
        return invalid(label, def.type === 'integer' ? 'an integer' : 'a number', value);
      return n;
    }
    case 'dateTime':
      if (value === '') return undefined;
      if (typeof value !== 'string' || Number.isNaN(Date.parse(value)))
        return invalid(label, 'an ISO 8601 date-time', value);
      return value;
    case 'complex':
      return coerceComplex(node, value, label);
    default:
      if (typeof value !== 'string') return invalid(label, 'a string', value);
      if (value.includes('\u0000')) return invalid(label, 'a string without U+0000 (NUL)', value);
      return value === '' ? undefined : value;
  }
}

function coerceComplex(node: AttrNode, value: unknown, label: string): Obj | undefined {
  if (node.schemaUrn === URN.EnterpriseUser && node.name === 'manager') {
    // catalog EN-22 / EN-24: Entra sends the manager id as a bare string, or as a one-element array.
    if (typeof value === 'string') return value === '' ? undefined : { value };
    if (Array.isArray(value)) return value.length === 0 ? undefined : coerceComplex(node, value[0], label);
  }
  if (!isObj(value)) return invalid(label, 'an object', value);
  const out: Obj = {};
  for (const [key, raw] of Object.entries(value)) {
    const sub = node.subs?.get(key.toLowerCase());
    if (!sub) continue; // unknown sub-attributes are ignored (catalog RE-04), e.g. `"$ref": null` on members
    const v = coerceSingle(sub, raw, `${label}.${sub.name}`);
    if (v !== undefined) out[sub.name] = v;
  }
  return Object.keys(out).length === 0 ? undefined : out;
}

/**
 * Coerces a full attribute value: an array for multi-valued attributes (empty → unassigned). With `allowSingle`,
 * a single element is wrapped (PATCH `add` of one email); without it a non-array is 400 invalidValue (RE-03).
 */
export function coerceAttribute(
  node: AttrNode,
  value: unknown,
  label: string = node.name,
  allowSingle = false,
): unknown {
  if (value === undefined) return undefined;
  // single-valued: coerceSingle decides about null (unassigned, except for `active`)
  if (!node.def.multiValued) return coerceSingle(node, value, label);
  if (value === null) return undefined;
  if (!Array.isArray(value)) {
    if (!allowSingle) return invalid(label, 'an array', value);
    const single = coerceSingle(node, value, label);
    if (single === undefined)
      return invalid(label, 'an array, or one value with at least one known sub-attribute', value);
    return [single];
  }
  const out: unknown[] = [];
  for (const element of value as unknown[]) {
    const v = coerceSingle(node, element, label);
    if (v !== undefined) out.push(v);
  }
  return out.length === 0 ? undefined : out;
}

/** Deep equality for JSON values (duplicate detection in multi-valued attributes, catalog RX-03). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a))
    return Array.isArray(b) && a.length === b.length && a.every((x, i) => jsonEqual(x, b[i]));
  if (isObj(a) && isObj(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => jsonEqual(a[k], b[k]));
  }
  return false;
}
