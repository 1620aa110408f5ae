// Generators of hostile SCIM input for the property-based fuzzer (fast-check): filters and PATCH paths built from
// the grammar and then damaged, Unicode white space and control characters, unpaired surrogates, deep nesting,
// huge `or` lists, PATCH bodies, resource bodies and raw request bodies. Each generator mixes the well-formed (so
// that the code behind the parser runs too) with the broken.
import fc from 'fast-check';

/** How many runs each property gets: FUZZ_RUNS for a long release run, a bounded budget inside `npm test`. */
export function fuzzRuns(defaultRuns: number): number {
  const configured = Number(process.env.FUZZ_RUNS);
  return Number.isInteger(configured) && configured > 0 ? configured : defaultRuns;
}

/**
 * The seed of this run: FUZZ_SEED to replay one, else a fresh one. fast-check prints it (and the path of the
 * shrunk counterexample) in every failure message; `FUZZ_SEED=<seed> npm run fuzz` replays it.
 */
export const FUZZ_SEED = Number.isInteger(Number(process.env.FUZZ_SEED))
  ? Number(process.env.FUZZ_SEED)
  : Math.floor(Math.random() * 0x7fffffff);

/**
 * fast-check parameters shared by the fuzz tests. `shrink: false` reports the first counterexample as generated:
 * for the termination property, where every shrinking step that still hangs would cost a whole time bound.
 */
export function fuzzParameters(defaultRuns: number, shrink = true): fc.Parameters<unknown> {
  return { seed: FUZZ_SEED, numRuns: fuzzRuns(defaultRuns), endOnFailure: !shrink };
}

/** The vitest timeout of a fuzz test: generous for the default budget, scaled for FUZZ_RUNS. */
export function fuzzTimeout(defaultRuns: number, msPerRun: number): number {
  return Math.max(120_000, fuzzRuns(defaultRuns) * msPerRun * 4);
}

/** Every Unicode white space (the 21 of issue 8 plus the ASCII ones), controls and other awkward characters. */
export const AWKWARD_CHARS = [
  ' ',
  '\t',
  '\n',
  '\r',
  '+',
  '\u000B',
  '\u000C',
  '\u0085',
  '\u00A0',
  '\u1680',
  ...Array.from({ length: 11 }, (_, i) => String.fromCharCode(0x2000 + i)),
  '\u2028',
  '\u2029',
  '\u202F',
  '\u205F',
  '\u3000',
  '\uFEFF',
  '\u200B',
  '\u0000',
  '\u0001',
  '\u001F',
  '\u007F',
  '\uD800',
  '\uDBFF',
  '\uDC00',
  '\uDFFF',
  '\uFFFD',
  '\uFFFF',
  '"',
  '\\',
  '(',
  ')',
  '[',
  ']',
  '.',
  ':',
  '%',
  '\u{1F600}',
];

const awkwardChar = fc.constantFrom(...AWKWARD_CHARS);
/** Any UTF-16 text, unpaired surrogates included, with extra weight on the awkward characters. */
export const hostileString = (maxLength = 40): fc.Arbitrary<string> =>
  fc.string({
    unit: fc.oneof(
      { weight: 3, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
      awkwardChar,
    ),
    maxLength,
  });

/** Mostly ordinary Unicode text (so that writes get through and reach the database), now and then hostile. */
export const mostlyText = (maxLength = 20): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 3, arbitrary: fc.string({ unit: 'grapheme', maxLength }) },
    { weight: 1, arbitrary: hostileString(maxLength) },
  );

const separator = fc.oneof(
  { weight: 6, arbitrary: fc.constant(' ') },
  { weight: 2, arbitrary: fc.constantFrom(...AWKWARD_CHARS.slice(0, 28)) },
  { weight: 1, arbitrary: fc.constant('') },
);

const ATTRIBUTES = [
  'userName',
  'USERNAME',
  'title',
  'displayName',
  'externalId',
  'id',
  'active',
  'emails',
  'emails.value',
  'emails.type',
  'name.familyName',
  'name.givenName',
  'meta.created',
  'meta.lastModified',
  'members',
  'members.value',
  'groups.value',
  'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department',
  'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value',
  'urn:ietf:params:scim:schemas:core:2.0:User:userName',
  '__proto__',
  'constructor',
  'toString',
  'x',
];
export const attributeName = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom(...ATTRIBUTES) },
  { weight: 1, arbitrary: hostileString(12) },
);

