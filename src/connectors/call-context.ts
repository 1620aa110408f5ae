// Helpers for CallContext when one upstream call serves several SCIM requests (micro-batches): the call is
// reported to every caller, so each request's audit trail shows the batch it rode in.
import type { CallContext } from '../core/connector.js';

export function fanOutContext(contexts: readonly CallContext[]): CallContext {
  const first = contexts[0];
  if (contexts.length === 1 && first) return first;
  const requestIds = [...new Set(contexts.map((ctx) => ctx.requestId))];
  return {
    requestId: requestIds.join(','),
    onUpstreamCall: (call) => {
      for (const ctx of contexts) ctx.onUpstreamCall?.(call);
    },
  };
}

/** Runs `work` for each item with at most `limit` running at once; results keep the input order. */
export async function mapWithLimit<I, R>(
  items: readonly I[],
  limit: number,
  work: (item: I) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as I);
    }
  });
  await Promise.all(workers);
  return results;
}
