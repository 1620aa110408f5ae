// Minimal SCIM calls the benchmark needs to build its data set and to time single operations (fetch, no retries).
export const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
export const PATCH_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

export function userBody(userName: string): string {
  return JSON.stringify({
    schemas: [USER_SCHEMA],
    userName,
    name: { givenName: 'Bench', familyName: userName.split('@')[0] ?? userName },
    emails: [{ primary: true, type: 'work', value: userName }],
    active: true,
  });
}

/** The id of a created resource from its JSON response body, or undefined. */
export function idFromBody(body: string): string | undefined {
  try {
    const parsed: unknown = JSON.parse(body);
    if (parsed && typeof parsed === 'object' && 'id' in parsed && typeof parsed.id === 'string')
      return parsed.id;
  } catch {
    // not JSON: no id
  }
  return undefined;
}

export class ScimClient {
  constructor(
    private readonly scimBase: string,
    private readonly token: string,
  ) {}

  get headers(): Record<string, string> {
    return { authorization: `Bearer ${this.token}`, 'content-type': 'application/scim+json' };
  }

  /** Sends one request; throws with the status and body text unless the status is the expected one. */
  async send(method: string, path: string, body: unknown, expected: number[]): Promise<string> {
    const res = await fetch(this.scimBase + path, {
      method,
      headers: this.headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(120_000),
    });
    const text = await res.text();
    if (!expected.includes(res.status)) {
      throw new Error(`${method} ${path} answered ${res.status}: ${text.slice(0, 300)}`);
    }
    return text;
  }

  async createGroup(displayName: string): Promise<string> {
    const text = await this.send('POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName }, [201]);
    const id = idFromBody(text);
    if (!id) throw new Error(`POST /Groups answered without an id: ${text.slice(0, 300)}`);
    return id;
  }

  async addMembers(groupId: string, userIds: string[]): Promise<void> {
    await this.send(
      'PATCH',
      `/Groups/${groupId}`,
      {
        schemas: [PATCH_SCHEMA],
        Operations: [{ op: 'add', path: 'members', value: userIds.map((value) => ({ value })) }],
      },
      [200, 204],
    );
  }

  async removeMember(groupId: string, userId: string): Promise<void> {
    await this.send(
      'PATCH',
      `/Groups/${groupId}`,
      { schemas: [PATCH_SCHEMA], Operations: [{ op: 'remove', path: `members[value eq "${userId}"]` }] },
      [200, 204],
    );
  }
}
