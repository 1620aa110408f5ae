// The AAC Connector: provisioning rules of docs/reference/bridge-interface.md ("What a SCIM operation does upstream", AAC
// column) on top of AacApi. Invites and (un)suspends are micro-batched: calls arriving within a short window
// share one upstream batch call, and each caller gets its own result back.
import type {
  CallContext,
  Connector,
  ConnectorTraits,
  EnsureUserResult,
  MemberChangeResult,
  RemoveUserResult,
  UpdateUserResult,
  UserSnapshot,
} from '../../core/connector.js';
import { UpstreamError } from '../../core/errors.js';
import { chunk } from '../../shared/collections.js';
import { fanOutContext, mapWithLimit } from '../call-context.js';
import type { HttpClient } from '../http-client.js';
import { createOrAdopt } from '../create-or-adopt.js';
import { KeyedMutex } from '../../shared/mutex.js';
import { silentLogger, type LoggerLike } from '../../shared/log.js';
import { MicroBatcher, type BatchItemResult } from '../micro-batcher.js';
import type { AacApi } from './aac-api.js';
import { membershipState, unpropagatedChanges } from './mapper.js';
import type { AacPerson } from './schemas.js';
import type { AacTokenProvider } from './token-provider.js';

export interface AacConnectorParts {
  api: AacApi;
  http: HttpClient;
  tokens: AacTokenProvider;
  batchWindowMs: number;
  /** the batch window while batches keep coming (MicroBatcher) */
  busyBatchWindowMs: number;
  maxBatchSize: number;
  logger?: LoggerLike | undefined;
}

interface InviteItem {
  email: string;
  ctx: CallContext;
}
interface SuspendItem {
  personId: string;
  ctx: CallContext;
}

/** Query-string length stays far below common URL limits (A.6.7 sends member ids in the query). */
const MEMBER_IDS_PER_CALL = 50;
/** Parallel look-ups after a batch invite; the HttpClient's rate limit and concurrency cap apply underneath. */
const LOOKUP_CONCURRENCY = 32;

/** docs/reference/bridge-interface.md, AAC column (docs/reference/bridge-interface.md). */
export const AAC_TRAITS: ConnectorTraits = {
  label: 'Alteryx Analytics Cloud',
  provisionsInactiveUsers: false,
  // A.6.3: admins cannot change a person's name or email.
  nameChanges: 'not-propagated',
  linkedUserBaseline: 'scim-state',
  // A.6.5: a suspension keeps the person's group memberships.
  deactivationDropsMemberships: false,
  deprovisioning: 'remove-from-workspace',
};

export class AacConnector implements Connector {
  readonly target = 'aac' as const;
  readonly traits = AAC_TRAITS;
  private readonly api: AacApi;
  private readonly logger: LoggerLike;
  private readonly perEmail = new KeyedMutex();
  private readonly perGroupName = new KeyedMutex();
  private readonly invites: MicroBatcher<InviteItem, string>;
  private readonly suspends: MicroBatcher<SuspendItem, void>;
  private readonly unsuspends: MicroBatcher<SuspendItem, void>;

  constructor(private readonly parts: AacConnectorParts) {
    this.api = parts.api;
    this.logger = parts.logger ?? silentLogger;
    const window = {
      windowMs: parts.batchWindowMs,
      busyWindowMs: parts.busyBatchWindowMs,
      maxBatchSize: parts.maxBatchSize,
    };
    this.invites = new MicroBatcher({ ...window, send: (items) => this.sendInvites(items) });
    this.suspends = new MicroBatcher({ ...window, send: (items) => this.sendSuspension(items, true) });
    this.unsuspends = new MicroBatcher({ ...window, send: (items) => this.sendSuspension(items, false) });
  }

  /**
   * Find by email → adopt ("linked", unsuspended when the SCIM user is active), else invite and find the new
   * person id by email (never trusting the invite response, A.6.4). Invites arriving within the batch window
   * share one batch call. Serialised per email in this process.
   */
  ensureUser(user: UserSnapshot, ctx: CallContext): Promise<EnsureUserResult> {
    return this.perEmail.run(user.email.toLowerCase(), async () => {
      const existing = await this.findMember(user.email, ctx);
      if (existing) return this.adopt(existing, user, ctx);
      const personId = await this.invites.add({ email: user.email, ctx });
      // docs/reference/bridge-interface.md: AAC only hears about active users; if asked anyway, keep the invitee suspended.
      if (!user.active) await this.suspends.add({ personId, ctx });
      return { upstreamId: personId, outcome: 'invited' };
    });
  }

