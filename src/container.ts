// Composition root: the only module that knows every layer. Builds the bridge from a parsed configuration.
import type { Express } from 'express';
import { GroupsService } from './app/groups.service.js';
import { NO_PROVISIONING, type ProvisioningGateway } from './app/provisioning-gateway.js';
import { UsersService } from './app/users.service.js';
import { inputLimits, trustProxySetting, type Env } from './config/env.js';
import { createApp } from './http/app.js';
import type { ReadinessCheck } from './http/health.router.js';
import type { Logger } from './shared/logger.js';
import { openDatabase, type DatabaseHandle } from './store/database.js';
import { migrate } from './store/migrator.js';
import { TokenRepository } from './store/tokens.repository.js';
import { createPrismaCredentialStore, createProvisioning } from './store/provisioning/index.js';
import { createUpstreams, type Upstreams } from './upstreams.js';

export interface Bridge {
  app: Express;
  handle: DatabaseHandle;
  tokens: TokenRepository;
  users: UsersService;
  groups: GroupsService;
  close(): Promise<void>;
}

export interface BridgeOptions {
  env: Env;
  logger: Logger;
  /** provisioning into the upstream targets; none = the bridge only stores */
  provisioning?: ProvisioningGateway;
  readiness?: ReadinessCheck[];
  onClose?: () => Promise<void>;
  /** an already opened (and migrated) database */
  handle?: DatabaseHandle;
}

export async function openMigratedDatabase(env: Env, logger: Logger): Promise<DatabaseHandle> {
  const applied = await migrate(env.DATABASE_URL);
  if (applied.length > 0) logger.info({ migrations: applied }, 'database migrations applied');
  return openDatabase(env.DATABASE_URL);
}

export async function buildBridge(options: BridgeOptions): Promise<Bridge> {
  const { env, logger, provisioning, readiness = [], onClose } = options;
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
  const users = new UsersService(handle, gateway, env.BRIDGE_UPSTREAM_DEADLINE_MS);
  const groups = new GroupsService(handle, gateway, env.BRIDGE_UPSTREAM_DEADLINE_MS);
  const app = createApp({
    logger,
    tokens,
    users,
    groups,
    readiness: [
      {
        name: 'database',
        check: async () => {
          await handle.db.$queryRawUnsafe('SELECT 1');
        },
      },
      ...readiness,
    ],
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
): Promise<Bridge & { upstreams?: Upstreams }> {
  if (env.BRIDGE_PROVISIONING === 'off') {
    logger.warn('BRIDGE_PROVISIONING=off: the bridge only stores; nothing is provisioned upstream');
    return buildBridge({ env, logger });
  }
  const handle = await openMigratedDatabase(env, logger);
  const upstreams = await createUpstreams(env, createPrismaCredentialStore(handle), logger);
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
  const bridge = await buildBridge({
    env,
    logger,
    handle,
    provisioning,
    readiness: upstreams.connectors.map((c) => ({
      name: `upstream:${c.target}`,
      check: () => c.checkReady({ requestId: 'readyz' }),
    })),
    onClose: async () => {
      await provisioning.stop();
      await upstreams.close();
    },
  });
  return { ...bridge, upstreams };
}
