/**
 * Input limits: how much work one request may ask of the bridge. Each is checked before the input is parsed or
 * applied, and each exceeded limit is a 400 whose detail names the limit and the variable that sets it
 * (SECURITY.md has the table). The defaults sit far above anything Okta or Entra sends (docs/reference/idp-cases.md:
 * filters of one or two clauses, PATCH requests of a few hundred member operations at most), so they only stop
 * hostile or broken clients.
 *
 * The CEILINGS are the largest values the configuration accepts, and the parser enforces them even when it is
 * called without limits: whatever the settings, no filter or path can nest deep enough to overflow the stack, and
 * no filter can become a SQL expression deeper than SQLite accepts (1 000 levels; 700 `or` clauses still pass).
 */
import { badRequest, type BadRequestType } from './errors.js';

export interface InputLimits {
  /** characters in one filter (query or /.search body) or PATCH path */
  filterLength: number;
  /** nesting of `(`, `not (` and `[` in one filter or PATCH path */
  filterDepth: number;
  /** attribute expressions joined by `and`/`or` in one filter or PATCH path */
  filterClauses: number;
  /** operations in one PATCH request */
  patchOperations: number;
  /** member values in one PATCH request, over all of its operations */
  patchMembers: number;
  /** characters in one string value (or object key) of a request body */
  stringLength: number;
  /** nesting of objects and arrays in a request body */
  jsonDepth: number;
}

/** The environment variable behind each limit (src/config/env.ts), named in every error detail. */
export const LIMIT_VARIABLES: Readonly<Record<keyof InputLimits, string>> = {
  filterLength: 'BRIDGE_MAX_FILTER_LENGTH',
  filterDepth: 'BRIDGE_MAX_FILTER_DEPTH',
  filterClauses: 'BRIDGE_MAX_FILTER_CLAUSES',
  patchOperations: 'BRIDGE_MAX_PATCH_OPERATIONS',
  patchMembers: 'BRIDGE_MAX_PATCH_MEMBERS',
  stringLength: 'BRIDGE_MAX_STRING_LENGTH',
  jsonDepth: 'BRIDGE_MAX_JSON_DEPTH',
};

export const DEFAULT_LIMITS: Readonly<InputLimits> = {
  filterLength: 4_096,
  filterDepth: 32,
  filterClauses: 100,
  patchOperations: 1_000,
  // A member entry is at least ~50 bytes of JSON, so the default 1 MiB body holds about 20 000 of them.
  patchMembers: 20_000,
  stringLength: 8_192,
  jsonDepth: 32,
};

/** The largest value each limit may be configured to (see the module comment). */
export const LIMIT_CEILINGS: Readonly<InputLimits> = {
  filterLength: 1_048_576,
  filterDepth: 200,
  filterClauses: 500,
  patchOperations: 100_000,
  patchMembers: 1_000_000,
  stringLength: 10_485_760,
  jsonDepth: 1_000,
};

/** `ScimError(400)` for an exceeded limit: "<what> (<found>) exceeds the limit of <n> (<VARIABLE>)". */
export function limitExceeded(
  scimType: BadRequestType,
  key: keyof InputLimits,
  limit: number,
  what: string,
): ReturnType<typeof badRequest> {
  return badRequest(scimType, `${what} exceeds the limit of ${limit} (${LIMIT_VARIABLES[key]}).`);
}
