// Composition root: the only module that knows every layer. Builds the bridge from a parsed configuration.
import type { Express } from 'express';
import { GroupsService } from './app/groups.service.js';
import { NO_PROVISIONING, type ProvisioningGateway } from './app/provisioning-gateway.js';
import { UsersService } from './app/users.service.js';
import { WritePipeline } from './app/write-pipeline.js';
import { recordScimRequest } from './store/audit.repository.js';
import { GroupsRepository } from './store/groups.repository.js';
import { withSqlTransaction } from './store/sql-runner.js';
import { createUserReads } from './store/user-reads.js';
import { UsersRepository } from './store/users.repository.js';
import { inputLimits, trustProxySetting, type Env } from './config/env.js';
import { createApp } from './http/app.js';
import {
  BridgeMetrics,
  Readiness,
  aacRefreshTokenCheck,
  addJobGauges,
  addReadinessGauge,
  backlogCheck,
  cached,
  databaseCheck,
  scimTokenCheck,
  upstreamCheck,
  type ReadinessCheck,
} from './observability/index.js';
import type { Logger } from './shared/logger.js';
import { openDatabase, type DatabaseHandle } from './store/database.js';
import { describeDatabase, openDatabaseOrExplain } from './store/database-errors.js';
import { migrate } from './store/migrator.js';
import { TokenRepository } from './store/tokens.repository.js';
import type { Connector, TargetName } from './core/connector.js';
import type { RequestOutcome } from './core/provisioning/model.js';
import { ProvisioningRunner, type RunnerOptions } from './core/provisioning/runner.js';
import { ProvisioningSignals, type WorkSignal } from './core/provisioning/signals.js';
import type { LoggerLike } from './shared/log.js';
import type { SqlRunner } from './store/sql.js';
import {
  createPrismaCredentialStore,
  enqueueGroupSync,
  enqueueUserSync,
  PrismaProvisioningStore,
} from './store/provisioning/index.js';
import { jobStats, oldestPendingAgeSeconds } from './store/provisioning/job-stats.js';
import { createUpstreams, type Upstreams } from './upstreams.js';

/** How the operator runs the CLI, for messages (the image and `npm start` both have dist/). */
export const CLI_COMMAND = 'node dist/cli/index.js';

export interface Bridge {
  app: Express;
  handle: DatabaseHandle;
  tokens: TokenRepository;
  users: UsersService;
  groups: GroupsService;
  /** the readiness checks behind /readyz (issue 10 adds `held_deprovisions` with `readiness.add`) */
  readiness: Readiness;
  /** the metrics behind /metrics (issue 10 adds gauges with `metrics.addGauge`) */
  metrics: BridgeMetrics;
  close(): Promise<void>;
}

export interface BridgeOptions {
  env: Env;
  logger: Logger;
  /** provisioning into the upstream targets; none = the bridge only stores */
  provisioning?: ProvisioningGateway;
  /** readiness checks besides `database` and `scim_token` (upstreams, backlog, AAC refresh token) */
  readiness?: ReadinessCheck[];
  /** default: a fresh registry without the Node process metrics (main.ts passes one with them) */
  metrics?: BridgeMetrics;
  onClose?: () => Promise<void>;
  /** an already opened (and migrated) database */
  handle?: DatabaseHandle;
}

export type ProvisioningOptions = Pick<RunnerOptions, 'workersPerTarget' | 'leaseMs'> &
  Partial<RunnerOptions> & {
    /** the default deadline of awaitRequest() (BRIDGE_UPSTREAM_DEADLINE_MS) */
    requestDeadlineMs: number;
  };

