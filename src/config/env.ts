// The bridge's configuration: one documented schema, parsed once at start-up. A bad value stops the start with
// every problem listed (not just the first). Variables fixed by docs/reference/bridge-interface.md keep their names;
// the BRIDGE_* ones are additions of ours, with defaults that suit a single replica.
import { isIP } from 'node:net';
import { z } from 'zod';
import { DEFAULT_LIMITS, LIMIT_CEILINGS, LIMIT_VARIABLES, type InputLimits } from '../scim/limits.js';

const SERVER_ROLES = ['NoAccess', 'Viewer', 'Member', 'Artisan', 'Curator', 'Evaluated'] as const;
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const optionalString = z
  .string()
  .transform((s) => s.trim())
  .pipe(z.string())
  .optional()
  .transform((s) => (s === '' ? undefined : s));
const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });
const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

/** An input limit: 1 up to its ceiling, its default from src/scim/limits.ts. */
function limit(key: keyof InputLimits) {
  return int(1, LIMIT_CEILINGS[key]).default(DEFAULT_LIMITS[key]);
}

const TRUST_PRESETS = new Set(['loopback', 'linklocal', 'uniquelocal']);
function isTrustProxy(value: string): boolean {
  if (/^(true|\d+)$/i.test(value)) return true;
  return value.split(',').every((part) => {
    const entry = part.trim();
    if (TRUST_PRESETS.has(entry.toLowerCase())) return true;
    const [address = '', bits, ...rest] = entry.split('/');
    return rest.length === 0 && isIP(address) !== 0 && (bits === undefined || /^\d{1,3}$/.test(bits));
  });
}

