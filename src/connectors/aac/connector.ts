// The AAC Connector: provisioning rules of BRIDGE-INTERFACE.md ("What a SCIM operation does upstream", AAC
// column) on top of AacApi. Invites and (un)suspends are micro-batched: calls arriving within a short window
// share one upstream batch call, and each caller gets its own result back.
import type {
  CallContext,
  Connector,
  EnsureUserResult,
  MemberChangeResult,
  RemoveUserResult,
  UpdateUserResult,
  UserSnapshot,
} from '../../core/connector.js';
import { UpstreamError } from '../../core/errors.js';
import { chunk, fanOutContext, mapWithLimit } from '../call-context.js';
import type { HttpClient } from '../http-client.js';
import { createOrAdopt } from '../create-or-adopt.js';
import { KeyedMutex } from '../keyed-mutex.js';
import { silentLogger, type LoggerLike } from '../logger.js';
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
  maxBatchSize: number;
  logger?: LoggerLike | undefined;
}

interface EnsureItem {
  user: UserSnapshot;
  ctx: CallContext;
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
/** Parallel look-ups after a batch invite; the HttpClient's rate limit applies underneath. */
const LOOKUP_CONCURRENCY = 8;

export class AacConnector implements Connector {
  readonly target = 'aac' as const;
  private readonly api: AacApi;
  private readonly logger: LoggerLike;
  private readonly perEmail = new KeyedMutex();
  private readonly perGroupName = new KeyedMutex();
  private readonly ensures: MicroBatcher<EnsureItem, EnsureUserResult>;
  private readonly suspends: MicroBatcher<SuspendItem, void>;
  private readonly unsuspends: MicroBatcher<SuspendItem, void>;

  constructor(private readonly parts: AacConnectorParts) {
    this.api = parts.api;
    this.logger = parts.logger ?? silentLogger;
    const window = { windowMs: parts.batchWindowMs, maxBatchSize: parts.maxBatchSize };
    this.ensures = new MicroBatcher({ ...window, send: (items) => this.sendEnsures(items) });
    this.suspends = new MicroBatcher({ ...window, send: (items) => this.sendSuspension(items, true) });
    this.unsuspends = new MicroBatcher({ ...window, send: (items) => this.sendSuspension(items, false) });
  }

  /**
   * Find by email → adopt ("linked", unsuspended when the SCIM user is active), else invite and find the new
   * person id by email (never trusting the invite response, A.6.4). Calls arriving within the batch window are
   * handled together, so their invites share one batch call. Serialised per email in this process.
   */
  ensureUser(user: UserSnapshot, ctx: CallContext): Promise<EnsureUserResult> {
    return this.perEmail.run(user.email.toLowerCase(), () => this.ensures.add({ user, ctx }));
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
    await this.ensures.close();
    await Promise.all([this.suspends.close(), this.unsuspends.close()]);
    await this.parts.http.close();
  }

  /** Look-ups for the whole batch, one invite call for all who are missing, then each caller's own follow-up. */
  private async sendEnsures(items: EnsureItem[]): Promise<Array<BatchItemResult<EnsureUserResult>>> {
    const lookups = await mapWithLimit(items, LOOKUP_CONCURRENCY, (item) =>
      settle(this.api.findMemberByEmail(item.user.email, item.ctx)),
    );
    const missing = items.filter((_item, i) => {
      const found = lookups[i];
      return found?.ok === true && found.value === undefined;
    });
    const invited =
      missing.length > 0
        ? await this.sendInvites(missing.map((item) => ({ email: item.user.email, ctx: item.ctx })))
        : [];
    const invitedByItem = new Map(missing.map((item, i) => [item, invited[i]]));
    return Promise.all(
      items.map(async (item, i): Promise<BatchItemResult<EnsureUserResult>> => {
        const lookup = lookups[i];
        if (!lookup || !lookup.ok) return { ok: false, error: lookup?.error };
        try {
          if (lookup.value) return { ok: true, value: await this.adopt(lookup.value, item) };
          const invite = invitedByItem.get(item);
          if (!invite || !invite.ok) return { ok: false, error: invite?.error };
          // BRIDGE-INTERFACE: AAC only hears about active users; if asked anyway, keep the invitee suspended.
          if (!item.user.active) await this.suspends.add({ personId: invite.value, ctx: item.ctx });
          return { ok: true, value: { upstreamId: invite.value, outcome: 'invited' } };
        } catch (error) {
          return { ok: false, error };
        }
      }),
    );
  }

  private async adopt(person: AacPerson, item: EnsureItem): Promise<EnsureUserResult> {
    const ws = await this.api.workspace(item.ctx);
    if (item.user.active && membershipState(person, ws) === 'suspended') {
      await this.unsuspends.add({ personId: person.id, ctx: item.ctx });
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
          { target: 'aac', batchSize: items.length },
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
        const person = await this.api.findMemberByEmail(item.email, item.ctx);
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

async function settle<T>(promise: Promise<T>): Promise<BatchItemResult<T>> {
  try {
    return { ok: true, value: await promise };
  } catch (error) {
    return { ok: false, error };
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