/** Durable provisioning as the SCIM services see it (ProvisioningGateway), plus its lifecycle. */
export interface Provisioning extends ProvisioningGateway {
  /** the configured targets, in the order of the connectors given */
  readonly targets: TargetName[];
  start(): Promise<void>;
  /** Stops the workers and flushes the audit trail. Does not close the connectors (their owner does). */
  stop(): Promise<void>;
  /** What the IdP's request waits for; `deadlineMs` defaults to options.requestDeadlineMs. */
  awaitRequest(requestId: string, deadlineMs?: number): Promise<RequestOutcome>;
  /** Writes buffered audit rows now. */
  flushAudit(): Promise<void>;
  /** Tells this instance's runner that jobs were queued (for writers of jobs other than enqueueUser/enqueueGroup). */
  readonly signals: WorkSignal;
  /** enqueueUserSync for this instance's targets (call inside the SCIM transaction). */
  enqueueUser(run: SqlRunner, p: { requestId: string; userId: string }): Promise<void>;
  /** enqueueGroupSync for this instance's targets (call inside the SCIM transaction). */
  enqueueGroup(
    run: SqlRunner,
    p: { requestId: string; groupId: string; added?: string[]; removed?: string[] },
  ): Promise<void>;
}

/** Wires the core runner to the store, the connectors and one set of in-process signals. */
export function createProvisioning(p: {
  handle: DatabaseHandle;
  connectors: readonly Connector[];
  logger: LoggerLike;
  options: ProvisioningOptions;
}): Provisioning {
  const { requestDeadlineMs, ...runnerOptions } = p.options;
  const signals = new ProvisioningSignals();
  const runner = new ProvisioningRunner(
    new PrismaProvisioningStore(p.handle),
    p.connectors,
    p.logger,
    signals,
    runnerOptions,
  );
  const labels = new Map(p.connectors.map((c) => [c.target, c.traits.label]));
  return {
    targets: runner.targets,
    start: () => runner.start(),
    stop: () => runner.stop(),
    awaitRequest: (requestId, deadlineMs = requestDeadlineMs) => runner.awaitRequest(requestId, deadlineMs),
    flushAudit: () => runner.flushAudit(),
    enqueueUser: (run, q) => enqueueUserSync(run, { ...q, targets: runner.targets }, signals),
    enqueueGroup: (run, q) => enqueueGroupSync(run, { ...q, targets: runner.targets }, signals),
    labelOf: (target) => labels.get(target) ?? target,
    signals,
  };
}

/** Opens the database and applies migrations; a failure says which database and why (DatabaseStartError). */
export async function openMigratedDatabase(env: Env, logger: Logger): Promise<DatabaseHandle> {
  return openDatabaseOrExplain(env.DATABASE_URL, async () => {
    const applied = await migrate(env.DATABASE_URL);
    if (applied.length > 0) logger.info({ migrations: applied }, 'database migrations applied');
    const handle = openDatabase(env.DATABASE_URL);
    await handle.db.$queryRawUnsafe('SELECT 1');
    return handle;
  });
}

/** A metrics registry whose failing gauges are logged; main.ts asks for the Node process metrics too. */
export function createMetrics(logger: Logger, processMetrics = false): BridgeMetrics {
  return new BridgeMetrics({
    processMetrics,
    onCollectError: (gauge, err) => logger.warn({ err, gauge }, 'could not read a metric'),
  });
}

