/**
 * Filter syntax tree (RFC 7644 §3.4.2.2). Attribute paths are kept as written; they are resolved against the schema
 * when the filter is validated, matched or translated.
 */

export type CompareOp = 'eq' | 'ne' | 'co' | 'sw' | 'ew' | 'gt' | 'ge' | 'lt' | 'le';
export const COMPARE_OPS: ReadonlySet<string> = new Set([
  'eq',
  'ne',
  'co',
  'sw',
  'ew',
  'gt',
  'ge',
  'lt',
  'le',
]);

/** A JSON literal of the filter grammar (`compValue`), or a bare word accepted leniently as a string. */
export type FilterValue = string | number | boolean | null;

/** `[urn ":"] attr ["." sub]` as written (names not yet canonical). */
export interface AttrPath {
  urn?: string;
  attr: string;
  sub?: string;
}

export type FilterNode =
  /**
   * `path op value` or `path pr`. `where` is the element filter of Entra's `emails[type eq "work"].value eq "x"`
   * (catalog EN-10): true when one element matches `where` and its `path.sub` compares true.
   */
  | { kind: 'compare'; path: AttrPath; op: CompareOp; value: FilterValue; where?: FilterNode }
  | { kind: 'present'; path: AttrPath; where?: FilterNode }
  | { kind: 'and'; left: FilterNode; right: FilterNode }
  | { kind: 'or'; left: FilterNode; right: FilterNode }
  | { kind: 'not'; filter: FilterNode }
  /** `attr[filter]`: one element of the multi-valued (or complex) attribute matches `filter` (paths inside are relative). */
  | { kind: 'valuePath'; path: AttrPath; filter: FilterNode };

/** The path part of a PATCH operation (RFC 7644 §3.5.2 `PATH = attrPath / valuePath [subAttr]`). */
export interface PatchPath {
  path: AttrPath;
  /** Present for `attr[filter]` and `attr[filter].sub`; then `path.sub` is the trailing sub-attribute. */
  filter?: FilterNode;
}
