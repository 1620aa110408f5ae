// Every open question of docs/reference/upstream-contracts.md Part D about AAC (#1–#20) as a validated setting, so tests can try both sides.
// Keys are the Part D keys without the `aac.` prefix, to keep the link to the contract obvious.
import { z } from 'zod';

const rateLimitRuleSchema = z.object({
  /** HTTP method, or omitted / `*` for any */
  method: z.string().optional(),
  /** route pattern, e.g. `/v4/workspaces/*\/people/batch` (see shared/path-pattern.ts) */
  path: z.string().min(1),
  /** quota name in the 429 details (the spec's example says `runJobGroup`); default `METHOD path-pattern` */
  name: z.string().min(1).optional(),
  /** quota per token subject per minute; omitted = no per-user quota */
  perUserPerMinute: z.number().int().min(1).optional(),
  /** quota per workspace per minute; omitted = no per-workspace quota */
  perWorkspacePerMinute: z.number().int().min(1).optional(),
});
export type AacRateLimitRule = z.infer<typeof rateLimitRuleSchema>;

export const aacSettingsSchema = z
  .object({
    /** #1 access-token lifetime: docs say 5 min now, 1 h before */
    access_token_ttl_s: z.number().int().min(1).default(300),
    /** #2 a used refresh token becomes invalid (400 invalid_grant) */
    refresh_token_rotation: z.boolean().default(true),
    /** #3 a rotated refresh token keeps the first token's absolute expiry, or gets a fresh window */
    refresh_token_expiry_mode: z
      .enum(['absolute_from_first_issue', 'sliding'])
      .default('absolute_from_first_issue'),
    /** lifetime picked at generation (1–365 days, A.2.1); used with #3 */
    refresh_token_ttl_s: z
      .number()
      .int()
      .min(1)
      .default(365 * 86_400),
    /** #4 token endpoint path on the simulator's origin; JWT `iss` = origin + this path minus `/token` */
    token_endpoint_path: z
      .string()
      .regex(/^\/.*\/token$/, 'must start with / and end with /token')
      .default('/as/token'),
    /** #5 the gateway surface (`/iam/v1`) demands the `x-api-project-id` header (Apigee "Invalid ApiKey" fault) */
    require_api_project_id: z.boolean().default(false),
    /** the project id accepted when #5 is on */
    api_project_id: z.string().min(1).default('sim-aac-project'),
    /** #6 which URL families are served; the other answers RouteNotFoundException */
    surfaces: z
      .array(z.enum(['v4', 'iam/v1']))
      .min(1)
      .default(['v4', 'iam/v1']),
    /** #7 page size when `limit` is absent */
    default_limit: z.number().int().min(1).default(25),
    /** #7 largest honoured `limit` (larger values are clamped); null = no cap */
    max_limit: z.number().int().min(1).nullable().default(null),
    /** #8 lists carry `count` even without `includeCount=true` */
    include_count_default: z.boolean().default(false),
    /** #9 `{"data":[{"id":N}],"count":n}` (objects) or `{"data":[N],"count":n}` (ids) */
    invite_response_shape: z.enum(['objects', 'ids']).default('objects'),
    /** #10 status of a successful invite */
    invite_status_code: z.union([z.literal(201), z.literal(200)]).default(201),
    /** #11 inviting an email that is already a member of the workspace */
    invite_existing_member: z.enum(['ignore', 'error400', 'error409']).default('ignore'),
    /** #12 accepted `roles` element forms in invites: all three, or only one of them */
    invite_roles_format: z.enum(['any', 'int', 'policyId', 'id']).default('any'),
    /** #13 pending invitees (status new) appear in people lists without a `status` filter */
    list_includes_pending: z.boolean().default(true),
    /** #14 membership status vocabulary: API (`new/active/suspended`) or UI (`invited/enabled/disabled`) */
    membership_status_values: z.enum(['api', 'ui']).default('api'),
    /** #15 how `email=` and email invites match existing people */
    email_match: z.enum(['case_insensitive', 'case_sensitive']).default('case_insensitive'),
    /** #16 `DELETE …/people/{id}`: 204 without body, or 200 with an array body */
    delete_member_status: z.union([z.literal(204), z.literal(200)]).default(204),
    /** #17 days before a removed email may be invited again to the same workspace (Trifacta rule: 14) */
    reinvite_after_delete_days: z.number().min(0).default(0),
    /** #18 per-endpoint quotas; empty = rate limiting off */
    rate_limits: z.array(rateLimitRuleSchema).default([]),
    /** #18 also send the standard `Retry-After` next to `x-retry-after` */
    rate_limit_standard_retry_after: z.boolean().default(false),
    /** #19 body of 401 answers on the API: AAC exception JSON, or empty */
    error_401_body: z.enum(['exception', 'empty']).default('exception'),
    /** #20 an admin may change another person's `name` via PUT/PATCH …/people/{id} */
    name_update_allowed: z.boolean().default(false),
  })
  .strict();

export type AacSettings = z.output<typeof aacSettingsSchema>;

export function parseAacSettings(input: unknown): AacSettings {
  return aacSettingsSchema.parse(input ?? {});
}

/** Merges a partial update into the current settings and validates the result as a whole. */
export function mergeAacSettings(current: AacSettings, patch: unknown): AacSettings {
  const partial = aacSettingsSchema
    .partial()
    .strict()
    .parse(patch ?? {});
  return aacSettingsSchema.parse({ ...current, ...partial });
}
