import { describe, expect, it } from 'vitest';
import { ScimError, toErrorBody } from './errors.js';
import {
  findAttribute,
  resourceTypeById,
  resourceTypes,
  schemaById,
  schemaDocuments,
  serviceProviderConfig,
  URN,
} from './schemas.js';

const BASE = 'https://bridge.example.test/scim/v2/';

describe('findAttribute', () => {
  it.each([
    ['userName', 'userName', undefined],
    ['USERNAME', 'userName', undefined],
    ['name.givenName', 'name', 'givenName'],
    ['Name.GIVENNAME', 'name', 'givenName'],
    ['emails.value', 'emails', 'value'],
    [`${URN.User}:userName`, 'userName', undefined],
    [`${URN.User.toUpperCase()}:name.familyName`, 'name', 'familyName'],
    [`${URN.EnterpriseUser}:manager`, 'manager', undefined],
    [`${URN.EnterpriseUser}:manager.value`, 'manager', 'value'],
    ['manager', 'manager', undefined], // EN-24 legacy bare name
    ['meta.lastModified', 'meta', 'lastModified'],
    ['id', 'id', undefined],
    ['externalId', 'externalId', undefined],
  ])('User %s', (path, attr, sub) => {
    const r = findAttribute('User', path);
    expect(r?.attr.name).toBe(attr);
    expect(r?.sub?.name).toBe(sub);
  });

  it('characteristics', () => {
    expect(findAttribute('User', 'userName')?.attr.def).toMatchObject({
      caseExact: false,
      required: true,
      uniqueness: 'server',
    });
    expect(findAttribute('User', 'externalId')?.attr.def.caseExact).toBe(true);
    expect(findAttribute('User', 'id')?.attr.def).toMatchObject({
      caseExact: true,
      mutability: 'readOnly',
      returned: 'always',
    });
    expect(findAttribute('User', 'password')?.attr.def).toMatchObject({
      mutability: 'writeOnly',
      returned: 'never',
    });
    expect(findAttribute('User', 'groups')?.attr.def.mutability).toBe('readOnly');
    expect(findAttribute('User', `${URN.EnterpriseUser}:department`)?.attr.extension).toBe(true);
    expect(findAttribute('Group', 'displayName')?.attr.def.caseExact).toBe(false);
    expect(findAttribute('Group', 'members.value')?.sub?.name).toBe('value');
  });

  it.each(['nope', 'name.nope', 'userName.x', '', `${URN.EnterpriseUser}:userName`, 'urn:x:y:thing'])(
    'unknown: %j',
    (path) => {
      expect(findAttribute('User', path)).toBeUndefined();
    },
  );

  it('group attributes are separate from user attributes', () => {
    expect(findAttribute('Group', 'userName')).toBeUndefined();
    expect(findAttribute('Group', 'manager')).toBeUndefined();
  });
});

describe('discovery documents (catalog §1)', () => {
  it('D-01 ServiceProviderConfig advertises exactly what the server does', () => {
    const spc = serviceProviderConfig(BASE, { maxResults: 200, maxPayloadBytes: 1_048_576 });
    expect(spc).toMatchObject({
      schemas: [URN.ServiceProviderConfig],
      patch: { supported: true },
      bulk: { supported: false, maxOperations: 0, maxPayloadSize: 1_048_576 },
      filter: { supported: true, maxResults: 200 },
      changePassword: { supported: false },
      sort: { supported: true },
      etag: { supported: true },
      meta: {
        resourceType: 'ServiceProviderConfig',
        location: 'https://bridge.example.test/scim/v2/ServiceProviderConfig',
      },
    });
    expect(spc.authenticationSchemes).toEqual([
      expect.objectContaining({ type: 'oauthbearertoken', name: 'OAuth Bearer Token', primary: true }),
    ]);
  });

  it('D-02/D-03 ResourceTypes: User first with the enterprise extension; lookup by id', () => {
    const types = resourceTypes(BASE);
    expect(types.map((t) => t.endpoint)).toEqual(['/Users', '/Groups']);
    expect(types[0]).toMatchObject({
      schemas: [URN.ResourceType],
      id: 'User',
      schema: URN.User,
      schemaExtensions: [{ schema: URN.EnterpriseUser, required: false }],
      meta: {
        resourceType: 'ResourceType',
        location: 'https://bridge.example.test/scim/v2/ResourceTypes/User',
      },
    });
    expect(resourceTypeById(BASE, 'Group')?.schema).toBe(URN.Group);
    expect(resourceTypeById(BASE, 'Nope')).toBeUndefined();
  });

  it('D-04/D-05 Schemas: User, Group, EnterpriseUser; camel-cased characteristics, no nulls', () => {
    const docs = schemaDocuments(BASE);
    expect(docs.map((d) => d.id)).toEqual([URN.User, URN.Group, URN.EnterpriseUser]);
    for (const d of docs) {
      expect(d.schemas).toEqual([URN.Schema]);
      expect(typeof d.name).toBe('string');
      expect((d.meta as Record<string, unknown>).location).toBe(
        `https://bridge.example.test/scim/v2/Schemas/${d.id as string}`,
      );
      expect(JSON.stringify(d)).not.toContain('null');
    }
    expect(JSON.stringify(docs[0])).toContain('User Account'); // MS-POSTMAN "Get Schemas"
    const user = schemaById(BASE, URN.User)!;
    const attrs = user.attributes as Record<string, unknown>[];
    expect(attrs.find((a) => a.name === 'userName')).toMatchObject({
      name: 'userName',
      type: 'string',
      multiValued: false,
      required: true,
      caseExact: false,
      mutability: 'readWrite',
      returned: 'default',
      uniqueness: 'server',
    });
    expect(attrs.find((a) => a.name === 'password')).toMatchObject({
      mutability: 'writeOnly',
      returned: 'never',
    });
    expect(schemaById(BASE, 'urn:nope')).toBeUndefined();
  });

  it('documents are fresh copies (callers may not corrupt later responses)', () => {
    (schemaDocuments(BASE)[0] as Record<string, unknown>).name = 'changed';
    expect(schemaDocuments(BASE)[0]?.name).toBe('User');
  });
});

describe('errors (CE-2)', () => {
  it('toErrorBody: status as a string, scimType only when set', () => {
    expect(toErrorBody(new ScimError('invalidFilter', 'bad'))).toEqual({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
      status: '400',
      scimType: 'invalidFilter',
      detail: 'bad',
    });
    expect(toErrorBody(new ScimError('resource_not_found', 'Resource x not found'))).toEqual({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
      status: '404',
      detail: 'Resource x not found',
    });
  });
});