  /** A.6.3: admins cannot change a person's name or email; report what could not be propagated. */
  async updateUser(upstreamId: string, user: UserSnapshot, ctx: CallContext): Promise<UpdateUserResult> {
    const person = await this.api.getPerson(upstreamId, ctx);
    const changes = unpropagatedChanges(person, user);
    if (changes.length === 0) return { outcome: 'unchanged' };
    return {
      outcome: 'not-propagated',
      reason: `AAC does not let admins change ${changes.join(' or ')} of a person (CONTRACTS A.6.3)`,
    };
  }

  /** Suspend keeps the person's group memberships, so nothing needs restoring later. */
  async deactivateUser(upstreamId: string, ctx: CallContext): Promise<RemoveUserResult> {
    await this.suspends.add({ personId: upstreamId, ctx });
    return { removedGroupIds: [] };
  }

  async reactivateUser(upstreamId: string, _user: UserSnapshot, ctx: CallContext): Promise<void> {
    await this.unsuspends.add({ personId: upstreamId, ctx });
  }

  /** Removes the workspace membership (the AAC account itself stays, A.6.5). Already removed = done. */
  async removeUser(upstreamId: string, ctx: CallContext): Promise<RemoveUserResult> {
    await this.api.removeMember(upstreamId, ctx);
    return { removedGroupIds: [] };
  }

  /** Adopt a group with that name, else create it. A failed or ambiguous create is resolved by looking again. */
  ensureGroup(name: string, ctx: CallContext): Promise<{ upstreamId: string }> {
    return this.perGroupName.run(name.toLowerCase(), async () => {
      const existing = await this.api.findGroupByName(name, ctx);
      if (existing) return { upstreamId: existing.id };
      const { value } = await createOrAdopt({
        create: () => this.api.createGroup(name, ctx),
        lookup: () => this.api.findGroupByName(name, ctx),
      });
      return { upstreamId: value.id };
    });
  }

  async renameGroup(upstreamId: string, name: string, ctx: CallContext): Promise<void> {
    await this.api.renameGroup(upstreamId, name, ctx);
  }

  async deleteGroup(upstreamId: string, ctx: CallContext): Promise<void> {
    await this.api.deleteGroup(upstreamId, ctx);
  }

  /**
   * A.6.7 add users. AAC refuses the whole call when one id is not a workspace member; such a chunk is retried
   * id by id so that only the refused ids are reported as failed.
   */
  async addMembers(
    groupUpstreamId: string,
    userUpstreamIds: string[],
    ctx: CallContext,
  ): Promise<MemberChangeResult> {
    const failed: MemberChangeResult['failed'] = [];
    for (const ids of chunk(unique(userUpstreamIds), MEMBER_IDS_PER_CALL)) {
      try {
        await this.api.addGroupUsers(groupUpstreamId, ids, ctx);
      } catch (error) {
        if (!isRejected(error) || ids.length === 1) {
          if (isRejected(error) && ids[0] !== undefined) {
            failed.push({ upstreamUserId: ids[0], reason: (error as Error).message });
            continue;
          }
          throw error;
        }
        for (const id of ids) {
          try {
            await this.api.addGroupUsers(groupUpstreamId, [id], ctx);
          } catch (single) {
            if (!isRejected(single)) throw single;
            failed.push({ upstreamUserId: id, reason: (single as Error).message });
          }
        }
      }
    }
    return { failed };
  }

  async removeMembers(groupUpstreamId: string, userUpstreamIds: string[], ctx: CallContext): Promise<void> {
    for (const ids of chunk(unique(userUpstreamIds), MEMBER_IDS_PER_CALL)) {
      await this.api.removeGroupUsers(groupUpstreamId, ids, ctx);
    }
  }

  /** Proves a token can be obtained and the workspace answers. */
  async checkReady(ctx: CallContext): Promise<void> {
    await this.parts.tokens.getAccessToken(ctx);
    await this.api.currentWorkspace(ctx);
  }

  async close(): Promise<void> {
    await this.invites.close();
    await Promise.all([this.suspends.close(), this.unsuspends.close()]);
    await this.parts.http.close();
  }

