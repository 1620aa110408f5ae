// The AAC v4 REST calls the connector needs (docs/reference/upstream-contracts.md A.6), one method each, responses parsed with zod.
// No provisioning rules here: those live in connector.ts.
import type { CallContext } from '../../core/connector.js';
import type { HttpClient, HttpResponse } from '../http-client.js';
import { collectPages, PAGE_SIZE, parseBody } from '../responses.js';
import { SingleFlight } from '../single-flight.js';
import {
  groupListSchema,
  groupSchema,
  personListSchema,
  personSchema,
  workspaceSchema,
  type AacGroup,
  type AacPerson,
} from './schemas.js';
import type { z } from 'zod';

export class AacApi {
  private workspaceId: string | undefined;
  private readonly discovery = new SingleFlight<string>();

  constructor(
    private readonly http: HttpClient,
    configuredWorkspaceId: string | undefined,
  ) {
    this.workspaceId = configuredWorkspaceId;
  }

  /** A.6.1: the configured workspace, else the token's current workspace (discovered once). */
  async workspace(ctx: CallContext): Promise<string> {
    if (this.workspaceId !== undefined) return this.workspaceId;
    const id = await this.discovery.run(async () => (await this.currentWorkspace(ctx)).id);
    this.workspaceId = id;
    return id;
  }

  async currentWorkspace(ctx: CallContext): Promise<{ id: string }> {
    const response = await this.http.request({ method: 'GET', path: '/v4/workspaces/current', ctx });
    return parse(workspaceSchema, response, 'GET /v4/workspaces/current');
  }

  /**
   * A.6.2 option 2: the workspace's people filtered by exact, case-insensitive email; compared again here because
   * the upstream's matching is undocumented (Part D #15). Pending invitees may be missing from this unfiltered
   * list (Part D #13): findInvitedMember asks for them, and the connector decides when that is needed.
   */
  findListedMember(email: string, ctx: CallContext): Promise<AacPerson | undefined> {
    return this.searchMembers(email, undefined, ctx);
  }

  /** As findListedMember, for pending invitees only (`status=new`). */
  findInvitedMember(email: string, ctx: CallContext): Promise<AacPerson | undefined> {
    return this.searchMembers(email, 'new', ctx);
  }

  /** A.6.2 `GET /v4/people/{id}` limited to this workspace. */
  async getPerson(personId: string, ctx: CallContext): Promise<AacPerson> {
    const ws = await this.workspace(ctx);
    const path = `/v4/people/${encodeURIComponent(personId)}`;
    const response = await this.http.request({ method: 'GET', path, query: { workspaceId: ws }, ctx });
    return parse(personSchema, response, `GET ${path}`);
  }

  /** A.6.4: invite emails; the response shape is open (Part D #9), so callers re-query by email instead. */
  async invite(emails: string[], ctx: CallContext): Promise<void> {
    const ws = await this.workspace(ctx);
    await this.http.request({
      method: 'POST',
      path: `/v4/workspaces/${ws}/people/batch`,
      json: { emails },
      // Repeating an invite cannot create a second person: an existing member is ignored or refused (Part D #11),
      // and the connector verifies the outcome by email either way.
      safeToRepeat: true,
      ctx,
    });
  }

  /** A.6.5 suspend / unsuspend `{personIds}`; idempotent by nature. */
  async setSuspended(personIds: string[], suspended: boolean, ctx: CallContext): Promise<void> {
    const ws = await this.workspace(ctx);
    await this.http.request({
      method: 'POST',
      path: `/v4/workspaces/${ws}/people/${suspended ? 'suspend' : 'unsuspend'}`,
      json: { personIds: personIds.map(toNumericId) },
      safeToRepeat: true,
      ctx,
    });
  }

  /** A.6.5: remove the membership. Answers 204 or 200 with a body (Part D #16); 404 = already gone. */
  async removeMember(personId: string, ctx: CallContext): Promise<void> {
    const ws = await this.workspace(ctx);
    await this.http.request({
      method: 'DELETE',
      path: `/v4/workspaces/${ws}/people/${encodeURIComponent(personId)}`,
      acceptStatuses: [404, 410],
      ctx,
    });
  }

