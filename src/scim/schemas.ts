/**
 * Schema knowledge shared by the engine and the HTTP routes.
 *
 * The attribute definitions come from scimmy (its RFC 7643 §4/§8.7 schema definitions are complete and correct); we
 * read them once at import time with `describe()` and compile them into plain maps for case-insensitive lookups
 * (RFC 7643 §2.1 "Attribute names are case insensitive"). Nothing on the request path calls into scimmy.
 *
 * Discovery documents (RFC 7644 §4) are built here too, with absolute `meta.location` (scimmy's are relative and
 * process-global, docs/reference/notes.md #11).
 */
import SCIMMY from 'scimmy';

export type ResourceTypeName = 'User' | 'Group';

export const URN = {
  User: 'urn:ietf:params:scim:schemas:core:2.0:User',
  Group: 'urn:ietf:params:scim:schemas:core:2.0:Group',
  EnterpriseUser: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User',
  Schema: 'urn:ietf:params:scim:schemas:core:2.0:Schema',
  ResourceType: 'urn:ietf:params:scim:schemas:core:2.0:ResourceType',
  ServiceProviderConfig: 'urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig',
  PatchOp: 'urn:ietf:params:scim:api:messages:2.0:PatchOp',
  ListResponse: 'urn:ietf:params:scim:api:messages:2.0:ListResponse',
  SearchRequest: 'urn:ietf:params:scim:api:messages:2.0:SearchRequest',
} as const;

// docs/reference/notes.md #5: the enterprise extension must be declared on User once, before anything describes the schema.
// `extend` is idempotent in scimmy 1.3.5 (it skips an extension that is already included).
// (Called on the definition: the static `Schema.extend` typing in scimmy.d.ts rejects a Schema class.)
SCIMMY.Schemas.User.definition.extend(SCIMMY.Schemas.EnterpriseUser.definition);

export type AttributeType =
  'string' | 'boolean' | 'decimal' | 'integer' | 'dateTime' | 'reference' | 'binary' | 'complex';

/** RFC 7643 §7 attribute characteristics, as published on /Schemas. */
export interface AttributeDef {
  name: string;
  type: AttributeType;
  multiValued: boolean;
  required: boolean;
  caseExact: boolean;
  mutability: 'readOnly' | 'readWrite' | 'immutable' | 'writeOnly';
  returned: 'always' | 'never' | 'default' | 'request';
  uniqueness: 'none' | 'server' | 'global';
  subAttributes?: AttributeDef[];
}

/** A compiled attribute: its definition plus where it lives and a case-insensitive index of its sub-attributes. */
export interface AttrNode {
  readonly name: string;
  readonly def: AttributeDef;
  /** The schema URN the attribute belongs to. */
  readonly schemaUrn: string;
  /** True when the attribute lives under the extension's URN key in the resource. */
  readonly extension: boolean;
  readonly subs: ReadonlyMap<string, AttrNode> | undefined;
}

/** A resolved attribute path: `attr` or `attr.sub`, optionally URN-qualified. */
export interface ResolvedAttribute {
  attr: AttrNode;
  sub?: AttrNode;
}

interface CompiledSchema {
  coreUrn: string;
  core: Map<string, AttrNode>;
  /** lower-cased extension URN → canonical URN and attributes. */
  extensions: Map<string, { urn: string; attrs: Map<string, AttrNode> }>;
}

// ---------------------------------------------------------------------------------------------------------------
// Reading scimmy's descriptions (plain JSON) into typed definitions.

function asRecord(value: unknown): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw new Error('schema: expected object');
  return value as Record<string, unknown>;
}

function toAttributeDef(raw: unknown): AttributeDef {
  const r = asRecord(raw);
  const type = String(r.type) as AttributeType;
  const def: AttributeDef = {
    name: String(r.name),
    type,
    multiValued: r.multiValued === true,
    required: r.required === true,
    // RFC 7643 §2.2: caseExact defaults to false; booleans/complex carry none.
    caseExact: r.caseExact === true,
    mutability: (r.mutability as AttributeDef['mutability']) ?? 'readWrite',
    returned: (r.returned as AttributeDef['returned']) ?? 'default',
    uniqueness: (r.uniqueness as AttributeDef['uniqueness']) ?? 'none',
  };
  if (Array.isArray(r.subAttributes)) def.subAttributes = r.subAttributes.map(toAttributeDef);
  return def;
}

