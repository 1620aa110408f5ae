/**
 * SCIM protocol errors (RFC 7644 §3.12) and their wire form (catalog CE-2), with THE error catalogue: every error
 * the bridge answers has a stable code here, and the code alone decides the HTTP status and the `scimType`. Nothing
 * else in the bridge writes an error status. The catalogue's type only admits the status/`scimType` pairs RFC 7644
 * defines (see `ScimErrorShape`); src/scim/errors.test.ts checks every entry again at run time.
 *
 * The protocol engine (this folder) raises the Table 9 keywords; the HTTP adapter raises the protocol-level codes
 * (401, 405, 413, …); the use-cases and the core raise domain errors (src/core/errors.ts, src/app/errors.ts) whose
 * codes are listed here too and mapped by src/http/error-handler.ts.
 */

export const ERROR_URN = 'urn:ietf:params:scim:api:messages:2.0:Error';

/** RFC 7644 §3.12 Table 9 detail error keywords. */
export type ScimType =
  | 'invalidFilter'
  | 'tooMany'
  | 'uniqueness'
  | 'mutability'
  | 'invalidSyntax'
  | 'invalidPath'
  | 'noTarget'
  | 'invalidValue'
  | 'invalidVers'
  | 'sensitive';

/** The error statuses of RFC 7644 §3.12 Table 8, plus the plain HTTP ones the bridge also answers (405, 408, 415, 431, 503). */
export type ErrorStatus = 400 | 401 | 403 | 404 | 405 | 408 | 409 | 412 | 413 | 415 | 431 | 500 | 501 | 503;

/**
 * The pairs RFC 7644 allows: a Table 9 keyword goes with 400 Bad Request (§3.12), except `uniqueness`, which §3.3
 * requires with 409 Conflict, and `sensitive`, which §7.5.2 answers with 403 Forbidden. Any status may come without
 * a keyword.
 */
export type ScimErrorShape =
  | { status: 400; scimType: Exclude<ScimType, 'uniqueness' | 'sensitive'> }
  | { status: 409; scimType: 'uniqueness' }
  | { status: 403; scimType: 'sensitive' }
  | { status: ErrorStatus; scimType?: undefined };

export const ERROR_CATALOGUE = {
  // ── RFC 7644 §3.12 Table 9: raised by the protocol engine (filters, PATCH, resources, list parameters) ─────
  invalidFilter: { status: 400, scimType: 'invalidFilter' },
  tooMany: { status: 400, scimType: 'tooMany' },
  mutability: { status: 400, scimType: 'mutability' },
  invalidSyntax: { status: 400, scimType: 'invalidSyntax' },
  invalidPath: { status: 400, scimType: 'invalidPath' },
  noTarget: { status: 400, scimType: 'noTarget' },
  invalidValue: { status: 400, scimType: 'invalidValue' },
  invalidVers: { status: 400, scimType: 'invalidVers' },
  uniqueness: { status: 409, scimType: 'uniqueness' },
  sensitive: { status: 403, scimType: 'sensitive' },

  // ── The protocol around the resources: raised by the HTTP adapter ───────────────────────────────────────────
  /** a request the router could not read (malformed percent-encoding, a body-parser failure without a keyword) */
  malformedRequest: { status: 400 },
  unauthorized: { status: 401 },
  /** a filter on a discovery endpoint (catalog D-06) */
  forbidden: { status: 403 },
  noEndpoint: { status: 404 },
  methodNotAllowed: { status: 405 },
  payloadTooLarge: { status: 413 },
  /** Node's HTTP parser: the request did not arrive in time, or its headers (URL included) are over 16 KiB */
  requestTimeout: { status: 408 },
  headersTooLarge: { status: 431 },
  unsupportedMediaType: { status: 415 },
  notImplemented: { status: 501 },
  internal: { status: 500 },

  // ── Domain errors (src/core/errors.ts, src/app/errors.ts) ───────────────────────────────────────────────────
  resource_not_found: { status: 404 },
  user_name_taken: { status: 409, scimType: 'uniqueness' },
  display_name_taken: { status: 409, scimType: 'uniqueness' },
  /** If-Match names another version, or the resource changed under an If-Match request (RFC 7644 §3.14) */
  version_mismatch: { status: 412 },
  /** the resource kept changing under a read-modify-write; the IdP should retry */
  concurrent_change: { status: 409 },
  /** a group member that is not a user of this bridge (catalog RX-23, EG-12) */
  invalid_member: { status: 400, scimType: 'invalidValue' },
  /** an upstream refused the change for good; it was undone here (ADR 0003) */
  rejected_upstream: { status: 400, scimType: 'invalidValue' },
  /** an upstream refused the change as a duplicate (HTTP 409); it was undone here (ADR 0003) */
  conflict_upstream: { status: 409, scimType: 'uniqueness' },
  database_unavailable: { status: 503 },
} as const satisfies Record<string, ScimErrorShape>;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;

/** The Table 9 keywords that go with 400: what `badRequest` takes. */
export type BadRequestType = Extract<ScimErrorShape, { status: 400; scimType: string }>['scimType'];

export class ScimError extends Error {
  override readonly name = 'ScimError';
  readonly status: ErrorStatus;
  readonly scimType: ScimType | undefined;

  constructor(
    readonly code: ErrorCode,
    readonly detail: string,
  ) {
    super(detail);
    const shape: ScimErrorShape = ERROR_CATALOGUE[code];
    this.status = shape.status;
    this.scimType = shape.scimType;
  }
}

export interface ScimErrorBody {
  schemas: [typeof ERROR_URN];
  /** RFC 7644 §3.12: REQUIRED, a JSON string (catalog RE-13). */
  status: string;
  scimType?: ScimType;
  /** Non-empty: Okta's SPEC test asserts it (catalog CE-2). */
  detail: string;
}

export function toErrorBody(err: ScimError): ScimErrorBody {
  const body: ScimErrorBody = {
    schemas: [ERROR_URN],
    status: String(err.status),
    detail: err.detail || 'Error',
  };
  if (err.scimType) body.scimType = err.scimType;
  return body;
}

/** The 400s the engine raises most, by their Table 9 keyword. */
export const badRequest = (scimType: BadRequestType, detail: string): ScimError =>
  new ScimError(scimType, detail);
