// docs/reference/upstream-contracts.md B.4: the API role enum, and the UI labels accepted only when `role_enum_strict` is off (Part D #33).
export const SERVER_ROLES = ['NoAccess', 'Viewer', 'Member', 'Artisan', 'Curator', 'Evaluated'] as const;
export type ServerRole = (typeof SERVER_ROLES)[number];

const UI_LABELS: Record<string, ServerRole> = {
  creator: 'Artisan',
  admin: 'Curator',
  serveradmin: 'Curator',
  curators: 'Curator',
};

/** Enum names match case-insensitively, as Json.NET's enum converter does. */
export function parseRole(value: unknown, strict: boolean): ServerRole | undefined {
  if (typeof value !== 'string') return undefined;
  const lower = value.toLowerCase();
  const role = SERVER_ROLES.find((candidate) => candidate.toLowerCase() === lower);
  if (role) return role;
  return strict ? undefined : UI_LABELS[lower.replace(/\s+/g, '')];
}