function describe(definition: { describe(basepath?: string): unknown }): {
  id: string;
  doc: Record<string, unknown>;
} {
  const doc = asRecord(JSON.parse(JSON.stringify(definition.describe('/Schemas'))));
  return { id: String(doc.id), doc };
}

const userDescription = describe(SCIMMY.Schemas.User.definition);
const enterpriseDescription = describe(SCIMMY.Schemas.EnterpriseUser.definition);
const groupDescription = describe(SCIMMY.Schemas.Group.definition);

const attributesOf = (d: { doc: Record<string, unknown> }): AttributeDef[] =>
  (Array.isArray(d.doc.attributes) ? d.doc.attributes : []).map(toAttributeDef);

/** RFC 7643 §3.1 common attributes; they are not part of any schema document. */
const COMMON_ATTRIBUTES: AttributeDef[] = [
  {
    name: 'id',
    type: 'string',
    multiValued: false,
    required: false,
    caseExact: true,
    mutability: 'readOnly',
    returned: 'always',
    uniqueness: 'server',
  },
  {
    name: 'externalId',
    type: 'string',
    multiValued: false,
    required: false,
    caseExact: true,
    mutability: 'readWrite',
    returned: 'default',
    uniqueness: 'none',
  },
  {
    name: 'schemas',
    type: 'reference',
    multiValued: true,
    required: false,
    caseExact: false,
    mutability: 'readOnly',
    returned: 'always',
    uniqueness: 'none',
  },
  {
    name: 'meta',
    type: 'complex',
    multiValued: false,
    required: false,
    caseExact: false,
    mutability: 'readOnly',
    returned: 'default',
    uniqueness: 'none',
    subAttributes: [
      ['resourceType', 'string', true],
      ['created', 'dateTime', false],
      ['lastModified', 'dateTime', false],
      ['location', 'reference', true],
      ['version', 'string', true],
    ].map(([name, type, caseExact]) => ({
      name: String(name),
      type: type as AttributeType,
      multiValued: false,
      required: false,
      caseExact: caseExact === true,
      mutability: 'readOnly' as const,
      returned: 'default' as const,
      uniqueness: 'none' as const,
    })),
  },
];

function compile(def: AttributeDef, schemaUrn: string, extension: boolean): AttrNode {
  const subs = def.subAttributes
    ? new Map(def.subAttributes.map((s) => [s.name.toLowerCase(), compile(s, schemaUrn, extension)]))
    : undefined;
  return { name: def.name, def, schemaUrn, extension, subs };
}

function compileMap(defs: AttributeDef[], schemaUrn: string, extension: boolean): Map<string, AttrNode> {
  return new Map(defs.map((d) => [d.name.toLowerCase(), compile(d, schemaUrn, extension)]));
}

const enterpriseAttributes = attributesOf(enterpriseDescription);
const COMPILED: Record<ResourceTypeName, CompiledSchema> = {
  User: {
    coreUrn: URN.User,
    core: compileMap([...COMMON_ATTRIBUTES, ...attributesOf(userDescription)], URN.User, false),
    extensions: new Map([
      [
        URN.EnterpriseUser.toLowerCase(),
        { urn: URN.EnterpriseUser, attrs: compileMap(enterpriseAttributes, URN.EnterpriseUser, true) },
      ],
    ]),
  },
  Group: {
    coreUrn: URN.Group,
    core: compileMap([...COMMON_ATTRIBUTES, ...attributesOf(groupDescription)], URN.Group, false),
    extensions: new Map(),
  },
};

// ---------------------------------------------------------------------------------------------------------------
// Lookups

/** Canonical extension URNs a resource type may carry (the keys they use inside the resource). */
export function extensionUrns(resourceType: ResourceTypeName): string[] {
  return [...COMPILED[resourceType].extensions.values()].map((e) => e.urn);
}

