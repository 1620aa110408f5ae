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
 * U+0000 is refused anywhere in the text: no stored value can hold it (src/scim/values.ts), and PostgreSQL fails on
 * it in a query (a 500 otherwise; catalog RE-14).
 */
import { badRequest, ScimError, type BadRequestType } from '../errors.js';
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

const WORD_BREAK = /[\s()[\]"+]/;

function tokenize(text: string, fail: (msg: string) => never): Token[] {
  const nul = text.indexOf('\u0000');
  if (nul >= 0) fail(`U+0000 (NUL) at position ${nul + 1}`);
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i] as string;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '+') {
      i++;
      continue;
    }
    if (c === '(' || c === ')' || c === '[' || c === ']') {
      tokens.push({ t: c, pos: i });
      i++;
      continue;
    }
    if (c === '"') {
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
      if (String(value).includes('\u0000')) fail(`U+0000 (NUL) in the string literal at position ${i + 1}`);
      tokens.push({ t: 'string', v: String(value), pos: i });
      i = j + 1;
      continue;
    }
    let j = i;
    while (j < text.length && !WORD_BREAK.test(text[j] as string)) j++;
    tokens.push({ t: 'word', v: text.slice(i, j), pos: i });
    i = j;
  }
  return tokens;
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
  ) {
    this.tokens = tokenize(text, (m) => this.fail(m));
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

/**
 * Parses a filter expression. Throws `ScimError(400, 'invalidFilter')` with a detail naming the problem and its
 * position for anything malformed: a missing operator or value, an unknown operator, unbalanced parentheses or
 * brackets, a dangling `and`/`or`, a bad string literal.
 */
export function parseFilter(text: string): FilterNode {
  if (typeof text !== 'string' || text.trim() === '')
    throw badRequest('invalidFilter', 'The filter is empty');
  const parser = new Parser(text, 'invalidFilter', 'filter');
  const node = parser.parseOr();
  parser.expectEnd();
  return node;
}

/** Parses a PATCH `path` (RFC 7644 §3.5.2); malformed → `ScimError(400, 'invalidPath')`. */
export function parsePatchPath(text: string): PatchPath {
  if (text.trim() === '') throw badRequest('invalidPath', 'The PATCH path is empty');
  let parser: Parser;
  try {
    parser = new Parser(text, 'invalidPath', 'path');
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
