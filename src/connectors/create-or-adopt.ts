// Creating an upstream object is not idempotent, so the HTTP client does not repeat a create after an ambiguous
// failure (5xx, timeout, dropped connection): the object may exist now. Instead the connector looks it up by its
// natural key (email, group name). Found: adopt it. Not found: the create did not happen, so one more create is
// safe. A refused create (400/409, e.g. "name already taken" by a concurrent writer) is also resolved by lookup.
import { UpstreamError } from '../core/errors.js';

export interface CreateOrAdoptSteps<T> {
  create(): Promise<T>;
  lookup(): Promise<T | undefined>;
}

export type CreateOrAdoptResult<T> = { value: T; via: 'created' | 'adopted' };

const CREATE_ROUNDS = 2;

export async function createOrAdopt<T>(steps: CreateOrAdoptSteps<T>): Promise<CreateOrAdoptResult<T>> {
  let lastError: unknown;
  for (let round = 1; round <= CREATE_ROUNDS; round++) {
    try {
      return { value: await steps.create(), via: 'created' };
    } catch (error) {
      if (!isResolvableByLookup(error)) throw error;
      lastError = error;
      const found = await steps.lookup();
      if (found !== undefined) return { value: found, via: 'adopted' };
      // A refusal that lookup cannot explain will not change on a second try.
      if (error.kind === 'rejected') throw error;
    }
  }
  throw lastError;
}

function isResolvableByLookup(error: unknown): error is UpstreamError {
  return error instanceof UpstreamError && (error.kind === 'rejected' || error.kind === 'transient');
}