/** The canonical form of a schema URN known for this resource type (core or extension), case-insensitively. */
export function findSchemaUrn(resourceType: ResourceTypeName, urn: string): string | undefined {
  const schema = COMPILED[resourceType];
  const lower = urn.toLowerCase();
  if (lower === schema.coreUrn.toLowerCase()) return schema.coreUrn;
  return schema.extensions.get(lower)?.urn;
}

/** The extension URN that `name` equals (case-insensitively), if any. */
export function findExtension(
  resourceType: ResourceTypeName,
  name: string,
): { urn: string; attrs: ReadonlyMap<string, AttrNode> } | undefined {
  return COMPILED[resourceType].extensions.get(name.toLowerCase());
}

/** All top-level attributes of a resource type (core first, then extensions). */
export function topLevelAttributes(resourceType: ResourceTypeName): AttrNode[] {
  const schema = COMPILED[resourceType];
  const out = [...schema.core.values()];
  for (const ext of schema.extensions.values()) out.push(...ext.attrs.values());
  return out;
}

/** Core (non-extension) attributes by lower-cased name. */
export function coreAttributes(resourceType: ResourceTypeName): ReadonlyMap<string, AttrNode> {
  return COMPILED[resourceType].core;
}

/**
 * Splits an attribute path into `[urn, rest]` (RFC 7644 §3.10: `urn:…:attr.sub`). The URN is found by matching the
 * known schema URNs, so the "2.0" inside `…enterprise:2.0:User:manager` is never taken for a sub-attribute separator.
 * Unknown URN prefixes fall back to "everything up to the last colon".
 */
export function splitUrn(resourceType: ResourceTypeName, path: string): { urn?: string; rest: string } {
  if (!/^urn:/i.test(path)) return { rest: path };
  const lower = path.toLowerCase();
  const schema = COMPILED[resourceType];
  const candidates = [schema.coreUrn, ...[...schema.extensions.values()].map((e) => e.urn)];
  for (const urn of candidates) {
    const u = urn.toLowerCase();
    if (lower === u) return { urn, rest: '' };
    if (lower.startsWith(u + ':')) return { urn, rest: path.slice(u.length + 1) };
  }
  const colon = path.lastIndexOf(':');
  return { urn: path.slice(0, colon), rest: path.slice(colon + 1) };
}

/**
 * Resolves an attribute path at the resource level, URN-qualified or not (filters and PATCH paths alike). The URN is
 * split again with the known URNs so that unusual casing still resolves.
 */
export function resolvePath(
  resourceType: ResourceTypeName,
  path: { urn?: string | undefined; attr: string; sub?: string | undefined },
): { attr: AttrNode; sub?: AttrNode } | undefined {
  let urn = path.urn;
  let attrName = path.attr;
  if (urn !== undefined) {
    const split = splitUrn(resourceType, `${urn}:${attrName}`);
    urn = split.urn;
    attrName = split.rest;
  }
  return resolveParts(resourceType, urn, attrName, path.sub);
}

/**
 * Resolves `attr`, `attr.sub`, `urn:…:attr` or `urn:…:attr.sub` case-insensitively.
 * Un-prefixed names are looked up in the core schema first, then in the extensions (Entra's legacy `manager` path,
 * catalog EN-24; the enterprise names never clash with core names).
 */
export function findAttribute(resourceType: ResourceTypeName, path: string): ResolvedAttribute | undefined {
  const { urn, rest } = splitUrn(resourceType, path);
  if (!rest) return undefined;
  const dot = rest.indexOf('.');
  const attrName = dot < 0 ? rest : rest.slice(0, dot);
  const subName = dot < 0 ? undefined : rest.slice(dot + 1);
  return resolveParts(resourceType, urn, attrName, subName);
}

/** Same as `findAttribute` for an already split path. */
export function resolveParts(
  resourceType: ResourceTypeName,
  urn: string | undefined,
  attrName: string,
  subName: string | undefined,
): ResolvedAttribute | undefined {
  const schema = COMPILED[resourceType];
  const lowerName = attrName.toLowerCase();
  let attr: AttrNode | undefined;
  if (urn === undefined) {
    attr = schema.core.get(lowerName);
    if (!attr) for (const ext of schema.extensions.values()) attr ??= ext.attrs.get(lowerName);
  } else if (urn.toLowerCase() === schema.coreUrn.toLowerCase()) {
    attr = schema.core.get(lowerName);
  } else {
    attr = schema.extensions.get(urn.toLowerCase())?.attrs.get(lowerName);
  }
  if (!attr) return undefined;
  if (subName === undefined || subName === '') return subName === '' ? undefined : { attr };
  const sub = attr.subs?.get(subName.toLowerCase());
  return sub ? { attr, sub } : undefined;
}

