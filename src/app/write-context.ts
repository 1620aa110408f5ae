// The context every SCIM write carries, and how a write settles with the upstream targets (ADR 0003): the response
// waits for the upstream work up to a deadline; a permanent rejection is undone here and answered as a SCIM error;
// work still retrying at the deadline stays queued and visible, and the IdP gets its success answer.
import { UpstreamRejected } from './errors.js';
import type { ProvisioningGateway } from './provisioning-gateway.js';

export interface WriteContext {
  requestId: string;
  tokenId: string | null;
  /** the request path, for the audit row */
  path: string;
  baseUrl: string;
}

export async function settleUpstream(
  provisioning: ProvisioningGateway,
  ctx: WriteContext,
  deadlineMs: number,
  undo: () => Promise<void>,
): Promise<void> {
  if (provisioning.targets.length === 0) return;
  const outcome = await provisioning.awaitRequest(ctx.requestId, deadlineMs);
  if (outcome.state !== 'rejected') return;
  await undo();
  throw new UpstreamRejected(provisioning.labelOf(outcome.target), outcome.status, outcome.message);
}
