// The Alteryx Server v3 REST calls the connector needs (docs/reference/upstream-contracts.md B.5, B.6), one method each, responses
// parsed with zod. Provisioning rules live in connector.ts.
import type { z } from 'zod';
import type { CallContext } from '../../core/connector.js';
import type { HttpClient, HttpResponse } from '../http-client.js';
import { collectPages, PAGE_SIZE, parseBody } from '../responses.js';
import {
  addedUsersSchema,
  createdGroupSchema,
  deactivatedSchema,
  groupListSchema,
  groupSchema,
  userListSchema,
  userSchema,
  type ServerGroup,
  type ServerUser,
} from './schemas.js';

export interface FetchedUser {
  user: ServerUser;
  /** the whole body as received, for GET-merge-PUT */
  raw: Record<string, unknown>;
}

export class ServerApi {
  constructor(private readonly http: HttpClient) {}

  /** B.5 `GET /v3/users?email=`: compared case-insensitively here too (matching is undocumented). */
  async findUserByEmail(email: string, ctx: CallContext): Promise<ServerUser | undefined> {
    const response = await this.http.request({ method: 'GET', path: '/v3/users', query: { email }, ctx });
    const wanted = email.toLowerCase();
    return parse(userListSchema, response, 'GET /v3/users').find(
      (user) => user.email.toLowerCase() === wanted,
    );
  }

  async getUser(userId: string, ctx: CallContext): Promise<FetchedUser> {
    const path = `/v3/users/${encodeURIComponent(userId)}`;
    const response = await this.http.request({ method: 'GET', path, ctx });
    const user = parse(userSchema, response, `GET ${path}`);
    return { user, raw: response.data as Record<string, unknown> };
  }

  /** B.5 create (200 or 201, Part D #26). Not repeated after an ambiguous failure: the connector looks up instead. */
  async createUser(contract: Record<string, unknown>, ctx: CallContext): Promise<ServerUser | undefined> {
    const response = await this.http.request({ method: 'POST', path: '/v3/users', json: contract, ctx });
    const parsed = userSchema.safeParse(response.data);
    return parsed.success ? parsed.data : undefined;
  }

  /** B.5 full replace. */
  async putUser(userId: string, body: Record<string, unknown>, ctx: CallContext): Promise<void> {
    await this.http.request({
      method: 'PUT',
      path: `/v3/users/${encodeURIComponent(userId)}`,
      json: body,
      ctx,
    });
  }

  /** B.5: sets isActive false and empties the user's groups; answers the ids of those groups. */
  async deactivateUser(userId: string, ctx: CallContext): Promise<string[]> {
    const path = `/v3/users/${encodeURIComponent(userId)}/deactivate`;
    // Repeating is harmless: a second deactivation finds no groups left.
    const response = await this.http.request({ method: 'POST', path, safeToRepeat: true, ctx });
    return parse(deactivatedSchema, response, `POST ${path}`);
  }

  /** B.5 hard delete; 404 = already gone. Refused (400/409) while the user owns assets or is in groups. */
  async deleteUser(userId: string, ctx: CallContext): Promise<void> {
    await this.http.request({
      method: 'DELETE',
      path: `/v3/users/${encodeURIComponent(userId)}`,
      acceptStatuses: [404, 410],
      ctx,
    });
  }

  async listGroups(ctx: CallContext): Promise<ServerGroup[]> {
    return this.listAll('/v3/usergroups', {}, groupListSchema, ctx);
  }

  async getGroup(groupId: string, ctx: CallContext): Promise<ServerGroup> {
    const path = `/v3/usergroups/${encodeURIComponent(groupId)}`;
    const response = await this.http.request({ method: 'GET', path, ctx });
    return parse(groupSchema, response, `GET ${path}`);
  }

  /** B.6: answers the new id as a JSON string. */
  async createGroup(name: string, role: string, ctx: CallContext): Promise<string> {
    const response = await this.http.request({
      method: 'POST',
      path: '/v3/usergroups',
      json: { name, role },
      ctx,
    });
    return parse(createdGroupSchema, response, 'POST /v3/usergroups');
  }

  async updateGroup(groupId: string, name: string, role: string, ctx: CallContext): Promise<void> {
    await this.http.request({
      method: 'PUT',
      path: `/v3/usergroups/${encodeURIComponent(groupId)}`,
      json: { name, role },
      ctx,
    });
  }

  /** B.6 with forceDelete=true (a non-empty group is otherwise refused); 404 = already gone. */
  async deleteGroup(groupId: string, ctx: CallContext): Promise<void> {
    await this.http.request({
      method: 'DELETE',
      path: `/v3/usergroups/${encodeURIComponent(groupId)}`,
      query: { forceDelete: true },
      acceptStatuses: [404, 410],
      ctx,
    });
  }

  /** B.6: body is a JSON array of user ids; answers per-id failures in `failedUserReasons`. */
  async addUsersToGroup(
    groupId: string,
    userIds: string[],
    ctx: CallContext,
  ): Promise<Record<string, string>> {
    const path = `/v3/usergroups/${encodeURIComponent(groupId)}/users`;
    // Adding a member twice is harmless, so an ambiguous failure may be repeated.
    const response = await this.http.request({
      method: 'POST',
      path,
      json: userIds,
      safeToRepeat: true,
      ctx,
    });
    const reasons = parse(addedUsersSchema, response, `POST ${path}`).failedUserReasons ?? {};
    return Object.fromEntries(Object.entries(reasons).map(([id, reason]) => [id, describeReason(reason)]));
  }

  /** B.6: "If the user is not a part of the user group, then an OK response will be returned"; 404 = nothing to do. */
  async removeUserFromGroup(groupId: string, userId: string, ctx: CallContext): Promise<void> {
    await this.http.request({
      method: 'DELETE',
      path: `/v3/usergroups/${encodeURIComponent(groupId)}/users/${encodeURIComponent(userId)}`,
      acceptStatuses: [404, 410],
      ctx,
    });
  }

  /**
   * B.5/B.6 lists are unpaged arrays, but some builds may page with `page`/`pageSize` (Part D #25). Ask for
   * pages of 100 and stop at a short page, or when a page repeats the first one (the server ignores paging).
   */
  private async listAll<T extends { id: string }>(
    path: string,
    query: Record<string, string>,
    schema: z.ZodType<T[]>,
    ctx: CallContext,
  ): Promise<T[]> {
    const seen = new Set<string>();
    return collectPages<T>(async (pageIndex) => {
      const response = await this.http.request({
        method: 'GET',
        path,
        query: { ...query, page: pageIndex + 1, pageSize: PAGE_SIZE },
        ctx,
      });
      const items = parse(schema, response, `GET ${path}`);
      const fresh = items.filter((item) => !seen.has(item.id));
      for (const item of fresh) seen.add(item.id);
      return { items: fresh, last: items.length < PAGE_SIZE || fresh.length === 0 };
    });
  }
}

function describeReason(reason: unknown): string {
  if (typeof reason === 'string') return reason;
  return JSON.stringify(reason) ?? 'refused';
}

function parse<S extends z.ZodType>(schema: S, response: HttpResponse, what: string): z.output<S> {
  return parseBody('server', schema, response, what);
}
