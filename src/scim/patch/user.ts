/** PATCH /Users/{id} (RFC 7644 §3.5.2) on the stored user document. */
import { badRequest } from '../errors.js';
import { findExtension } from '../schemas.js';
import { applyPathless, applyWithPath, resolvePatchPath, type PatchContext } from './apply.js';
import { parsePatchBody } from './operations.js';
import type { JsonObject as Obj } from '../values.js';

export interface PatchOptions {
  /** The resource id (for the path-less `"id"` no-op rule, catalog OG-05). Defaults to `doc.id` when present. */
  id?: string;
}

/** Applies every operation of the body to one working copy (a failing operation leaves the input untouched). */
export function applyOperations(doc: object, body: unknown, ctx: PatchContext, claim?: ClaimHooks): Obj {
  const operations = parsePatchBody(body);
  const working = structuredClone(doc) as Obj;
  for (const operation of operations) {
    const { op, path, value } = operation;
    if (path === undefined) {
      // RX-05: a remove without a path has no target.
      if (op === 'remove')
        throw badRequest('noTarget', `Operation ${operation.index}: 'remove' requires a 'path'`);
      const claimKey = claim?.pathlessKey;
      applyPathless(working, op, value, ctx, claimKey && ((k, v) => claimKey(op, k, v)));
      continue;
    }
    if (claim?.path?.(op, path, value)) continue;
    const ext = findExtension(ctx.resourceType, path);
    if (ext) {
      // The whole extension as the target: `{"op":"add","path":"urn:…:enterprise:2.0:User","value":{…}}`.
      if (op === 'remove') delete working[ext.urn];
      else applyPathless(working, op, { [ext.urn]: value }, ctx);
      continue;
    }
    if (op !== 'remove' && value === undefined)
      throw badRequest('invalidValue', `Operation ${operation.index}: '${op}' requires a 'value'`);
    applyWithPath(working, op, resolvePatchPath(ctx.resourceType, path), value, ctx);
  }
  return working;
}

/** Hooks that let a resource type handle some operations itself (group members). Return true when handled. */
export interface ClaimHooks {
  path?: (op: 'add' | 'remove' | 'replace', path: string, value: unknown) => boolean;
  pathlessKey?: (op: 'add' | 'replace', key: string, value: unknown) => boolean;
}

/**
 * Applies a PatchOp body to a stored user document and returns the new document; the input is not mutated.
 * Pass the stored document (the output of `normalizeUserInput` or of a previous patch), not the rendered resource.
 * Throws `ScimError` 400 (invalidSyntax, invalidPath, noTarget, invalidValue, mutability).
 * The caller enforces `userName` uniqueness (409, catalog RX-20) on the result.
 */
export function applyUserPatch(user: object, body: unknown, options: PatchOptions = {}): Obj {
  const own = (user as Obj).id;
  const id = options.id ?? (typeof own === 'string' ? own : undefined);
  return applyOperations(user, body, { resourceType: 'User', id });
}
