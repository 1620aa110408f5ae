// The input limits of a request body, checked after JSON parsing and before any SCIM code reads the body
// (src/scim/limits.ts, SECURITY.md). One iterative pass over the parsed JSON (no recursion, so no depth can overflow
// the stack) checks nesting, string length, Unicode well-formedness and case-only duplicate keys; PATCH bodies also
// get their operation count, member count and path limits checked before a single operation is applied.
// The filter of a query or a /.search body is limited where it is parsed (parseListParams → parseFilter), so that
// its errors are invalidFilter like every other filter error.
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { badRequest, type ScimError } from '../scim/errors.js';
import { checkTextLimits } from '../scim/filter/parser.js';
import { limitExceeded, type InputLimits } from '../scim/limits.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** An unpaired UTF-16 surrogate: not Unicode text; PostgreSQL refuses it in text and JSON columns. */
const LONE_SURROGATE = /\p{Cs}/u;

interface Frame {
  value: unknown;
  depth: number;
  parent: Frame | null;
  key: string;
}

/** RFC 6901 JSON pointer of a frame, for error details ("/emails/0/value"). */
function pointer(frame: Frame): string {
  const parts: string[] = [];
  for (let f: Frame | null = frame; f?.parent; f = f.parent)
    parts.push(f.key.replace(/~/g, '~0').replace(/\//g, '~1'));
  return parts.length === 0 ? '/' : `/${parts.reverse().join('/')}`;
}

/** A short, printable form of a key for a detail (the key may be long or hostile). */
const shown = (key: string): string => JSON.stringify(key.length > 64 ? `${key.slice(0, 64)}…` : key);

function checkString(text: string, frame: Frame, limits: InputLimits, isKey: boolean): ScimError | undefined {
  const what = isKey
    ? `The attribute name ${shown(text)} at ${pointer(frame)}`
    : `The string at ${pointer(frame)}`;
  if (text.length > limits.stringLength)
    return limitExceeded(
      'invalidValue',
      'stringLength',
      limits.stringLength,
      `${what} (${text.length} characters)`,
    );
  if (LONE_SURROGATE.test(text))
    return badRequest(
      'invalidValue',
      `${what} holds an unpaired UTF-16 surrogate, which is not Unicode text.`,
    );
  return undefined;
}

/**
 * Walks the parsed body. `skipTopLevel` names a top-level string member checked elsewhere (the filter of a
 * /.search body, checked by the filter parser as invalidFilter).
 */
export function inspectBody(
  body: unknown,
  limits: InputLimits,
  skipTopLevel?: string,
): ScimError | undefined {
  const stack: Frame[] = [{ value: body, depth: 0, parent: null, key: '' }];
  while (stack.length > 0) {
    const frame = stack.pop() as Frame;
    const { value } = frame;
    if (typeof value === 'string') {
      if (frame.parent?.parent === null && frame.key.toLowerCase() === skipTopLevel) continue;
      const problem = checkString(value, frame, limits, false);
      if (problem) return problem;
      continue;
    }
    if (typeof value !== 'object' || value === null) continue;
    const depth = frame.depth + 1;
    if (depth > limits.jsonDepth)
      return limitExceeded(
        'invalidValue',
        'jsonDepth',
        limits.jsonDepth,
        `The body's nesting (at ${pointer(frame)})`,
      );
    if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--)
        stack.push({ value: value[i], depth, parent: frame, key: String(i) });
      continue;
    }
    // RFC 7643 §2.1: attribute names are case-insensitive, so `userName` and `USERNAME` in one object name one
    // attribute twice. Which one should win is anybody's guess: refuse (issue 8, defect 7; docs/input-rules.md).
    const seen = new Map<string, string>();
    for (const key of Object.keys(value)) {
      const keyFrame: Frame = { value: undefined, depth, parent: frame, key };
      const problem = checkString(key, keyFrame, limits, true);
      if (problem) return problem;
      const lower = key.toLowerCase();
      const earlier = seen.get(lower);
      if (earlier !== undefined)
        return badRequest(
          'invalidSyntax',
          `The attributes ${shown(earlier)} and ${shown(key)} at ${pointer(frame)} differ only in case and name the ` +
            'same attribute (attribute names are case-insensitive, RFC 7643 §2.1): send it once.',
        );
      seen.set(lower, key);
    }
    const entries = Object.entries(value as Obj);
    for (let i = entries.length - 1; i >= 0; i--) {
      const [key, child] = entries[i] as [string, unknown];
      stack.push({ value: child, depth, parent: frame, key });
    }
  }
  return undefined;
}

const field = (obj: Obj, name: string): unknown => {
  const key = Object.keys(obj).find((k) => k.toLowerCase() === name);
  return key === undefined ? undefined : obj[key];
};

const MEMBERS_PATH = /^\s*(urn:ietf:params:scim:schemas:core:2\.0:group:)?members(?![\w$-])/i;

/** How many member values an operation names (a filtered `members[…]` path names its clauses, limited already). */
function memberCount(path: unknown, value: unknown): number {
  const count = (v: unknown) => (Array.isArray(v) ? v.length : v === undefined || v === null ? 0 : 1);
  if (typeof path === 'string' && path.trim() !== '') return MEMBERS_PATH.test(path) ? count(value) : 0;
  return isObj(value) ? count(field(value, 'members')) : 0;
}

/**
 * PATCH limits (RFC 7644 §3.5.2), checked before any operation is applied: the number of operations, the member
 * values over all operations, and the length, nesting and clause count of every path (and of every key of a
 * path-less value, which is read as a path too).
 */
export function inspectPatch(body: unknown, limits: InputLimits): ScimError | undefined {
  if (!isObj(body)) return undefined;
  const operations = field(body, 'operations');
  if (!Array.isArray(operations)) return undefined;
  if (operations.length > limits.patchOperations)
    return limitExceeded(
      'invalidValue',
      'patchOperations',
      limits.patchOperations,
      `The number of PATCH operations (${operations.length})`,
    );
  let members = 0;
  for (const operation of operations) {
    if (!isObj(operation)) continue;
    const path = field(operation, 'path');
    const value = field(operation, 'value');
    if (typeof path === 'string' && path.trim() !== '') checkTextLimits(path, 'invalidPath', limits);
    else if (isObj(value)) for (const key of Object.keys(value)) checkTextLimits(key, 'invalidPath', limits);
    members += memberCount(path, value);
  }
  if (members > limits.patchMembers)
    return limitExceeded(
      'invalidValue',
      'patchMembers',
      limits.patchMembers,
      `The number of member values in the PATCH request (${members})`,
    );
  return undefined;
}

const isSearch = (req: Request): boolean => req.method === 'POST' && /\/\.search$/i.test(req.path);

export function inputGuard(limits: InputLimits): RequestHandler {
  return (req: Request, _res: Response, next: NextFunction) => {
    const body: unknown = req.body;
    if (body === undefined || body === null || typeof body !== 'object') return next();
    // inspectPatch also throws (a path that cannot be read at all): Express 5 passes it on like `next(err)`.
    // PATCH limits first: a path is limited (and reported) as a path, not as a long string.
    const problem =
      (req.method === 'PATCH' ? inspectPatch(body, limits) : undefined) ??
      inspectBody(body, limits, isSearch(req) ? 'filter' : undefined);
    next(problem);
  };
}