const OPERATORS = [
  'eq',
  'ne',
  'co',
  'sw',
  'ew',
  'gt',
  'ge',
  'lt',
  'le',
  'pr',
  'EQ',
  'Pr',
  'and',
  'or',
  'not',
];
const operator = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...OPERATORS) },
  { weight: 1, arbitrary: hostileString(4) },
);

/** A compValue: a JSON string literal (of any text), a number, a keyword, a bare word, or broken literal text. */
const compValue = fc.oneof(
  { weight: 4, arbitrary: hostileString(20).map((s) => JSON.stringify(s)) },
  { weight: 1, arbitrary: fc.constantFrom('true', 'false', 'null', '42', '-1.5e3', 'Employee') },
  {
    weight: 1,
    arbitrary: fc.constantFrom('"\\ud800"', '"\\udfff x"', '"\\u0000"', '"unterminated', '"\\', '"\\"'),
  },
  { weight: 1, arbitrary: hostileString(8) },
);

const join = (parts: fc.Arbitrary<string>[]) =>
  fc.tuple(...parts.flatMap((p) => [p, separator])).map((xs) => xs.join(''));

/** A filter from the RFC 7644 §3.4.2.2 grammar (and/or/not, groups, value paths), with random separators. */
export const grammarFilter: fc.Arbitrary<string> = fc.letrec<{ filter: string }>((tie) => ({
  filter: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    join([attributeName, operator, compValue]),
    join([attributeName, fc.constant('pr')]),
    join([tie('filter'), fc.constantFrom('and', 'or', 'AND', 'Or'), tie('filter')]),
    join([fc.constantFrom('not', 'NOT'), fc.constant('('), tie('filter'), fc.constant(')')]),
    join([fc.constant('('), tie('filter'), fc.constant(')')]),
    join([attributeName, fc.constant('['), tie('filter'), fc.constant(']')]),
    join([attributeName, fc.constant('['), tie('filter'), fc.constant('].value'), operator, compValue]),
  ),
})).filter;

/** Attributes both resource types know, and valid operators: filters that get past the parser to the database. */
export const knownAttribute = fc.constantFrom(
  'userName',
  'title',
  'displayName',
  'externalId',
  'id',
  'active',
  'emails.value',
  'emails.type',
  'name.familyName',
  'meta.created',
  'meta.lastModified',
  'members.value',
  'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department',
);
const plausibleSeparator = fc.oneof(
  { weight: 8, arbitrary: fc.constant(' ') },
  { weight: 1, arbitrary: fc.constantFrom(...AWKWARD_CHARS.slice(1, 28)) },
);
const plausibleJoin = (parts: fc.Arbitrary<string>[]) =>
  fc.tuple(...parts.flatMap((p, i) => (i === 0 ? [p] : [plausibleSeparator, p]))).map((xs) => xs.join(''));
const plausibleValue = fc.oneof(
  { weight: 4, arbitrary: mostlyText(12).map((s) => JSON.stringify(s)) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      '"seed@example.com"',
      '"seed"',
      '"work"',
      '"2020-01-01T00:00:00Z"',
      '"{user}"',
    ),
  },
  { weight: 1, arbitrary: fc.constantFrom('true', 'false', 'null', '1') },
);
/** A well-formed filter over known attributes (values still hostile): exercises matching and SQL, not only parsing. */
export const plausibleFilter: fc.Arbitrary<string> = fc.letrec<{ filter: string }>((tie) => ({
  filter: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    plausibleJoin([
      knownAttribute,
      fc.constantFrom('eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le', 'EQ'),
      plausibleValue,
    ]),
    plausibleJoin([knownAttribute, fc.constant('pr')]),
    plausibleJoin([tie('filter'), fc.constantFrom('and', 'or'), tie('filter')]),
    plausibleJoin([fc.constant('not'), fc.constant('('), tie('filter'), fc.constant(')')]),
    plausibleJoin([fc.constant('('), tie('filter'), fc.constant(')')]),
    plausibleJoin([fc.constantFrom('emails', 'members'), fc.constant('['), tie('filter'), fc.constant(']')]),
  ),
})).filter;