export async function buildBridge(options: BridgeOptions): Promise<Bridge> {
  const { env, logger, provisioning, onClose } = options;
  const handle = options.handle ?? (await openMigratedDatabase(env, logger));
  const tokens = new TokenRepository(handle);
  if (env.SCIM_TOKEN) {
    const registered = await tokens.registerEnvToken(env.SCIM_TOKEN);
    if (registered.revokedAt)
      logger.warn(
        { tokenId: registered.id, revokedAt: registered.revokedAt.toISOString() },
        'SCIM_TOKEN is revoked and stays revoked: requests with it get 401. Set SCIM_TOKEN to a new value ' +
          '(e.g. `openssl rand -base64 32`) and restart, or create a token with `npm run cli -- tokens create --name <name>`.',
      );
  }
  const gateway = provisioning ?? NO_PROVISIONING;
  const pipeline = new WritePipeline({
    transaction: (fn) => withSqlTransaction(handle, fn),
    audit: (run, entry) => recordScimRequest(run, entry),
    provisioning: gateway,
    deadlineMs: env.BRIDGE_UPSTREAM_DEADLINE_MS,
  });
  const userRepository = new UsersRepository(handle);
  const groupRepository = new GroupsRepository(handle);
  const users = new UsersService({
    users: userRepository,
    groups: groupRepository,
    reads: createUserReads(handle),
    pipeline,
    provider: handle.provider,
  });
  const groups = new GroupsService({
    groups: groupRepository,
    users: userRepository,
    pipeline,
    provider: handle.provider,
  });
  const metrics = options.metrics ?? createMetrics(logger);
  const readiness = new Readiness(logger.child({ component: 'readiness' }))
    .add(databaseCheck(() => handle.db.$queryRawUnsafe('SELECT 1'), describeDatabase(handle.url)))
    .add(scimTokenCheck(() => tokens.activeCount(), CLI_COMMAND));
  for (const check of options.readiness ?? []) readiness.add(check);
  addReadinessGauge(metrics, readiness);
  const app = createApp({
    logger,
    tokens,
    users,
    groups,
    readiness,
    metrics:
      env.BRIDGE_METRICS === 'on'
        ? {
            render: () => metrics.render(),
            token: env.METRICS_TOKEN,
            httpRequest: (m) => metrics.httpRequest(m),
            scimAuthFailure: (reason) => metrics.scimAuthFailure(reason),
          }
        : undefined,
    maxBodyBytes: env.BRIDGE_MAX_BODY_BYTES,
    maxResults: env.BRIDGE_MAX_RESULTS,
    publicUrl: env.BRIDGE_PUBLIC_URL,
    trustProxy: trustProxySetting(env),
    limits: inputLimits(env),
  });
  return {
    app,
    handle,
    tokens,
    users,
    groups,
    readiness,
    metrics,
    close: async () => {
      await onClose?.();
      users.close();
      await handle.close();
    },
  };
}

/**
 * The whole product as `npm start` runs it: the bridge plus durable provisioning into the configured targets
 * (or into the embedded simulators in demo mode). Workers start before the first request is served, so work
 * left queued by a previous run (crash, restart) resumes at once.
 */
export async function buildProvisionedBridge(
  env: Env,
  logger: Logger,
  options: { metrics?: BridgeMetrics } = {},
): Promise<Bridge & { upstreams?: Upstreams }> {
  const metrics = options.metrics ?? createMetrics(logger);
  if (env.BRIDGE_PROVISIONING === 'off') {
    logger.warn('BRIDGE_PROVISIONING=off: the bridge only stores; nothing is provisioned upstream');
    return buildBridge({ env, logger, metrics });
  }
  const handle = await openMigratedDatabase(env, logger);
  const upstreams = await createUpstreams(env, createPrismaCredentialStore(handle), logger, metrics).catch(
    async (err: unknown) => {
      await handle.close();
      throw err;
    },
  );
  const provisioning = createProvisioning({
    handle,
    connectors: upstreams.connectors,
    logger: logger.child({ component: 'provisioning' }),
    options: {
      workersPerTarget: env.BRIDGE_WORKERS_PER_TARGET,
      requestDeadlineMs: env.BRIDGE_UPSTREAM_DEADLINE_MS,
      leaseMs: env.BRIDGE_LEASE_MS,
    },
  });
  await provisioning.start();
  const targets = upstreams.connectors.map((c) => c.target);
  const stats = cached(() => jobStats(handle));
  addJobGauges(metrics, targets, stats);
  const bridge = await buildBridge({
    env,
    logger,
    handle,
    provisioning,
    metrics,
    readiness: [
      ...upstreams.connectors.map(upstreamCheck),
      backlogCheck(
        async () => oldestPendingAgeSeconds(await stats(), new Date()),
        env.BRIDGE_BACKLOG_ALERT_MIN,
      ),
      ...(targets.includes('aac') ? [aacRefreshTokenCheck(() => metrics.refreshTokenExpiresAt('aac'))] : []),
    ],
    onClose: async () => {
      await provisioning.stop();
      await upstreams.close();
    },
  });
  return { ...bridge, upstreams };
}
