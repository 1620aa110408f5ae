/**
 * In-memory filter evaluation with SCIM semantics (RFC 7644 §3.4.2.2, RFC 7643 §2.2), replacing scimmy's
 * `Filter.match()` (docs/reference/notes.md #9: it crashes on missing complex attributes, ignores caseExact=false and extensions).
 *
 * A filter is compiled once per (node, resource type) into closures with all paths resolved against the schema, so
 * matching a candidate is plain property access. Compilation also validates the filter: unknown attributes and
 * unsupported comparisons (e.g. `active gt true`, catalog RF-28) throw `400 invalidFilter` — never an unfiltered
 * result (catalog RF-29).
 *
 * Semantics:
 *  - attribute names case-insensitive; string comparisons case-insensitive unless the attribute is caseExact;
 *  - multi-valued attributes match when any value matches; `attr op v` on a complex multi-valued attribute compares
 *    its `value` sub-attribute (RFC example `emails co "example.com"`);
 *  - `ne` is the negation of `eq` (absent attributes are "not equal"); every other operator is false on absence;
 *  - dateTime compares chronologically, booleans accept `true`/`"True"`, numbers numerically.
 */
import { badRequest } from '../errors.js';
import { resolvePath, type AttrNode, type ResourceTypeName } from '../schemas.js';
import type { AttrPath, CompareOp, FilterNode, FilterValue } from './ast.js';
import { formatPath } from './parser.js';
import { isJsonObject as isObj, type JsonObject as Obj } from '../values.js';

type Predicate = (target: Obj) => boolean;

/** Resolves a filter path at the resource level (URN-qualified or not). */
export function resolveFilterPath(
  resourceType: ResourceTypeName,
  path: AttrPath,
): { attr: AttrNode; sub?: AttrNode } {
  const resolved = resolvePath(resourceType, path);
  if (!resolved) throw badRequest('invalidFilter', `Unknown attribute '${formatPath(path)}' in filter`);
  return resolved;
}

/** Reads an attribute's value from a resource (extension attributes live under their URN key). */
export function readAttr(resource: Obj, attr: AttrNode): unknown {
  if (!attr.extension) return resource[attr.name];
  const ext = resource[attr.schemaUrn];
  return isObj(ext) ? ext[attr.name] : undefined;
}

/** RFC 7643 §2.5: null, "" (for our purposes), [] and {} without values are "unassigned". */
export function isPresent(value: unknown): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value === 'string') return value.length > 0;
  if (Array.isArray(value)) return value.some(isPresent);
  if (isObj(value)) return Object.values(value).some(isPresent);
  return true;
}

// -------------------------------------------------------------------------------------------------------------
// Scalar comparison by attribute type

type ScalarTest = (actual: unknown) => boolean;

function parseBooleanLiteral(value: FilterValue): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string') {
    const lower = value.toLowerCase();
    if (lower === 'true') return true;
    if (lower === 'false') return false;
  }
  return undefined;
}

/** Builds the test for `actual op value` on one scalar of the attribute described by `def`. */
function scalarTest(node: AttrNode, op: CompareOp, value: FilterValue, label: string): ScalarTest {
  const def = node.def;
  const invalid = (why: string): never => {
    throw badRequest('invalidFilter', `Filter '${label} ${op} ${JSON.stringify(value)}': ${why}`);
  };
  if (value === null) {
    // `attr eq null` ≈ not present; ordering/substring against null makes no sense.
    if (op !== 'eq' && op !== 'ne') invalid('null can only be compared with eq or ne');
    return (actual) => !isPresent(actual);
  }
  switch (def.type) {
    case 'boolean': {
      // RFC 7644 §3.4.2.2: "Boolean and Binary attributes SHALL cause a failed response" for gt/ge/lt/le.
      if (op !== 'eq' && op !== 'ne') invalid(`operator '${op}' is not supported for boolean attributes`);
      const expected = parseBooleanLiteral(value);
      if (expected === undefined) invalid('expected a boolean value');
      return (actual) => (typeof actual === 'string' ? parseBooleanLiteral(actual) : actual) === expected;
    }
    case 'integer':
    case 'decimal': {
      const expected = typeof value === 'number' ? value : Number(value);
      if (typeof value === 'boolean' || !Number.isFinite(expected)) invalid('expected a number');
      if (op === 'co' || op === 'sw' || op === 'ew') invalid(`operator '${op}' is not supported for numbers`);
      return (actual) => typeof actual === 'number' && compareOrdered(op, actual, expected);
    }
    case 'dateTime': {
      if (op === 'co' || op === 'sw' || op === 'ew') return stringTest(op, String(value), true);
      const expected = typeof value === 'string' ? Date.parse(value) : NaN;
      if (Number.isNaN(expected)) invalid('expected an ISO 8601 date-time string');
      return (actual) => {
        const t =
          actual instanceof Date ? actual.getTime() : typeof actual === 'string' ? Date.parse(actual) : NaN;
        return !Number.isNaN(t) && compareOrdered(op, t, expected);
      };
    }
    case 'binary':
      if (op !== 'eq' && op !== 'ne' && op !== 'co' && op !== 'sw' && op !== 'ew')
        invalid(`operator '${op}' is not supported for binary attributes`);
      return stringTest(op, String(value), true);
    case 'complex':
      return invalid('a complex attribute cannot be compared; name a sub-attribute');
    default:
      // string and reference. Lenient: an unquoted number or boolean compares as its text.
      return stringTest(op, String(value), def.caseExact);
  }
}

