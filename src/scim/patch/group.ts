/**
 * PATCH /Groups/{id}. Member operations never touch the member list: they become a `MemberDelta` the store applies
 * as join-table inserts/deletes (docs/reference/notes.md #10), so adding one member to a 20 000-member group costs O(1) here.
 *
 * Member forms accepted (catalog §4, §7):
 *  - `add members [{value}]` (OG-06, EG-06 with `"$ref":null`, EG-07 several at once);
 *  - `replace members [...]` full push and `[]` empty push (OG-07, OG-08);
 *  - `remove members[value eq "id"]` (OG-06, EG-09), also `or`-ed equalities;
 *  - Entra's `remove members` with a value array: remove exactly those (EG-08, critical);
 *  - `remove members` without value: remove all (EG-10);
 *  - path-less add/replace whose value object has `members` (and Okta's `id` no-op, OG-05).
 */
import { badRequest } from '../errors.js';
import type { FilterNode } from '../filter/ast.js';
import { parsePatchPath } from '../filter/parser.js';
import { memberDisplays, memberIds } from '../resources.js';
import { coreAttributes } from '../schemas.js';
import { coerceAttribute } from '../values.js';
import { applyOperations, type PatchOptions } from './user.js';
import type { JsonObject as Obj } from '../values.js';

export interface MemberDelta {
  /** Set when the membership is replaced as a whole (then `add`/`remove` are empty). */
  replaceAll?: string[];
  add: string[];
  remove: string[];
  /**
   * `display` values the client sent with added members (Entra sends `{"value","display"}`; Microsoft's validator
   * expects to read them back). Without one, the member's display is derived from the user.
   */
  displays?: Record<string, string>;
}

const MEMBERS = coreAttributes('Group').get('members');
if (!MEMBERS) throw new Error('Group schema without members');
const membersNode = MEMBERS;

/** Accumulates member operations in order, so `remove x` then `add x` ends with x added. */
class DeltaBuilder {
  private replaceAll: Set<string> | undefined;
  private readonly add = new Set<string>();
  private readonly remove = new Set<string>();
  private readonly displays: Record<string, string> = {};

  noteDisplays(value: unknown): void {
    for (const [id, display] of Object.entries(memberDisplays(value))) this.displays[id] = display;
  }

  addIds(ids: string[]): void {
    for (const id of ids) {
      if (this.replaceAll) this.replaceAll.add(id);
      else {
        this.add.add(id);
        this.remove.delete(id);
      }
    }
  }

  removeIds(ids: string[]): void {
    for (const id of ids) {
      if (this.replaceAll) this.replaceAll.delete(id);
      else {
        this.remove.add(id);
        this.add.delete(id);
      }
    }
  }

  replace(ids: string[]): void {
    this.replaceAll = new Set(ids);
    this.add.clear();
    this.remove.clear();
  }

  build(): MemberDelta {
    const delta: MemberDelta = { add: [...this.add], remove: [...this.remove] };
    if (this.replaceAll) delta.replaceAll = [...this.replaceAll];
    if (Object.keys(this.displays).length > 0) delta.displays = { ...this.displays };
    return delta;
  }
}

/** Member ids from an operation value: `[{value}]`, a single `{value}`; bare strings are rejected (RX-23). */
function idsFromValue(value: unknown, label: string): string[] {
  return memberIds(coerceAttribute(membersNode, value, label, true));
}

/** `value eq "a"` / `value eq "a" or value eq "b"` → ids; other member filters cannot be evaluated without the list. */
function idsFromFilter(filter: FilterNode, label: string): string[] {
  if (filter.kind === 'or')
    return [...idsFromFilter(filter.left, label), ...idsFromFilter(filter.right, label)];
  if (
    filter.kind === 'compare' &&
    filter.op === 'eq' &&
    !filter.where &&
    !filter.path.urn &&
    !filter.path.sub &&
    filter.path.attr.toLowerCase() === 'value' &&
    typeof filter.value === 'string'
  )
    return [filter.value];
  throw badRequest('invalidPath', `Unsupported member filter in '${label}': use members[value eq "<id>"]`);
}

const isMembersPath = (path: string): boolean =>
  /^(urn:ietf:params:scim:schemas:core:2\.0:group:)?members(?![\w$-])/i.test(path);

/**
 * Applies a PatchOp body to a stored group document (which has NO members) and returns the new document plus the
 * membership delta. The input is not mutated. Member ids are not checked for existence here (the store does it:
 * unknown ids → 400 invalidValue per catalog RX-23).
 */
export function applyGroupPatch(
  group: object,
  body: unknown,
  options: PatchOptions = {},
): { group: Obj; members: MemberDelta } {
  const delta = new DeltaBuilder();
  const own = (group as Obj).id;
  const id = options.id ?? (typeof own === 'string' ? own : undefined);

  const handleMembers = (op: 'add' | 'remove' | 'replace', path: string, value: unknown): boolean => {
    if (!isMembersPath(path)) return false;
    const parsed = parsePatchPath(path);
    if (parsed.path.sub !== undefined) {
      // `members[value eq "x"].display` (RX-22): display is derived from the member resource; accept as a no-op.
      if (parsed.filter) {
        idsFromFilter(parsed.filter, path);
        return true;
      }
      throw badRequest('invalidPath', `Unsupported members path '${path}'`);
    }
    if (parsed.filter) {
      const ids = idsFromFilter(parsed.filter, path);
      if (op === 'remove') delta.removeIds(ids);
      // add/replace on a filtered member: the member exists (or is created) with that id.
      else delta.addIds(ids);
      return true;
    }
    if (op !== 'remove') delta.noteDisplays(value);
    if (op === 'add') delta.addIds(idsFromValue(value, path));
    else if (op === 'replace')
      delta.replace(value === null || value === undefined ? [] : idsFromValue(value, path));
    else if (Array.isArray(value) ? value.length > 0 : value !== undefined && value !== null)
      delta.removeIds(idsFromValue(value, path)); // Entra without the flag (EG-08)
    else delta.replace([]); // EG-10
    return true;
  };

  // The contract says the group has no members; if a caller passes them anyway, leave them out rather than copying
  // (and paying for) a 20 000-element array on every PATCH.
  const { members: _members, ...doc } = group as Obj;
  void _members;
  const result = applyOperations(
    doc,
    body,
    { resourceType: 'Group', id },
    {
      path: handleMembers,
      pathlessKey: (op, key, value) =>
        key.toLowerCase() === 'members' ? handleMembers(op, 'members', value) : false,
    },
  );
  return { group: result, members: delta.build() };
}