  /**
   * A.6.7: the group with this name (exact first, then case-insensitive). Pages with offset/limit (A.3) until the
   * reported `count` is reached or a page comes back empty: the upstream may clamp `limit` (Part D #7), so a
   * short page does not prove the end.
   */
  async findGroupByName(name: string, ctx: CallContext): Promise<AacGroup | undefined> {
    const ws = await this.workspace(ctx);
    const lower = name.toLowerCase();
    let offset = 0;
    const candidates = await collectPages<AacGroup>(async () => {
      const response = await this.http.request({
        method: 'GET',
        path: `/v4/workspaces/${ws}/groups`,
        query: { name, limit: PAGE_SIZE, offset, includeCount: true },
        ctx,
      });
      const { groups, count } = parse(groupListSchema, response, 'GET groups');
      offset += groups.length;
      return {
        items: groups.filter((group) => group.name.toLowerCase() === lower),
        last: groups.length === 0 || (count !== undefined && offset >= count),
      };
    });
    return candidates.find((group) => group.name === name) ?? candidates[0];
  }

  /** A.6.7 create. Not repeated after an ambiguous failure: the connector looks the name up instead. */
  async createGroup(name: string, ctx: CallContext): Promise<AacGroup> {
    const ws = await this.workspace(ctx);
    const response = await this.http.request({
      method: 'POST',
      path: `/v4/workspaces/${ws}/groups`,
      json: { name, roles: [], members: [] },
      ctx,
    });
    return parse(groupSchema, response, 'POST groups');
  }

  async renameGroup(groupId: string, name: string, ctx: CallContext): Promise<void> {
    const ws = await this.workspace(ctx);
    await this.http.request({
      method: 'PUT',
      path: `/v4/workspaces/${ws}/groups/${encodeURIComponent(groupId)}`,
      json: { name },
      ctx,
    });
  }

  /** 404 = already deleted. */
  async deleteGroup(groupId: string, ctx: CallContext): Promise<void> {
    const ws = await this.workspace(ctx);
    await this.http.request({
      method: 'DELETE',
      path: `/v4/workspaces/${ws}/groups/${encodeURIComponent(groupId)}`,
      acceptStatuses: [404, 410],
      ctx,
    });
  }

  /** A.6.7: ids as a repeated `userIds` query parameter; the body is unused. Adding a member twice is harmless. */
  async addGroupUsers(groupId: string, personIds: string[], ctx: CallContext): Promise<void> {
    const ws = await this.workspace(ctx);
    await this.http.request({
      method: 'POST',
      path: `/v4/workspaces/${ws}/groups/${encodeURIComponent(groupId)}/users`,
      query: { userIds: personIds },
      safeToRepeat: true,
      ctx,
    });
  }

  /** Removing a non-member is not an error; a missing group means there is nothing to remove (404 accepted). */
  async removeGroupUsers(groupId: string, personIds: string[], ctx: CallContext): Promise<void> {
    const ws = await this.workspace(ctx);
    await this.http.request({
      method: 'DELETE',
      path: `/v4/workspaces/${ws}/groups/${encodeURIComponent(groupId)}/users`,
      query: { userIds: personIds },
      acceptStatuses: [404, 410],
      ctx,
    });
  }

  private async searchMembers(
    email: string,
    status: string | undefined,
    ctx: CallContext,
  ): Promise<AacPerson | undefined> {
    const ws = await this.workspace(ctx);
    const response = await this.http.request({
      method: 'GET',
      path: `/v4/workspaces/${ws}/people`,
      query: {
        filter: email,
        filterFields: 'email',
        filterType: 'exactIgnoreCase',
        status,
        limit: PAGE_SIZE,
      },
      ctx,
    });
    const people = parse(personListSchema, response, 'GET people').data;
    const wanted = email.toLowerCase();
    return people.find((person) => person.email.toLowerCase() === wanted);
  }
}

/** Person ids are ints on the wire (A.6.3); keep non-numeric ids as they are. */
function toNumericId(id: string): number | string {
  return /^\d+$/.test(id) ? Number(id) : id;
}

function parse<S extends z.ZodType>(schema: S, response: HttpResponse, what: string): z.output<S> {
  return parseBody('aac', schema, response, what);
}