function compareOrdered(op: CompareOp, a: number | string, b: number | string): boolean {
  switch (op) {
    case 'eq':
      return a === b;
    case 'ne':
      return a !== b;
    case 'gt':
      return a > b;
    case 'ge':
      return a >= b;
    case 'lt':
      return a < b;
    case 'le':
      return a <= b;
    default:
      return false;
  }
}

function stringTest(op: CompareOp, value: string, caseExact: boolean): ScalarTest {
  const expected = caseExact ? value : value.toLowerCase();
  const norm = caseExact ? (s: string) => s : (s: string) => s.toLowerCase();
  switch (op) {
    case 'co':
      return (a) => typeof a === 'string' && norm(a).includes(expected);
    case 'sw':
      return (a) => typeof a === 'string' && norm(a).startsWith(expected);
    case 'ew':
      return (a) => typeof a === 'string' && norm(a).endsWith(expected);
    default:
      return (a) => typeof a === 'string' && compareOrdered(op, norm(a), expected);
  }
}

// -------------------------------------------------------------------------------------------------------------
// Compilation

/** Where paths are resolved: the resource, or the elements of a complex attribute (inside `attr[...]`). */
type Scope = { kind: 'resource'; resourceType: ResourceTypeName } | { kind: 'element'; parent: AttrNode };

interface Target {
  attr: AttrNode;
  sub?: AttrNode;
  /** Reads the raw attribute value from the scope object. */
  read: (o: Obj) => unknown;
}

function resolveInScope(scope: Scope, path: AttrPath): Target {
  if (scope.kind === 'resource') {
    const { attr, sub } = resolveFilterPath(scope.resourceType, path);
    return sub ? { attr, sub, read: (o) => readAttr(o, attr) } : { attr, read: (o) => readAttr(o, attr) };
  }
  // Inside a value filter, names are sub-attributes of the parent (RFC 7644 §3.4.2.2 valFilter).
  const attr =
    path.urn === undefined && path.sub === undefined
      ? scope.parent.subs?.get(path.attr.toLowerCase())
      : undefined;
  if (!attr)
    throw badRequest(
      'invalidFilter',
      `Unknown sub-attribute '${formatPath(path)}' of '${scope.parent.name}' in filter`,
    );
  return { attr, read: (o) => o[attr.name] };
}

/** Values of `target` in `o` that a comparison looks at, optionally restricted to elements matching `where`. */
function valuesOf(target: Target, where: Predicate | undefined): (o: Obj) => unknown[] {
  const { attr, sub, read } = target;
  const elementsOf = (raw: unknown): unknown[] =>
    Array.isArray(raw) ? raw : raw === undefined || raw === null ? [] : [raw];
  if (sub) {
    const name = sub.name;
    return (o) => {
      const out: unknown[] = [];
      for (const e of elementsOf(read(o))) if (isObj(e) && (!where || where(e))) out.push(e[name]);
      return out;
    };
  }
  if (attr.def.type === 'complex' && attr.def.multiValued) {
    // `emails eq "x"`: compare the `value` sub-attribute of each element.
    return (o) => {
      const out: unknown[] = [];
      for (const e of elementsOf(read(o))) if (isObj(e) && (!where || where(e))) out.push(e.value);
      return out;
    };
  }
  return (o) => elementsOf(read(o));
}