/** Damage: insert, delete or replace characters at random places (the mutations a fuzzer of text makes). */
const damaged = (base: fc.Arbitrary<string>): fc.Arbitrary<string> =>
  fc
    .tuple(base, fc.array(fc.tuple(fc.nat(), fc.nat(3), hostileString(3)), { maxLength: 4 }))
    .map(([text, edits]) => {
      let out = text;
      for (const [at, remove, insert] of edits) {
        const i = out.length === 0 ? 0 : at % (out.length + 1);
        out = out.slice(0, i) + insert + out.slice(i + remove);
      }
      return out;
    });

/** Deep nesting: thousands of `(`, `not (` or `[` levels, balanced or not. */
const deepNesting = fc
  .tuple(
    fc.constantFrom('(', 'not (', 'emails[', '[', 'not(('),
    fc.integer({ min: 1, max: 12_000 }),
    fc.boolean(),
  )
  .map(([open, levels, balanced]) => {
    const close = open.endsWith('[') ? ']' : ')';
    return `${open.repeat(levels)}userName eq "x"${balanced ? close.repeat(open === 'not((' ? levels * 2 : levels) : ''}`;
  });

/** Huge `or`/`and` lists: up to 3 000 clauses. */
const hugeList = fc
  .tuple(
    fc.integer({ min: 2, max: 3_000 }),
    fc.constantFrom(' or ', ' and ', ' OR '),
    fc.constantFrom('userName', 'members.value', 'title', 'id'),
  )
  .map(([n, glue, attr]) => Array.from({ length: n }, (_, i) => `${attr} eq "v${i}"`).join(glue));

/** Any filter text the fuzzer throws at the parser and at the HTTP API. */
export const filterText: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: plausibleFilter },
  { weight: 3, arbitrary: grammarFilter },
  { weight: 3, arbitrary: damaged(grammarFilter) },
  { weight: 2, arbitrary: hostileString(60) },
  { weight: 1, arbitrary: deepNesting },
  { weight: 1, arbitrary: hugeList },
);

/** A PATCH path (RFC 7644 §3.5.2: attrPath, or valuePath with an optional sub-attribute), whole or damaged. */
const grammarPath: fc.Arbitrary<string> = fc.oneof(
  attributeName,
  fc.tuple(attributeName, grammarFilter).map(([a, f]) => `${a}[${f}]`),
  fc
    .tuple(attributeName, grammarFilter, fc.constantFrom('value', 'display', 'type', 'primary', ''))
    .map(([a, f, s]) => `${a}[${f}].${s}`),
  fc.constantFrom(
    'members[value eq "x"]',
    'emails[type eq "work"].value',
    'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager',
  ),
);
export const patchPathText: fc.Arbitrary<string> = fc.oneof(
  { weight: 5, arbitrary: grammarPath },
  { weight: 4, arbitrary: damaged(grammarPath) },
  { weight: 1, arbitrary: hostileString(40) },
  { weight: 1, arbitrary: deepNesting.map((f) => `members[${f}]`) },
  { weight: 1, arbitrary: hugeList.map((f) => `members[${f}]`) },
);

/** A JSON value with hostile strings (as keys too), deep nesting and long arrays. */
export const hostileJson: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 6, arbitrary: fc.jsonValue({ maxDepth: 4, stringUnit: 'binary' }) },
  { weight: 2, arbitrary: hostileString(30) },
  { weight: 1, arbitrary: fc.constantFrom(null, '', '  ', 'True', 'false', {}, [], [{}], 0, -1, 1e308) },
  {
    weight: 1,
    arbitrary: fc.integer({ min: 1, max: 200 }).map((depth) => {
      let v: unknown = 'x';
      for (let i = 0; i < depth; i++) v = i % 2 ? { a: v } : [v];
      return v;
    }),
  },
  {
    weight: 1,
    arbitrary: fc
      .integer({ min: 0, max: 3_000 })
      .map((n) => Array.from({ length: n }, (_, i) => ({ value: `m${i}` }))),
  },
);

