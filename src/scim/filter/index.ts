/** Public surface of the filter engine. */
export type { AttrPath, CompareOp, FilterNode, FilterValue, PatchPath } from './ast.js';
export { parseFilter, parsePatchPath, formatPath } from './parser.js';
export { matchesFilter, validateFilter, compileFilter, isPresent, readAttr } from './match.js';
export {
  toIndexPredicate,
  type IndexPredicate,
  type IndexLeaf,
  type IndexOp,
  type IndexTranslation,
  type UserColumn,
  type GroupColumn,
} from './index-predicate.js';
