// Read-only queries for auditors (the `mappings` and `audit` CLI commands): who was provisioned where, and what
// happened upstream for a person, a resource or a request. No secret is stored in these tables to begin with.
import type { DatabaseHandle } from '../database.js';

export interface MappingFilter {
  email?: string | undefined;
  target?: string | undefined;
  state?: string | undefined;
  resourceType?: string | undefined;
  limit?: number | undefined;
}

export interface MappingReportRow {
  resourceType: string;
  scimId: string;
  target: string;
  state: string;
  upstreamId: string | null;
  email: string | null;
  displayName: string | null;
  reason: string | null;
  createdAt: Date;
  updatedAt: Date;
}

const MAPPING_SELECT = {
  resourceType: true,
  scimId: true,
  target: true,
  state: true,
  upstreamId: true,
  email: true,
  displayName: true,
  reason: true,
  createdAt: true,
  updatedAt: true,
} as const;

export async function listMappings(
  handle: DatabaseHandle,
  filter: MappingFilter,
): Promise<MappingReportRow[]> {
  return handle.db.idMapping.findMany({
    where: {
      ...(filter.email ? { email: filter.email.toLowerCase() } : {}),
      ...(filter.target ? { target: filter.target } : {}),
      ...(filter.state ? { state: filter.state } : {}),
      ...(filter.resourceType ? { resourceType: filter.resourceType } : {}),
    },
    orderBy: [{ email: 'asc' }, { scimId: 'asc' }, { target: 'asc' }],
    take: filter.limit ?? 100_000,
    select: MAPPING_SELECT,
  });
}

export interface MappingDetail {
  mappings: Array<MappingReportRow & { lastPushed: unknown; extra: unknown }>;
  jobs: Array<{
    id: number;
    requestId: string;
    target: string;
    state: string;
    attempts: number;
    runAfter: Date;
    lastError: string | null;
    lastStatus: number | null;
    createdAt: Date;
  }>;
  memberSyncs: Array<{ target: string; state: string; count: number }>;
}

function parseJson(text: string | null): unknown {
  if (text === null) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** Everything about one resource, found by SCIM id or by (user) email. Null when nothing matches. */
export async function showMapping(handle: DatabaseHandle, idOrEmail: string): Promise<MappingDetail | null> {
  const { db } = handle;
  const rows = await db.idMapping.findMany({
    where: { OR: [{ scimId: idOrEmail }, { email: idOrEmail.toLowerCase() }] },
    orderBy: [{ scimId: 'asc' }, { target: 'asc' }],
    select: { ...MAPPING_SELECT, lastPushed: true, extra: true },
  });
  if (rows.length === 0) return null;
  const scimIds = [...new Set(rows.map((r) => r.scimId))];
  const jobs = await db.provisioningJob.findMany({
    where: { scimId: { in: scimIds } },
    orderBy: { id: 'desc' },
    take: 50,
    select: {
      id: true,
      requestId: true,
      target: true,
      state: true,
      attempts: true,
      runAfter: true,
      lastError: true,
      lastStatus: true,
      createdAt: true,
    },
  });
  const syncs = await db.memberSync.groupBy({
    by: ['target', 'state'],
    where: { OR: [{ groupId: { in: scimIds } }, { userId: { in: scimIds } }] },
    _count: { _all: true },
  });
  return {
    mappings: rows.map((r) => ({ ...r, lastPushed: parseJson(r.lastPushed), extra: parseJson(r.extra) })),
    jobs,
    memberSyncs: syncs.map((s) => ({ target: s.target, state: s.state, count: s._count._all })),
  };
}

export interface AuditFilter {
  email?: string | undefined;
  resourceId?: string | undefined;
  requestId?: string | undefined;
  kind?: string | undefined;
  target?: string | undefined;
  since?: Date | undefined;
  until?: Date | undefined;
  limit?: number | undefined;
}

export interface AuditReportRow {
  id: number;
  at: Date;
  requestId: string;
  kind: string;
  target: string | null;
  resourceType: string | null;
  resourceId: string | null;
  method: string | null;
  path: string | null;
  status: number | null;
  durationMs: number | null;
  attempt: number | null;
  tokenId: string | null;
  detail: string | null;
}

/**
 * Audit events, oldest first. `email` finds the person's resource ids through the id mappings (which outlive the
 * SCIM user) and the SCIM store, so a deleted user's trail is still found.
 */
export async function listAuditEvents(
  handle: DatabaseHandle,
  filter: AuditFilter,
): Promise<AuditReportRow[]> {
  const { db } = handle;
  let resourceIds: string[] | undefined;
  if (filter.email) {
    const email = filter.email.toLowerCase();
    const [mapped, users] = await Promise.all([
      db.idMapping.findMany({ where: { email }, select: { scimId: true } }),
      db.scimUser.findMany({ where: { emailLower: email }, select: { id: true } }),
    ]);
    resourceIds = [...new Set([...mapped.map((m) => m.scimId), ...users.map((u) => u.id)])];
    if (filter.resourceId) resourceIds = resourceIds.filter((id) => id === filter.resourceId);
  } else if (filter.resourceId) {
    resourceIds = [filter.resourceId];
  }
  return db.auditEvent.findMany({
    where: {
      ...(resourceIds ? { resourceId: { in: resourceIds } } : {}),
      ...(filter.requestId ? { requestId: filter.requestId } : {}),
      ...(filter.kind ? { kind: filter.kind } : {}),
      ...(filter.target ? { target: filter.target } : {}),
      ...(filter.since || filter.until
        ? {
            at: {
              ...(filter.since ? { gte: filter.since } : {}),
              ...(filter.until ? { lt: filter.until } : {}),
            },
          }
        : {}),
    },
    orderBy: [{ at: 'asc' }, { id: 'asc' }],
    take: filter.limit ?? 100_000,
  });
}