const caseVariant = (name: string) =>
  fc.constantFrom(name, name.toUpperCase(), name.toLowerCase(), name[0]!.toUpperCase() + name.slice(1));

/** A User body: a valid user with some attributes replaced by hostile values (names in any case). */
export const userBody: fc.Arbitrary<Record<string, unknown>> = fc
  .tuple(
    fc.oneof(fc.constant('fuzz'), hostileString(12)),
    fc.array(
      fc.tuple(
        fc.oneof(
          fc
            .constantFrom(
              'userName',
              'active',
              'emails',
              'name',
              'title',
              'displayName',
              'externalId',
              'groups',
              'password',
            )
            .chain(caseVariant),
          fc.constant('urn:ietf:params:scim:schemas:extension:enterprise:2.0:User'),
          hostileString(10),
        ),
        fc.oneof(
          hostileJson,
          fc.constant({ manager: 'boss' }),
          fc.constant({ Manager: { Value: 'x' }, department: '\ud800' }),
          fc.constant([{ value: 'a@example.com', primary: 'True' }]),
        ),
      ),
      { maxLength: 4 },
    ),
    fc.nat(1_000_000),
  )
  .map(([name, overrides, n]) => {
    const body: Record<string, unknown> = {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
      userName: `${name}${n}@example.com`,
      active: true,
    };
    for (const [key, value] of overrides) body[key] = value;
    return body;
  });

const opName = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom('add', 'remove', 'replace', 'Add', 'Remove', 'Replace') },
  { weight: 1, arbitrary: hostileString(6) },
);

/** A PatchOp body: operations with hostile paths and values, path-less values, member lists. */
/** An operation an IdP could send (paths it uses, values of roughly the right shape, hostile strings inside). */
const plausibleOperation = fc.record({
  op: fc.constantFrom('add', 'remove', 'replace', 'Add', 'Replace', 'Remove'),
  path: fc.constantFrom(
    'title',
    'displayName',
    'active',
    'emails',
    'emails[type eq "work"].value',
    'name.givenName',
    'externalId',
    'members',
    'members[value eq "{user}"]',
    'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager',
    'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department',
  ),
  value: fc.oneof(
    mostlyText(20),
    fc.constantFrom('True', 'False', true, false, '', null, 'boss'),
    fc.constant([{ value: '{user}' }]),
    fc.constant([{ value: '{user}', display: 'Seed' }, { value: 'no-such-user' }]),
    mostlyText(20).map((value) => [{ value, type: 'work', primary: true }]),
    mostlyText(20).map((value) => ({ value })),
  ),
});
const pathlessOperation = fc.record({
  op: fc.constantFrom('add', 'replace', 'Replace'),
  value: fc.dictionary(
    fc.constantFrom(
      'title',
      'active',
      'displayName',
      'name.familyName',
      'emails[type eq "work"].value',
      'members',
      'id',
    ),
    fc.oneof(
      mostlyText(12),
      fc.constantFrom(true, 'False', null, '{user}'),
      fc.constant([{ value: '{user}' }]),
    ),
    { maxKeys: 3 },
  ),
});

export const patchBody: fc.Arbitrary<unknown> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc
      .array(fc.oneof(plausibleOperation, pathlessOperation), { minLength: 1, maxLength: 3 })
      .map((Operations) => ({ schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations })),
  },
  {
    weight: 8,
    arbitrary: fc
      .array(
        fc.record(
          {
            op: opName,
            path: fc.oneof(
              patchPathText,
              fc.constantFrom('members', 'active', 'emails', 'title', 'displayName'),
            ),
            value: fc.oneof(
              hostileJson,
              fc.constant({}),
              fc.constant({ emails: {} }),
              fc.constant({ active: null }),
              fc.constant({ members: [{ value: 'nobody' }] }),
            ),
          },
          { requiredKeys: ['op'] },
        ),
        { minLength: 0, maxLength: 6 },
      )
      .map((Operations) => ({ schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations })),
  },
  { weight: 1, arbitrary: hostileJson },
  {
    weight: 1,
    arbitrary: fc.integer({ min: 1, max: 2_500 }).map((n) => ({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: Array.from({ length: n }, (_, i) => ({ op: 'remove', path: `members[value eq "m${i}"]` })),
    })),
  },
);