/** Every variable, with its meaning. Kept in step with the README's configuration table. */
export const envSchema = z.object({
  /** where the HTTP server listens */
  HOST: z.string().default('0.0.0.0'),
  PORT: int(0, 65535).default(8080),
  /** `file:PATH` (SQLite) or `postgresql://…` */
  DATABASE_URL: z
    .string()
    .default('file:./data/bridge.db')
    .refine(
      (u) => u.startsWith('file:') || /^postgres(ql)?:\/\//.test(u),
      'must start with file: or postgresql://',
    ),
  /** a bearer token the IdP may use (stored only as a hash); more tokens come from the CLI */
  SCIM_TOKEN: optionalString.pipe(z.string().min(16, 'must be at least 16 characters').optional()),
  /** AAC: setting AAC_API_URL enables the AAC target */
  AAC_API_URL: optionalString.pipe(httpUrl.optional()),
  AAC_TOKEN_URL: optionalString.pipe(httpUrl.optional()),
  AAC_CLIENT_ID: optionalString,
  AAC_REFRESH_TOKEN: optionalString,
  AAC_WORKSPACE_ID: optionalString.pipe(
    z.string().regex(/^\d+$/, 'must be a numeric workspace id').optional(),
  ),
  /** Alteryx Server: setting SERVER_API_URL enables the Server target */
  SERVER_API_URL: optionalString.pipe(httpUrl.optional()),
  SERVER_CLIENT_ID: optionalString,
  SERVER_CLIENT_SECRET: optionalString,
  SERVER_DEFAULT_ROLE: z.enum(SERVER_ROLES).default('Evaluated'),
  SERVER_GROUP_ROLE: z.enum(SERVER_ROLES).default('Viewer'),
  SERVER_DELETE_MODE: z.enum(['deactivate', 'delete']).default('deactivate'),
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
  /** largest accepted request body, in bytes (413 above it) */
  BRIDGE_MAX_BODY_BYTES: int(1024, 100 * 1024 * 1024).default(1024 * 1024),
  /** most resources one list response returns (ServiceProviderConfig filter.maxResults) */
  BRIDGE_MAX_RESULTS: int(1, 10_000).default(1000),
  /** how long a SCIM response waits for the upstream work it caused (ms); the rest stays queued */
  BRIDGE_UPSTREAM_DEADLINE_MS: int(0, 55_000).default(20_000),
  /** proactive rate limit towards AAC: requests per second and requests in flight (0 = unlimited) */
  AAC_RATE_LIMIT_RPS: int(0, 100_000).default(10),
  AAC_MAX_CONCURRENCY: int(0, 1_000).default(4),
  /**
   * AAC invites (and suspends) arriving within this window go out as one batch call; a lone request waits at most
   * this long. Larger windows batch more during bursts (bench/README.md).
   */
  AAC_BATCH_WINDOW_MS: int(0, 5_000).default(10),
  /**
   * the batch window while batches keep coming (the last one had company and went out under a second ago): a
   * burst of creates shares few invite calls, a lone request after a quiet second waits AAC_BATCH_WINDOW_MS
   */
  AAC_BATCH_BUSY_WINDOW_MS: int(0, 5_000).default(30),
  /** proactive rate limit towards Alteryx Server (0 = unlimited) */
  SERVER_RATE_LIMIT_RPS: int(0, 100_000).default(10),
  SERVER_MAX_CONCURRENCY: int(0, 1_000).default(4),
  /** provisioning executions in parallel per target */
  BRIDGE_WORKERS_PER_TARGET: int(1, 256).default(64),
  /**
   * how long a claimed provisioning job stays leased without renewal (renewed every third of it while it runs);
   * after a crash, its work is taken up again once the lease expires
   */
  BRIDGE_LEASE_MS: int(3_000, 3_600_000).default(60_000),
  /**
   * `off`: the bridge only stores (no upstream target, no simulators) — to load an IdP's users before connecting
   * the targets, or to measure the SCIM layer alone (bench/scim.ts). Turning it on later provisions nothing
   * retroactively: the next change of each resource does.
   */
  BRIDGE_PROVISIONING: z.enum(['on', 'off']).default('on'),
  /** demo mode: ports of the embedded simulators (0 = any free port) */
  SIM_AAC_PORT: int(0, 65535).default(4010),
  SIM_SERVER_PORT: int(0, 65535).default(4020),
  /**
   * public base URL for meta.location and Location, e.g. https://scim.example.com. Unset: the X-Forwarded-Host/-Proto
   * of a proxy trusted by BRIDGE_TRUST_PROXY, else the address the bridge listens on (never the Host header)
   */
  BRIDGE_PUBLIC_URL: optionalString.pipe(httpUrl.optional()),
  /**
   * which peers are trusted proxies (Express `trust proxy`): `true` (any), a hop count, or a comma-separated list
   * of IP addresses, CIDR ranges and the names loopback, linklocal, uniquelocal. Unset: no X-Forwarded-* header counts
   */
  BRIDGE_TRUST_PROXY: optionalString.pipe(
    z
      .string()
      .refine(
        isTrustProxy,
        'must be true, a hop count, or IP addresses/CIDR ranges/loopback/linklocal/uniquelocal',
      )
      .optional(),
  ),
  /** input limits (src/scim/limits.ts, SECURITY.md): each exceeded one is a 400 naming its variable */
  BRIDGE_MAX_FILTER_LENGTH: limit('filterLength'),
  BRIDGE_MAX_FILTER_DEPTH: limit('filterDepth'),
  BRIDGE_MAX_FILTER_CLAUSES: limit('filterClauses'),
  BRIDGE_MAX_PATCH_OPERATIONS: limit('patchOperations'),
  BRIDGE_MAX_PATCH_MEMBERS: limit('patchMembers'),
  BRIDGE_MAX_STRING_LENGTH: limit('stringLength'),
  BRIDGE_MAX_JSON_DEPTH: limit('jsonDepth'),
  /**
   * demo mode (the embedded AAC and Server simulators): `auto` = when no upstream is configured (the `npm start`
   * default of docs/reference/bridge-interface.md), `1` = always (no upstream may be set), `0` = never: a start without an upstream
   * then stops and says what is missing. The container image sets 0.
   */
  BRIDGE_DEMO: z.enum(['auto', '0', '1']).default('auto'),
  /** when set, GET /metrics needs `Authorization: Bearer <it>` */
  METRICS_TOKEN: optionalString.pipe(z.string().min(16, 'must be at least 16 characters').optional()),
  /** `off`: no /metrics route and no per-request measurement */
  BRIDGE_METRICS: z.enum(['on', 'off']).default('on'),
  /** /readyz reports `backlog` not ready when the oldest pending job is older than this (minutes; 0 = never) */
  BRIDGE_BACKLOG_ALERT_MIN: int(0, 525_600).default(60),
});

