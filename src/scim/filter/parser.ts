/**
 * A small recursive-descent parser for SCIM filters (RFC 7644 §3.4.2.2) and PATCH paths (§3.5.2).
 *
 * Why our own parser instead of scimmy's Types.Filter: scimmy 1.3.5 crashes on `filter=userName` and accepts
 * `userName eq` (docs/reference/notes.md #8), and its output is shaped for its own matcher, which we cannot use (docs/reference/notes.md #9). A parser of
 * ~250 lines gives exact error messages (invalidFilter with the position), full control over precedence
 * (`not` > `and` > `or`), and the leniencies the IdPs need:
 *  - attribute names and operators are case-insensitive ("USERNAME EQ", catalog RF-03);
 *  - `+` outside a string literal counts as a space (Entra's `userName+eq+"x"` when a layer did not decode it);
 *  - unquoted string values (`name.familyName eq Employee`, Microsoft's tutorial and test suite, catalog EN-09);
 *  - Entra's `emails[type eq "work"].value eq "x"` (catalog EN-10), which the RFC grammar does not allow.
 * U+0000 and unpaired UTF-16 surrogates are refused anywhere in the text: no stored value can hold them
 * (src/scim/values.ts), and PostgreSQL fails on them in a query (a 500 otherwise; catalog RE-14).
 * Hostile input (issue 8): the tokenizer advances on every iteration, and the length, nesting and clause limits
 * (src/scim/limits.ts) are checked before the recursive descent starts, so the parser ends, within its stack, on
 * any text.
 */
import { badRequest, ScimError, type BadRequestType } from '../errors.js';
import { LIMIT_CEILINGS, limitExceeded, type InputLimits } from '../limits.js';
import {
  COMPARE_OPS,
  type AttrPath,
  type CompareOp,
  type FilterNode,
  type FilterValue,
  type PatchPath,
} from './ast.js';

type Token =
  | { t: 'word'; v: string; pos: number }
  | { t: 'string'; v: string; pos: number }
  | { t: '(' | ')' | '[' | ']'; pos: number };

/**
 * Separators outside string literals: every Unicode white space (what `\s` matches: U+0009..U+000D, U+0020, U+00A0,
 * U+1680, U+2000..U+200A, U+2028, U+2029, U+202F, U+205F, U+3000, U+FEFF), and `+`. RFC 7644 names only SP, but a
 * filter pasted from a document carries NBSP or an ideographic space, and words already ended at any of them.
 */