function compile(node: FilterNode, scope: Scope): Predicate {
  switch (node.kind) {
    case 'and': {
      const l = compile(node.left, scope);
      const r = compile(node.right, scope);
      return (o) => l(o) && r(o);
    }
    case 'or': {
      const l = compile(node.left, scope);
      const r = compile(node.right, scope);
      return (o) => l(o) || r(o);
    }
    case 'not': {
      const inner = compile(node.filter, scope);
      return (o) => !inner(o);
    }
    case 'valuePath': {
      if (scope.kind !== 'resource') throw badRequest('invalidFilter', 'Value filters cannot be nested');
      const target = resolveInScope(scope, node.path);
      if (target.attr.def.type !== 'complex')
        throw badRequest(
          'invalidFilter',
          `'${target.attr.name}' is not a complex attribute; '[…]' is not allowed`,
        );
      const inner = compile(node.filter, { kind: 'element', parent: target.attr });
      return (o) => {
        const raw = target.read(o);
        if (Array.isArray(raw)) return raw.some((e) => isObj(e) && inner(e));
        return isObj(raw) && inner(raw);
      };
    }
    case 'present': {
      const target = resolveInScope(scope, node.path);
      const where = node.where ? compileWhere(node.where, target, scope) : undefined;
      const values = valuesOf(target, where);
      return (o) => values(o).some(isPresent);
    }
    case 'compare': {
      const target = resolveInScope(scope, node.path);
      const where = node.where ? compileWhere(node.where, target, scope) : undefined;
      const compared =
        target.sub ??
        (target.attr.def.type === 'complex' && target.attr.def.multiValued
          ? target.attr.subs?.get('value')
          : target.attr);
      if (!compared)
        throw badRequest('invalidFilter', `'${target.attr.name}' has no 'value' sub-attribute to compare`);
      const label = formatPath(node.path);
      const values = valuesOf(target, where);
      if (node.value === null) {
        // `attr eq null` = unassigned, `attr ne null` = present; other operators against null are invalid.
        scalarTest(compared, node.op, null, label);
        return node.op === 'eq' ? (o) => !values(o).some(isPresent) : (o) => values(o).some(isPresent);
      }
      if (node.op === 'ne') {
        // `ne` = not `eq`: true when no value equals (and when the attribute is absent).
        const eq = scalarTest(compared, 'eq', node.value, label);
        return (o) => !values(o).some(eq);
      }
      const test = scalarTest(compared, node.op, node.value, label);
      return (o) => values(o).some(test);
    }
  }
}

function compileWhere(where: FilterNode, target: Target, scope: Scope): Predicate {
  if (scope.kind !== 'resource' || !target.sub || target.attr.def.type !== 'complex')
    throw badRequest('invalidFilter', 'A value filter must be applied to a complex attribute');
  return compile(where, { kind: 'element', parent: target.attr });
}

const cache = new WeakMap<FilterNode, Partial<Record<ResourceTypeName, Predicate>>>();

/** Compiles (and thereby validates) a filter for a resource type; cached per node. Throws 400 invalidFilter. */
export function compileFilter(node: FilterNode, resourceType: ResourceTypeName): Predicate {
  let entry = cache.get(node);
  if (!entry) cache.set(node, (entry = {}));
  return (entry[resourceType] ??= compile(node, { kind: 'resource', resourceType }));
}

/** Throws `400 invalidFilter` when the filter names unknown attributes or unsupported comparisons. */
export function validateFilter(node: FilterNode, resourceType: ResourceTypeName): void {
  compileFilter(node, resourceType);
}

/**
 * Does `resource` match the filter? `resource` is the rendered SCIM resource (what `renderUser`/`renderGroup` return:
 * canonical attribute names, `id`, `meta.created`/`meta.lastModified`, `schemas`, extension under its URN); a stored
 * document works too for everything but `meta`/`schemas`/`id`. Missing attributes never throw.
 */
export function matchesFilter(resource: object, node: FilterNode, resourceType: ResourceTypeName): boolean {
  return compileFilter(node, resourceType)(resource as Obj);
}

/** Matches one element of a complex attribute against a value filter (`emails[type eq "work"]`), used by PATCH. */
export function compileElementFilter(node: FilterNode, parent: AttrNode): Predicate {
  return compile(node, { kind: 'element', parent });
}