/** Variables that become required when a target is enabled. Checked on the raw input so that they are listed
 * together with the per-variable problems (zod skips object-level refinements when a field failed). */
const REQUIRED_WITH: ReadonlyArray<[enabler: string, required: string]> = [
  ['AAC_API_URL', 'AAC_CLIENT_ID'],
  ['AAC_API_URL', 'AAC_REFRESH_TOKEN'],
  ['SERVER_API_URL', 'SERVER_CLIENT_ID'],
  ['SERVER_API_URL', 'SERVER_CLIENT_SECRET'],
];

function missingDependents(source: NodeJS.ProcessEnv): string[] {
  const set = (key: string) => (source[key] ?? '').trim() !== '';
  return REQUIRED_WITH.filter(([enabler, required]) => set(enabler) && !set(required)).map(
    ([enabler, required]) => `${required}: required with ${enabler}`,
  );
}

/** BRIDGE_DEMO against the upstream settings: demo mode on request only, never mixed with a real upstream. */
function demoProblems(source: NodeJS.ProcessEnv): string[] {
  const set = (key: string) => (source[key] ?? '').trim() !== '';
  const upstream = set('AAC_API_URL') || set('SERVER_API_URL');
  const demo = (source.BRIDGE_DEMO ?? '').trim();
  const provisioning = (source.BRIDGE_PROVISIONING ?? 'on').trim() !== 'off';
  if (demo === '1' && upstream)
    return ['BRIDGE_DEMO: 1 (the embedded simulators) cannot be combined with AAC_API_URL or SERVER_API_URL'];
  if (demo === '0' && !upstream && provisioning)
    return [
      'no upstream configured (BRIDGE_DEMO=0 turns the embedded simulators off): set AAC_API_URL with ' +
        'AAC_CLIENT_ID and AAC_REFRESH_TOKEN, and/or SERVER_API_URL with SERVER_CLIENT_ID and SERVER_CLIENT_SECRET ' +
        '(docs/setup/aac.md, docs/setup/server.md); or BRIDGE_DEMO=1 for the simulators; or ' +
        'BRIDGE_PROVISIONING=off to only store',
    ];
  return [];
}

export type Env = z.infer<typeof envSchema>;

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** Parses the environment; throws ConfigError listing every problem. Never echoes a value (it may be a secret). */
export function loadEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const result = envSchema.safeParse(source);
  const problems = [
    ...(result.success ? [] : result.error.issues.map((i) => `${i.path.join('.') || '(env)'}: ${i.message}`)),
    ...missingDependents(source),
    ...demoProblems(source),
  ];
  if (problems.length > 0 || !result.success) throw new ConfigError(problems);
  return result.data;
}

/**
 * Demo mode: the bridge starts its embedded simulators. By default when no upstream is configured
 * (docs/reference/bridge-interface.md "Start"); BRIDGE_DEMO=1 asks for it, BRIDGE_DEMO=0 (the container image) forbids it.
 */
export function isDemoMode(env: Env): boolean {
  if (env.BRIDGE_DEMO === '0') return false;
  return env.BRIDGE_DEMO === '1' || (!env.AAC_API_URL && !env.SERVER_API_URL);
}

/** The input limits of a parsed configuration. */
export function inputLimits(env: Env): InputLimits {
  const entries = Object.entries(LIMIT_VARIABLES).map(([key, variable]) => [key, env[variable as keyof Env]]);
  return Object.fromEntries(entries) as InputLimits;
}

/** BRIDGE_TRUST_PROXY as Express's `trust proxy` value; `false` (no proxy trusted) when unset. */
export function trustProxySetting(env: Env): boolean | number | string {
  const raw = env.BRIDGE_TRUST_PROXY;
  if (raw === undefined) return false;
  if (/^true$/i.test(raw)) return true;
  if (/^\d+$/.test(raw)) return Number(raw);
  return raw;
}