  /**
   * Finds a workspace member by email. Whether pending invitees appear in the unfiltered people list is open
   * (Part D #13), so at first a miss is retried with `status=new`. Once a fresh invitee has been seen in the
   * unfiltered list, this workspace is known to list them and the retry is skipped before an invite (one call less
   * per new user); after an invite it is always made, so an invitee is found whatever the workspace does.
   */
  private async findMember(
    email: string,
    ctx: CallContext,
    afterInvite = false,
  ): Promise<AacPerson | undefined> {
    const listed = await this.api.findListedMember(email, ctx);
    if (listed) {
      if (afterInvite && this.pendingInviteesListed === undefined) {
        if (membershipState(listed, await this.api.workspace(ctx)) === 'invited')
          this.pendingInviteesListed = true;
      }
      return listed;
    }
    if (this.pendingInviteesListed === true && !afterInvite) return undefined;
    const invited = await this.api.findInvitedMember(email, ctx);
    if (invited) this.pendingInviteesListed = false;
    return invited;
  }

  /** Part D #13 as observed on this workspace; undefined until an invitee was looked up. */
  private pendingInviteesListed: boolean | undefined;

  private async adopt(person: AacPerson, user: UserSnapshot, ctx: CallContext): Promise<EnsureUserResult> {
    const ws = await this.api.workspace(ctx);
    if (user.active && membershipState(person, ws) === 'suspended') {
      await this.unsuspends.add({ personId: person.id, ctx });
    }
    return { upstreamId: person.id, outcome: 'linked' };
  }

  /**
   * One batch invite for many callers, then a look-up per email. If AAC refuses the batch (one bad address,
   * or an existing member under Part D #11 error400/409), each email is retried alone so the refusal reaches
   * only its own caller. After a transient failure the look-up still runs: the invite may have gone through.
   */
  private async sendInvites(items: InviteItem[]): Promise<Array<BatchItemResult<string>>> {
    const ctx = fanOutContext(items.map((item) => item.ctx));
    let inviteError: unknown;
    try {
      await this.api.invite(
        items.map((item) => item.email),
        ctx,
      );
    } catch (error) {
      if (isRejected(error) && items.length > 1) {
        this.logger.info(
          { target: 'aac', requestId: ctx.requestId, batchSize: items.length },
          'batch invite refused; inviting one by one',
        );
        return mapWithLimit(items, LOOKUP_CONCURRENCY, async (item) =>
          firstResult(await this.sendInvites([item])),
        );
      }
      inviteError = error;
    }
    return mapWithLimit(items, LOOKUP_CONCURRENCY, async (item): Promise<BatchItemResult<string>> => {
      try {
        const person = await this.findMember(item.email, item.ctx, true);
        if (person) return { ok: true, value: person.id };
        const error =
          inviteError ??
          new UpstreamError(
            'aac',
            'transient',
            `invited ${item.email} but the workspace does not list the person yet`,
          );
        return { ok: false, error };
      } catch (lookupError) {
        return { ok: false, error: inviteError ?? lookupError };
      }
    });
  }

  /** One suspend/unsuspend call for many callers; a refused batch is split so each id gets its own answer. */
  private async sendSuspension(
    items: SuspendItem[],
    suspended: boolean,
  ): Promise<Array<BatchItemResult<void>>> {
    const ctx = fanOutContext(items.map((item) => item.ctx));
    try {
      await this.api.setSuspended(unique(items.map((item) => item.personId)), suspended, ctx);
      return items.map(() => ({ ok: true, value: undefined }));
    } catch (error) {
      const only = items.length === 1 ? items[0] : undefined;
      if (only && isRejected(error))
        return [{ ok: false, error: await explainRefusalOf(this.api, only, error) }];
      if (!isRejected(error) || only) return items.map(() => ({ ok: false, error }));
      return mapWithLimit(items, LOOKUP_CONCURRENCY, async (item) =>
        firstResult(await this.sendSuspension([item], suspended)),
      );
    }
  }
}

/**
 * AAC answers 400 (not 404) when a suspend names someone who is no longer a workspace member (A.6.5). Tell the
 * core "not-found" in that case, so it can treat the mapping as stale instead of as a bad request.
 */
async function explainRefusalOf(api: AacApi, item: SuspendItem, refusal: unknown): Promise<unknown> {
  try {
    await api.getPerson(item.personId, item.ctx);
    return refusal;
  } catch (lookupError) {
    if (lookupError instanceof UpstreamError && lookupError.kind === 'not-found') {
      return new UpstreamError(
        'aac',
        'not-found',
        `person ${item.personId} is not a member of the workspace`,
        404,
      );
    }
    return refusal;
  }
}

function firstResult<R>(results: Array<BatchItemResult<R>>): BatchItemResult<R> {
  return results[0] ?? { ok: false, error: new Error('empty batch result') };
}

function isRejected(error: unknown): boolean {
  return error instanceof UpstreamError && error.kind === 'rejected';
}

function unique(ids: string[]): string[] {
  return [...new Set(ids)];
}
