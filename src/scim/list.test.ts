import { describe, expect, it } from 'vitest';
import { assertNoDiscoveryFilter, listResponse, parseListParams } from './list.js';
import { URN } from './schemas.js';

const limits = { maxResults: 200, defaultCount: 100 };

describe('listResponse (CE-3)', () => {
  it('integers, Resources always present, itemsPerPage = returned count', () => {
    expect(listResponse([], 0)).toEqual({
      schemas: [URN.ListResponse],
      totalResults: 0,
      startIndex: 1,
      itemsPerPage: 0,
      Resources: [],
    });
    expect(listResponse([{ id: 'a' }], 250, 101)).toEqual({
      schemas: [URN.ListResponse],
      totalResults: 250,
      startIndex: 101,
      itemsPerPage: 1,
      Resources: [{ id: 'a' }],
    });
  });
});

describe('parseListParams', () => {
  it('RP-01 defaults', () => {
    expect(parseListParams({}, limits)).toEqual({ startIndex: 1, count: 100, sortOrder: 'ascending' });
    expect(parseListParams(undefined, { maxResults: 50 })).toEqual({
      startIndex: 1,
      count: 50,
      sortOrder: 'ascending',
    });
  });

  it.each([
    [{ startIndex: '1', count: '2' }, 1, 2], // OK-01
    [{ count: '0' }, 1, 0], // RP-02
    [{ startIndex: '0' }, 1, 100], // RP-03
    [{ startIndex: '-5', count: '-1' }, 1, 0], // RP-03
    [{ startIndex: '251', count: '10' }, 251, 10], // RP-04
    [{ count: '100000' }, 1, 200], // RP-05
    [{ startIndex: 11, count: 5 }, 11, 5], // /.search body numbers, EN-32
    [{ startIndex: ['1', '6'], count: '5' }, 6, 5], // repeated parameter: last wins
  ])('paging %j → startIndex %i count %i', (query, startIndex, count) => {
    expect(parseListParams(query, limits)).toMatchObject({ startIndex, count });
  });

  it.each([{ startIndex: 'abc' }, { count: '1.5' }, { count: 'ten' }, { startIndex: {} }])(
    'RP-08 %j → 400 invalidValue',
    (query) => {
      expect(() => parseListParams(query, limits)).toThrowError(
        expect.objectContaining({ status: 400, scimType: 'invalidValue' }),
      );
    },
  );

  it('parses the filter (Entra + and raw quotes already decoded or not)', () => {
    const p = parseListParams({ filter: 'userName+eq+"x@y"' }, limits);
    expect(p.filterText).toBe('userName+eq+"x@y"');
    expect(p.filter).toEqual({ kind: 'compare', path: { attr: 'userName' }, op: 'eq', value: 'x@y' });
  });

  it('a blank filter counts as absent; a malformed one is 400 invalidFilter', () => {
    expect(parseListParams({ filter: '  ' }, limits).filter).toBeUndefined();
    expect(() => parseListParams({ filter: 'userName eq' }, limits)).toThrowError(
      expect.objectContaining({ status: 400, scimType: 'invalidFilter' }),
    );
  });

  it('sortBy / sortOrder (RS-03)', () => {
    expect(parseListParams({ sortBy: 'userName', sortOrder: 'Descending' }, limits)).toMatchObject({
      sortBy: 'userName',
      sortOrder: 'descending',
    });
    expect(() => parseListParams({ sortOrder: 'up' }, limits)).toThrowError(
      expect.objectContaining({ scimType: 'invalidValue' }),
    );
  });

  it('attributes and excludedAttributes from a comma list or an array (/.search)', () => {
    expect(parseListParams({ attributes: 'userName, emails' }, limits).attributes).toEqual([
      'userName',
      'emails',
    ]);
    expect(parseListParams({ attributes: ['displayName', 'userName'] }, limits).attributes).toEqual([
      'displayName',
      'userName',
    ]);
    expect(parseListParams({ excludedAttributes: 'members' }, limits).excludedAttributes).toEqual([
      'members',
    ]);
  });

  it('RS-01 a SearchRequest body', () => {
    const p = parseListParams(
      {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'],
        attributes: ['displayName', 'userName'],
        filter: 'displayName sw "Seed"',
        startIndex: 1,
        count: 10,
      },
      limits,
    );
    expect(p).toMatchObject({
      startIndex: 1,
      count: 10,
      attributes: ['displayName', 'userName'],
      filterText: 'displayName sw "Seed"',
    });
  });

  it('EG-13 unknown parameters are ignored; keys are case-insensitive', () => {
    expect(parseListParams({ aadOptscim062020: '', StartIndex: '3' }, limits)).toMatchObject({
      startIndex: 3,
    });
  });
});

describe('assertNoDiscoveryFilter (D-06)', () => {
  it('403 with a filter, nothing otherwise', () => {
    expect(() => assertNoDiscoveryFilter({ filter: 'id eq "x"' })).toThrowError(
      expect.objectContaining({ status: 403 }),
    );
    expect(() => assertNoDiscoveryFilter({ startIndex: '1', count: '10' })).not.toThrow();
  });
});

describe('attributes with value filters (Microsoft SCIM validator)', () => {
  it('ignores the filter part and keeps the attribute', () => {
    const params = parseListParams({ attributes: 'emails[type eq "work"],userName' }, { maxResults: 10 });
    expect(params.attributes).toEqual(['emails', 'userName']);
    const commas = parseListParams({ excludedAttributes: 'emails[value eq "a,b"]' }, { maxResults: 10 });
    expect(commas.excludedAttributes).toEqual(['emails']);
  });
});