// ---------------------------------------------------------------------------------------------------------------
// Discovery documents (RFC 7644 §4, RFC 7643 §5–§8)

const trimSlash = (baseUrl: string): string => baseUrl.replace(/\/+$/, '');

export interface ServiceProviderOptions {
  maxResults: number;
  maxPayloadBytes: number;
  documentationUri?: string;
}

/** catalog D-01/D-07: everything advertised here is true of this server. */
export function serviceProviderConfig(
  baseUrl: string,
  options: ServiceProviderOptions,
): Record<string, unknown> {
  const doc: Record<string, unknown> = {
    schemas: [URN.ServiceProviderConfig],
    patch: { supported: true },
    bulk: { supported: false, maxOperations: 0, maxPayloadSize: options.maxPayloadBytes },
    filter: { supported: true, maxResults: options.maxResults },
    changePassword: { supported: false },
    sort: { supported: true },
    etag: { supported: true },
    authenticationSchemes: [
      {
        type: 'oauthbearertoken',
        name: 'OAuth Bearer Token',
        description: 'Authentication with a bearer token issued by the bridge administrator',
        specUri: 'https://www.rfc-editor.org/info/rfc6750',
        primary: true,
      },
    ],
    meta: {
      resourceType: 'ServiceProviderConfig',
      location: `${trimSlash(baseUrl)}/ServiceProviderConfig`,
    },
  };
  if (options.documentationUri) doc.documentationUri = options.documentationUri;
  return doc;
}

const RESOURCE_TYPES = [
  {
    id: 'User',
    name: 'User',
    endpoint: '/Users',
    description: 'User Account',
    schema: URN.User,
    schemaExtensions: [{ schema: URN.EnterpriseUser, required: false }],
  },
  {
    id: 'Group',
    name: 'Group',
    endpoint: '/Groups',
    description: 'Group',
    schema: URN.Group,
    schemaExtensions: [],
  },
] as const;

/** catalog D-02: the ResourceType documents, in ListResponse order (User first: MS-POSTMAN asserts it). */
export function resourceTypes(baseUrl: string): Record<string, unknown>[] {
  const base = trimSlash(baseUrl);
  return RESOURCE_TYPES.map((rt) => ({
    schemas: [URN.ResourceType],
    id: rt.id,
    name: rt.name,
    endpoint: rt.endpoint,
    description: rt.description,
    schema: rt.schema,
    schemaExtensions: rt.schemaExtensions.map((e) => ({ ...e })),
    meta: { resourceType: 'ResourceType', location: `${base}/ResourceTypes/${rt.id}` },
  }));
}

/** catalog D-03: `/ResourceTypes/{id}`; undefined → the route answers 404. */
export function resourceTypeById(baseUrl: string, id: string): Record<string, unknown> | undefined {
  return resourceTypes(baseUrl).find((rt) => String(rt.id).toLowerCase() === id.toLowerCase());
}

const SCHEMA_DESCRIPTIONS = [userDescription, groupDescription, enterpriseDescription];

/** catalog D-04: User, Group and the enterprise extension, with absolute `meta.location`. */
export function schemaDocuments(baseUrl: string): Record<string, unknown>[] {
  const base = trimSlash(baseUrl);
  return SCHEMA_DESCRIPTIONS.map(({ id, doc }) => {
    const copy = JSON.parse(JSON.stringify(doc)) as Record<string, unknown>;
    copy.meta = { resourceType: 'Schema', location: `${base}/Schemas/${id}` };
    return copy;
  });
}

/** catalog D-05: `/Schemas/{urn}`; undefined → 404. */
export function schemaById(baseUrl: string, urn: string): Record<string, unknown> | undefined {
  return schemaDocuments(baseUrl).find((s) => String(s.id).toLowerCase() === urn.toLowerCase());
}
