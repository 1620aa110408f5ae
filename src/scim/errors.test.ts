import { describe, expect, it } from 'vitest';
import { ERROR_CATALOGUE, ScimError, toErrorBody, type ScimType } from './errors.js';

/** RFC 7644 §3.12 Table 9 keywords with the status they go with: 400, except §3.3 uniqueness and §7.5.2 sensitive. */
const KEYWORD_STATUS: Record<ScimType, number> = {
  invalidFilter: 400,
  tooMany: 400,
  mutability: 400,
  invalidSyntax: 400,
  invalidPath: 400,
  noTarget: 400,
  invalidValue: 400,
  invalidVers: 400,
  uniqueness: 409,
  sensitive: 403,
};

describe('the error catalogue', () => {
  it.each(Object.entries(ERROR_CATALOGUE))('%s is an RFC 7644 status/scimType pair', (_code, shape) => {
    expect(shape.status).toBeGreaterThanOrEqual(400);
    expect(shape.status).toBeLessThan(600);
    const scimType = 'scimType' in shape ? shape.scimType : undefined;
    if (scimType !== undefined) expect(shape.status).toBe(KEYWORD_STATUS[scimType]);
  });

  it('a ScimError takes status and scimType from its code alone', () => {
    const err = new ScimError('user_name_taken', 'taken');
    expect(err).toMatchObject({ status: 409, scimType: 'uniqueness', code: 'user_name_taken' });
    expect(toErrorBody(new ScimError('database_unavailable', 'down'))).toEqual({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
      status: '503',
      detail: 'down',
    });
  });
});
