// Reads the SCIM store's rows as the provisioning core sees them (canonical snapshots, SCIM-agnostic).
import { z } from 'zod';
import type { UserSnapshot } from '../../core/connector.js';

const emailSchema = z.object({
  value: z.string().optional(),
  primary: z.union([z.boolean(), z.string()]).optional(),
});
const userDataSchema = z.object({
  emails: z.array(z.unknown()).optional(),
  name: z
    .object({ givenName: z.unknown().optional(), familyName: z.unknown().optional() })
    .loose()
    .optional(),
});

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

/** docs/reference/bridge-interface.md: "the primary `emails` value, else the first `emails` value, else `userName`". */
export function upstreamEmail(data: unknown, userName: string): string {
  const parsed = userDataSchema.safeParse(data);
  const emails = (parsed.success ? (parsed.data.emails ?? []) : [])
    .map((e) => emailSchema.safeParse(e))
    .flatMap((r) => (r.success && text(r.data.value) ? [r.data] : []));
  const primary = emails.find(
    (e) => e.primary === true || (typeof e.primary === 'string' && e.primary.toLowerCase() === 'true'),
  );
  return (primary ?? emails[0])?.value ?? userName;
}

export function toUserSnapshot(row: {
  id: string;
  userName: string;
  displayName: string | null;
  active: boolean;
  data: string;
}): UserSnapshot {
  let data: unknown = {};
  try {
    data = JSON.parse(row.data);
  } catch {
    // a corrupt row still provisions by userName
  }
  const parsed = userDataSchema.safeParse(data);
  const name = parsed.success ? parsed.data.name : undefined;
  return {
    scimId: row.id,
    email: upstreamEmail(data, row.userName),
    givenName: text(name?.givenName),
    familyName: text(name?.familyName),
    displayName: row.displayName ?? undefined,
    active: row.active,
  };
}
