// What the two connectors share about reading upstream answers: bodies parsed with zod (never trusted), the OAuth 2.0
// token bodies both token endpoints send (RFC 6749 §5.1, §5.2), and paging through a list with a safety stop.
import { z } from 'zod';
import type { TargetName } from '../core/connector.js';
import { UpstreamError } from '../core/errors.js';
import type { HttpResponse } from './http-client.js';

/**
 * The body of a 2xx answer, parsed. A body we cannot read means the upstream changed or misbehaved: a transient
 * error, so the job retries later instead of acting on a guess.
 */
export function parseBody<S extends z.ZodType>(
  target: TargetName,
  schema: S,
  response: HttpResponse,
  what: string,
): z.output<S> {
  const parsed = schema.safeParse(response.data);
  if (parsed.success) return parsed.data;
  throw new UpstreamError(
    target,
    'transient',
    `${what}: unexpected response body (${parsed.error.issues.length} issues)`,
  );
}

/** RFC 6749 §5.1 token success body. `expires_in` may come as a number or a numeric string. */
export const oauthTokenSchema = z
  .object({
    access_token: z.string().min(1),
    expires_in: z.coerce.number().positive().optional(),
    token_type: z.string().optional(),
  })
  .loose();

/** RFC 6749 §5.2 error body (e.g. `invalid_grant` for a spent AAC refresh token, docs/reference A.2.2). */
export const oauthErrorSchema = z
  .object({ error: z.string(), error_description: z.string().optional() })
  .loose();

/** Safety stop for paging loops: 1 000 pages of 100 (100 000 groups). */
export const MAX_PAGES = 1_000;
export const PAGE_SIZE = 100;

/**
 * Reads a paged list page after page until `fetchPage` says the page was the last, or MAX_PAGES were read. How a
 * page is asked for and how the end is recognised differ per upstream (offset/count on AAC, page/pageSize that a
 * Server build may ignore): `fetchPage` knows, this loop only collects.
 */
export async function collectPages<T>(
  fetchPage: (pageIndex: number, collected: readonly T[]) => Promise<{ items: T[]; last: boolean }>,
): Promise<T[]> {
  const all: T[] = [];
  for (let page = 0; page < MAX_PAGES; page++) {
    const { items, last } = await fetchPage(page, all);
    all.push(...items);
    if (last) break;
  }
  return all;
}
