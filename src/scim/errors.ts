/**
 * SCIM protocol errors (RFC 7644 §3.12) and their wire form (catalog CE-2).
 * Every engine function throws `ScimError`; the HTTP layer turns it into a response with `toErrorBody`.
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

export class ScimError extends Error {
  readonly status: number;
  readonly scimType: ScimType | undefined;
  readonly detail: string;

  constructor(status: number, scimType: ScimType | undefined, detail: string) {
    super(detail);
    this.name = 'ScimError';
    this.status = status;
    this.scimType = scimType;
    this.detail = detail;
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

/** Shorthands for the 400s the engine raises most. */
export const badRequest = (scimType: ScimType, detail: string): ScimError =>
  new ScimError(400, scimType, detail);
