// zod schemas for what AAC sends back (docs/reference/upstream-contracts.md Part A). Responses are parsed, never trusted: unknown
// fields pass through untouched, the fields the connector relies on are checked. Where the contract leaves a
// shape open (Part D), every known variant is accepted.
import { z } from 'zod';
import { oauthTokenSchema } from '../responses.js';

/** Person ids are ints in practice, strings in some spec places (A.6.3, A.6.7): normalise to a string. */
const idSchema = z.union([z.number().int(), z.string().min(1)]).transform((id) => String(id));

/** A.2.2 token success body: the OAuth 2.0 body with the rotated refresh token. */
export const tokenResponseSchema = oauthTokenSchema.extend({
  refresh_token: z.string().min(1).optional(),
});

/** RFC 6749 error body (A.2.2: a spent refresh token gives 400 invalid_grant). */
export { oauthErrorSchema as tokenErrorSchema } from '../responses.js';

/** A.6.1 `GET /v4/workspaces/current`. */
export const workspaceSchema = z.object({ id: idSchema }).loose();

/** A.6.3/A.6.4 membership row; status in API (`new/active/suspended`) or UI (`invited/enabled/disabled`) words (D#14). */
const peopleWorkspaceSchema = z
  .object({ workspaceId: idSchema.optional(), status: z.string().optional() })
  .loose();

/** A.6.3 person (only the fields the connector reads). */
export const personSchema = z
  .object({
    id: idSchema,
    email: z.string(),
    name: z.string().nullable().optional(),
    isDisabled: z.boolean().optional(),
    status: z.string().optional(),
    peopleworkspaces: z.array(peopleWorkspaceSchema).optional(),
  })
  .loose();
export type AacPerson = z.infer<typeof personSchema>;

/** A.3 list envelope `{data: [...], count?}`. */
export const personListSchema = z
  .object({ data: z.array(personSchema), count: z.number().optional() })
  .loose();

/** A.6.7 group (list entry or create response). */
export const groupSchema = z.object({ id: idSchema, name: z.string() }).loose();
export type AacGroup = z.infer<typeof groupSchema>;

/** A.6.7 `GET …/groups` answers `{groups: [...], count}`; accept the common `{data: [...]}` envelope too. */
export const groupListSchema = z.union([
  z.object({ groups: z.array(groupSchema), count: z.number().optional() }).loose(),
  z
    .object({ data: z.array(groupSchema), count: z.number().optional() })
    .loose()
    .transform((list) => ({ ...list, groups: list.data })),
]);
