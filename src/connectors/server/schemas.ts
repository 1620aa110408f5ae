// zod schemas for what Alteryx Server v3 sends back (docs/reference/upstream-contracts.md Part B). Parsed, never trusted; unknown
// fields pass through (a GET-merge-PUT must send back what it received, B.5).
import { z } from 'zod';

/** Ids are strings (B.3); tolerate numbers. */
const idSchema = z.union([z.string().min(1), z.number()]).transform((id) => String(id));

/** B.2 client-credentials token response: the plain OAuth 2.0 body. */
export {
  oauthTokenSchema as tokenResponseSchema,
  oauthErrorSchema as tokenErrorSchema,
} from '../responses.js';

/** B.5 UserView (full) or ReducedUserView: the fields the connector reads. */
export const userSchema = z
  .object({
    id: idSchema,
    email: z.string(),
    firstName: z.string().nullable().optional(),
    lastName: z.string().nullable().optional(),
    role: z.string().optional(),
    isActive: z.boolean().optional(),
  })
  .loose();
export type ServerUser = z.infer<typeof userSchema>;

/** B.5 `GET /v3/users` answers a bare array. */
export const userListSchema = z.array(userSchema);

/** B.6 ReducedUserGroupView / UserGroupView. */
export const groupSchema = z
  .object({
    id: idSchema,
    name: z.string(),
    role: z.string().optional(),
    members: z
      .array(z.object({ userId: idSchema.nullable().optional() }).loose())
      .nullable()
      .optional(),
  })
  .loose();
export type ServerGroup = z.infer<typeof groupSchema>;

export const groupListSchema = z.array(groupSchema);

/** B.6 `POST /v3/usergroups` answers the new id as a JSON string; accept `{id}` too. */
export const createdGroupSchema = z.union([
  z.string().min(1),
  z
    .object({ id: idSchema })
    .loose()
    .transform((group) => group.id),
]);

/** B.6 UserGroupAddedUsersView. */
export const addedUsersSchema = z
  .object({
    successfullyAddedUserCount: z.number().optional(),
    totalUsersSubmittedCount: z.number().optional(),
    failedUserReasons: z.record(z.string(), z.unknown()).nullable().optional(),
  })
  .loose();

/** B.5 `POST /v3/users/{id}/deactivate`: the usergroup ids the user was removed from (empty body = none). */
export const deactivatedSchema = z
  .union([z.array(idSchema), z.undefined(), z.null()])
  .transform((ids) => ids ?? []);
