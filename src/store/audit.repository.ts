// The append-only audit trail of SCIM requests. Rows are only ever inserted (no update or delete exists in this
// module); the provisioning runner adds rows of other kinds for the upstream calls a request caused.
import type { Tx } from './database.js';

export interface ScimAuditEntry {
  requestId: string;
  tokenId: string | null;
  method: string;
  /** request path without the query string (a filter may carry personal data; the path never carries a secret) */
  path: string;
  resourceType: 'User' | 'Group';
  resourceId: string;
  status: number;
  /** non-secret details, e.g. the userName or email touched, so auditors can search by email */
  detail?: Record<string, unknown> | undefined;
}

export async function recordScimRequest(tx: Tx, entry: ScimAuditEntry): Promise<void> {
  await tx.auditEvent.create({
    data: {
      requestId: entry.requestId,
      kind: 'scim',
      tokenId: entry.tokenId,
      method: entry.method,
      path: entry.path,
      resourceType: entry.resourceType,
      resourceId: entry.resourceId,
      status: entry.status,
      detail: entry.detail ? JSON.stringify(entry.detail) : null,
    },
  });
}
