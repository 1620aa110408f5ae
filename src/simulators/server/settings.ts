// Every open question of docs/reference/upstream-contracts.md Part D about Alteryx Server (#21–#33) as a validated setting.
// Keys are the Part D keys without the `server.` prefix.
import { z } from 'zod';

export const serverSettingsSchema = z
  .object({
    /** #21 the "Web API Address" path; the v3 API is at `{base_path}/v3`, the token endpoint at `{base_path}/oauth2/token` */
    base_path: z
      .string()
      .regex(/^\/[^?#]*[^/?#]$/, 'must start with / and not end with /')
      .default('/webapi'),
    /** #22 where client credentials may travel: Basic header, form body, or both */
    token_auth_style: z.enum(['both', 'basic', 'form']).default('both'),
    /** #23 bearer token lifetime (`expires_in` is reported one second short, like OWIN: 3599) */
    token_ttl_s: z.number().int().min(2).default(3600),
    /** #24 list view when `view` is absent; `legacy_verbose` = older builds: `view` ignored, `verbose=true` gives Full */
    list_view_default: z.enum(['Default', 'Full', 'legacy_verbose']).default('Default'),
    /** #25 lists are unpaged (page params ignored), or honour `page`/`pageSize` (default 25, max 100) */
    pagination: z.enum(['none', 'page']).default('none'),
    /** #26 status of a successful `POST /v3/users` */
    create_status_code: z.union([z.literal(200), z.literal(201)]).default(200),
    /** #27 creating or updating a user to an email another user has */
    duplicate_email: z.enum(['reject', 'allow']).default('reject'),
    /** #28 `PUT /v3/users/{id}` rejects a body missing any non-DCM field (otherwise missing fields keep their value) */
    put_requires_all_fields: z.boolean().default(true),
    /** #29 status of a refused hard delete (user owns assets or is in a group) */
    delete_user_with_assets_or_groups: z.union([z.literal(400), z.literal(409)]).default(400),
    /** #30 authentication type: `saml` refuses passwordReset, `windows` refuses passwordReset and POST /v3/users */
    auth_mode: z.enum(['builtin', 'saml', 'windows']).default('builtin'),
    /** #31 status for a non-Curator token on the user and usergroup endpoints */
    non_curator_status: z.union([z.literal(403), z.literal(401)]).default(403),
    /** #32 user ids that `POST /v3/usergroups/{id}/users` reports in `failedUserReasons` */
    add_users_fail_ids: z.array(z.string()).default([]),
    /** #33 only the API role enum is accepted; when false the UI labels Creator/Admin/ServerAdmin are mapped */
    role_enum_strict: z.boolean().default(true),
  })
  .strict();

export type ServerSettings = z.output<typeof serverSettingsSchema>;

export function parseServerSettings(input: unknown): ServerSettings {
  return serverSettingsSchema.parse(input ?? {});
}

export function mergeServerSettings(current: ServerSettings, patch: unknown): ServerSettings {
  const partial = serverSettingsSchema
    .partial()
    .strict()
    .parse(patch ?? {});
  return serverSettingsSchema.parse({ ...current, ...partial });
}