const SEPARATOR = /[\s+]/;
const BRACKETS = new Set(['(', ')', '[', ']']);
/** A word (attribute path, operator, keyword, unquoted value) ends at a separator, a bracket or a quote. */
const WORD_BREAK = /[\s()[\]"+]/;
/** An unpaired UTF-16 surrogate: not Unicode text, and PostgreSQL refuses it in text and JSON (a 500 otherwise). */
const LONE_SURROGATE = /\p{Cs}/u;

/** The token list and the two measures the limits look at, gathered in the same single pass. */
interface Scan {
  tokens: Token[];
  /** deepest nesting of `(` and `[` */
  depth: number;
  /** attribute expressions: one more than the `and`/`or` keywords (for a well-formed filter, exactly) */
  clauses: number;
}

/**
 * Splits the text into tokens. Every iteration of the loop consumes at least one character (each branch says how),
 * so the scan ends after at most `text.length` iterations whatever the input: no character class can make it
 * stand still (the U+00A0 hang of issue 8 was a branch that pushed empty words without advancing).
 */
function tokenize(text: string, fail: (msg: string) => never): Scan {
  const nul = text.indexOf('\u0000');
  if (nul >= 0) fail(`U+0000 (NUL) at position ${nul + 1}`);
  const surrogate = LONE_SURROGATE.exec(text);
  if (surrogate) fail(`an unpaired UTF-16 surrogate (not Unicode text) at position ${surrogate.index + 1}`);
  const tokens: Token[] = [];
  let open = 0;
  let depth = 0;
  let logical = 0;
  let i = 0;
  while (i < text.length) {
    const start = i;
    const c = text[i] as string;
    if (SEPARATOR.test(c)) {
      i++; // one separator
    } else if (BRACKETS.has(c)) {
      tokens.push({ t: c as '(' | ')' | '[' | ']', pos: i });
      if (c === '(' || c === '[') depth = Math.max(depth, ++open);
      else open = Math.max(0, open - 1);
      i++; // one bracket
    } else if (c === '"') {
      // A JSON string literal (RFC 7644 §3.4.2.2 compValue): find the closing quote, honouring backslash escapes.
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      if (j >= text.length) fail(`unterminated string starting at position ${i + 1}`);
      const literal = text.slice(i, j + 1);
      let value: unknown;
      try {
        value = JSON.parse(literal);
      } catch {
        fail(`invalid string literal ${literal} at position ${i + 1}`);
      }
      const str = String(value);
      if (str.includes('\u0000')) fail(`U+0000 (NUL) in the string literal at position ${i + 1}`);
      if (LONE_SURROGATE.test(str))
        fail(`an unpaired UTF-16 surrogate (not Unicode text) in the string literal at position ${i + 1}`);
      tokens.push({ t: 'string', v: str, pos: i });
      i = j + 1; // the whole literal, quotes included (j > i)
    } else {
      // `c` is no break character (the branches above took those), so the word has at least one character.
      let j = i + 1;
      while (j < text.length && !WORD_BREAK.test(text[j] as string)) j++;
      const word = text.slice(i, j);
      const lower = word.toLowerCase();
      if (lower === 'and' || lower === 'or') logical++;
      tokens.push({ t: 'word', v: word, pos: i });
      i = j;
    }
    // The invariant the loop's termination rests on; a broken branch fails the request instead of hanging it.
    if (i <= start) fail(`unreadable character at position ${start + 1}`);
  }
  return { tokens, depth, clauses: logical + 1 };
}

/**
 * The length limit before the scan, the nesting and clause limits after it and before any recursive descent (whose
 * depth they bound). Exceeded limits name their variable (src/scim/limits.ts).
 */
function scanWithinLimits(
  text: string,
  scimType: BadRequestType,
  limits: FilterLimits,
  fail: (msg: string) => never,
): Scan {
  const kind = scimType === 'invalidPath' ? 'The PATCH path' : 'The filter';
  if (text.length > limits.filterLength)
    throw limitExceeded(scimType, 'filterLength', limits.filterLength, `${kind} length (${text.length})`);
  const scan = tokenize(text, fail);
  if (scan.depth > limits.filterDepth)
    throw limitExceeded(
      scimType,
      'filterDepth',
      limits.filterDepth,
      `${kind} nesting (${scan.depth} levels)`,
    );
  if (scan.clauses > limits.filterClauses)
    throw limitExceeded(
      scimType,
      'filterClauses',
      limits.filterClauses,
      `${kind} clause count (${scan.clauses})`,
    );
  return scan;
}

/**
 * Checks a filter or PATCH path against the limits without parsing it (the HTTP edge checks PATCH paths before any
 * operation runs). Throws the same 400 as parsing would for an exceeded limit or an unreadable text.
 */
export function checkTextLimits(
  text: string,
  scimType: 'invalidFilter' | 'invalidPath',
  limits: FilterLimits,
): void {
  const what = scimType === 'invalidPath' ? 'path' : 'filter';
  scanWithinLimits(text, scimType, limits, (m) => {
    throw badRequest(scimType, `Invalid ${what} '${text}': ${m}`);
  });
}

const ATTR_NAME = /^[A-Za-z$][\w$-]*$/;

/** Splits `urn:…:attr.sub` / `attr.sub` (the URN is everything up to the last colon). */
function parseAttrPath(word: string, fail: (msg: string) => never): AttrPath {
  let urn: string | undefined;
  let rest = word;
  if (/^urn:/i.test(word)) {
    const colon = word.lastIndexOf(':');
    urn = word.slice(0, colon);
    rest = word.slice(colon + 1);
  }
  const parts = rest.split('.');
  if (parts.length > 2 || parts.some((p) => !ATTR_NAME.test(p))) fail(`invalid attribute path '${word}'`);
  const path: AttrPath = { attr: parts[0] as string };
  if (urn !== undefined) path.urn = urn;
  if (parts[1] !== undefined) path.sub = parts[1];
  return path;
}

class Parser {
  private i = 0;
  private readonly tokens: Token[];

  constructor(
    private readonly text: string,
    private readonly scimType: BadRequestType,
    private readonly what: string,
    limits: FilterLimits,
  ) {
    const scan = scanWithinLimits(text, scimType, limits, (m) => this.fail(m));
    this.tokens = scan.tokens;
  }

  fail(message: string): never {
    throw badRequest(this.scimType, `Invalid ${this.what} '${this.text}': ${message}`);
  }

  private peek(): Token | undefined {
    return this.tokens[this.i];
  }

  private isKeyword(tok: Token | undefined, kw: string): boolean {
    return tok?.t === 'word' && tok.v.toLowerCase() === kw;
  }

  private where(tok: Token | undefined): string {
    return tok ? `at position ${tok.pos + 1}` : 'at the end';
  }

  atEnd(): boolean {
    return this.i >= this.tokens.length;
  }

  expectEnd(): void {
    const tok = this.peek();
    if (tok) this.fail(`unexpected '${this.describe(tok)}' ${this.where(tok)}`);
  }

  private describe(tok: Token): string {
    return tok.t === 'word' || tok.t === 'string' ? tok.v : tok.t;
  }

  /** filter := andExpr ("or" andExpr)* — `and` binds tighter than `or` (RFC 7644 §3.4.2.2 Table 4). */
  parseOr(): FilterNode {
    let left = this.parseAnd();
    while (this.isKeyword(this.peek(), 'or')) {
      this.i++;
      left = { kind: 'or', left, right: this.parseAnd() };
    }
    return left;
  }

  private parseAnd(): FilterNode {
    let left = this.parseUnary();
    while (this.isKeyword(this.peek(), 'and')) {
      this.i++;
      left = { kind: 'and', left, right: this.parseUnary() };
    }
    return left;
  }

  private parseUnary(): FilterNode {
    const tok = this.peek();
    if (!tok) this.fail('expected an expression at the end');
    if (this.isKeyword(tok, 'not')) {
      this.i++;
      if (this.peek()?.t !== '(') this.fail(`'not' must be followed by '(' ${this.where(this.peek())}`);
      return { kind: 'not', filter: this.parseGroup() };
    }
    if (tok.t === '(') return this.parseGroup();
    if (tok.t === 'word' && (tok.v.toLowerCase() === 'and' || tok.v.toLowerCase() === 'or'))
      this.fail(`unexpected '${tok.v}' ${this.where(tok)}: expected an expression before it`);
    if (tok.t !== 'word')
      this.fail(`expected an attribute name ${this.where(tok)}, found '${this.describe(tok)}'`);
    return this.parseAttrExpr();
  }

  private parseGroup(): FilterNode {
    const open = this.tokens[this.i++] as Token;
    if (this.peek()?.t === ')') this.fail(`empty parentheses at position ${open.pos + 1}`);
    const inner = this.parseOr();
    if (this.peek()?.t !== ')') this.fail(`missing ')' for '(' at position ${open.pos + 1}`);
    this.i++;
    return inner;
  }

  /** attrExpr := attrPath ( "[" filter "]" [ "." sub compareTail ] | compareTail ) */
  private parseAttrExpr(): FilterNode {
    const { path, filter } = this.parsePathWithFilter();
    if (filter && path.sub === undefined) return { kind: 'valuePath', path, filter };
    return this.parseCompareTail(path, filter);
  }

  /** attrPath or valuePath with an optional trailing `.sub` (also the PATCH path grammar). */
  parsePathWithFilter(): { path: AttrPath; filter?: FilterNode } {
    const tok = this.tokens[this.i++] as Token;
    if (tok.t !== 'word') this.fail(`expected an attribute name ${this.where(tok)}`);
    const path = parseAttrPath(tok.v, (m) => this.fail(m));
    if (this.peek()?.t !== '[') return { path };
    const open = this.tokens[this.i++] as Token;
    if (path.sub !== undefined) this.fail(`a value filter cannot follow a sub-attribute ('${tok.v}[')`);
    if (this.peek()?.t === ']') this.fail(`empty value filter at position ${open.pos + 1}`);
    const filter = this.parseOr();
    if (this.peek()?.t !== ']') this.fail(`missing ']' for '[' at position ${open.pos + 1}`);
    const close = this.tokens[this.i++] as Token;
    const next = this.peek();
    // `emails[type eq "work"].value`: the tokenizer reads ".value" as a word right after ']'.
    if (next?.t === 'word' && next.v.startsWith('.') && next.pos === close.pos + 1) {
      this.i++;
      const sub = next.v.slice(1);
      if (!ATTR_NAME.test(sub)) this.fail(`invalid sub-attribute '${next.v}' ${this.where(next)}`);
      path.sub = sub;
    }
    return { path, filter };
  }

  private parseCompareTail(path: AttrPath, where: FilterNode | undefined): FilterNode {
    const opTok = this.peek();
    const name = [path.urn, path.attr].filter(Boolean).join(':') + (path.sub ? `.${path.sub}` : '');
    if (!opTok) this.fail(`expected an operator after '${name}'`);
    if (opTok.t !== 'word')
      this.fail(`expected an operator after '${name}', found '${this.describe(opTok)}'`);
    const op = opTok.v.toLowerCase();
    this.i++;
    if (op === 'pr') return where ? { kind: 'present', path, where } : { kind: 'present', path };
    if (!COMPARE_OPS.has(op)) this.fail(`unknown operator '${opTok.v}' ${this.where(opTok)}`);
    const value = this.parseValue(opTok.v);
    const node: FilterNode = { kind: 'compare', path, op: op as CompareOp, value };
    if (where) node.where = where;
    return node;
  }

  private parseValue(op: string): FilterValue {
    const tok = this.peek();
    if (!tok) this.fail(`missing value after '${op}'`);
    if (tok.t === 'string') {
      this.i++;
      return tok.v;
    }
    if (tok.t !== 'word' || ['and', 'or', 'not'].includes(tok.v.toLowerCase()))
      this.fail(`missing value after '${op}' ${this.where(tok)}`);
    this.i++;
    const lower = tok.v.toLowerCase();
    if (lower === 'true') return true;
    if (lower === 'false') return false;
    if (lower === 'null') return null;
    if (/^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/.test(tok.v)) return Number(tok.v);
    // Leniency (catalog EN-09, Microsoft's suite): an unquoted word is a string value.
    return tok.v;
  }
}

/** The limits the parser enforces itself (src/scim/limits.ts). */
export type FilterLimits = Pick<InputLimits, 'filterLength' | 'filterDepth' | 'filterClauses'>;

/**
 * Parses a filter expression (without `limits`: the configuration's ceilings, which keep any input safe). Throws `ScimError(400, 'invalidFilter')` with a detail naming the problem and its
 * position for anything malformed: a missing operator or value, an unknown operator, unbalanced parentheses or
 * brackets, a dangling `and`/`or`, a bad string literal.
 */
export function parseFilter(text: string, limits: FilterLimits = LIMIT_CEILINGS): FilterNode {
  if (typeof text !== 'string' || text.trim() === '')
    throw badRequest('invalidFilter', 'The filter is empty');
  const parser = new Parser(text, 'invalidFilter', 'filter', limits);
  const node = parser.parseOr();
  parser.expectEnd();
  return node;
}

/** Parses a PATCH `path` (RFC 7644 §3.5.2); malformed → `ScimError(400, 'invalidPath')`. */
export function parsePatchPath(text: string, limits: FilterLimits = LIMIT_CEILINGS): PatchPath {
  if (text.trim() === '') throw badRequest('invalidPath', 'The PATCH path is empty');
  let parser: Parser;
  try {
    parser = new Parser(text, 'invalidPath', 'path', limits);
    if (parser.atEnd()) parser.fail('empty path');
    const result = parser.parsePathWithFilter();
    parser.expectEnd();
    return result.filter ? { path: result.path, filter: result.filter } : { path: result.path };
  } catch (err) {
    if (err instanceof ScimError && err.scimType !== 'invalidPath')
      throw badRequest('invalidPath', err.detail);
    throw err;
  }
}

/** Renders a path back to text (for error details). */
export function formatPath(path: AttrPath): string {
  return (path.urn ? `${path.urn}:` : '') + path.attr + (path.sub ? `.${path.sub}` : '');
}
