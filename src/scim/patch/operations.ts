/**
 * PatchOp request validation (RFC 7644 §3.5.2): the message URN, a non-empty `Operations` array, and `op` values
 * compared case-insensitively (Entra sends `Add`/`Replace`/`Remove`, catalog EN-27). Key order does not matter (EN-13).
 */
import { badRequest } from '../errors.js';
import { URN } from '../schemas.js';
import { isJsonObject as isObj } from '../values.js';

export type PatchOpName = 'add' | 'remove' | 'replace';

export interface PatchOperation {
  op: PatchOpName;
  /** Absent for path-less operations (the target is the resource itself, §3.5.2.1/.3). */
  path?: string;
  /** `undefined` when the operation had no `value` member. */
  value?: unknown;
  /** 1-based position, for error details. */
  index: number;
}

/** Returns the operations or throws 400 invalidSyntax / invalidValue (catalog RX-17, RX-21). */
export function parsePatchBody(body: unknown): PatchOperation[] {
  if (!isObj(body)) throw badRequest('invalidSyntax', 'The PATCH body must be a JSON object');
  const schemas = body.schemas;
  if (
    !Array.isArray(schemas) ||
    !schemas.some((s) => typeof s === 'string' && s.toLowerCase() === URN.PatchOp.toLowerCase())
  )
    throw badRequest('invalidSyntax', `'schemas' must contain ${URN.PatchOp}`);
  // Attribute names are case-insensitive (RFC 7643 §2.1), so accept `operations` too.
  const key = Object.keys(body).find((k) => k.toLowerCase() === 'operations');
  const operations = key === undefined ? undefined : body[key];
  if (!Array.isArray(operations) || operations.length === 0)
    throw badRequest('invalidSyntax', "'Operations' must be a non-empty array of PATCH operations");
  return operations.map((raw, i) => {
    const index = i + 1;
    if (!isObj(raw)) throw badRequest('invalidSyntax', `Operation ${index} must be an object`);
    const field = (name: string): unknown => {
      const k = Object.keys(raw).find((x) => x.toLowerCase() === name);
      return k === undefined ? undefined : raw[k];
    };
    const opRaw = field('op');
    const op = typeof opRaw === 'string' ? opRaw.toLowerCase() : '';
    if (op !== 'add' && op !== 'remove' && op !== 'replace')
      throw badRequest(
        'invalidSyntax',
        `Operation ${index}: 'op' must be add, remove or replace, found ${JSON.stringify(opRaw ?? null)}`,
      );
    const path = field('path');
    if (path !== undefined && path !== null && typeof path !== 'string')
      throw badRequest('invalidPath', `Operation ${index}: 'path' must be a string`);
    const hasValue = Object.keys(raw).some((k) => k.toLowerCase() === 'value');
    const operation: PatchOperation = { op, index };
    if (typeof path === 'string' && path.trim() !== '') operation.path = path.trim();
    if (hasValue) operation.value = field('value');
    return operation;
  });
}
