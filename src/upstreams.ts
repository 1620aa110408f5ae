// Builds the upstream side from the configuration: one connector per configured target, or — with no target
// configured — the embedded AAC and Server simulators with a connector to each (demo mode, docs/reference/bridge-interface.md).
import type { Connector } from './core/connector.js';
import type { CredentialStore } from './core/credential-store.js';
import type { UpstreamObserver } from './core/observability.js';
import type { Env } from './config/env.js';
import { isDemoMode } from './config/env.js';
import { createAacConnector, createServerConnector } from './connectors/index.js';
import type { Logger } from './shared/logger.js';
import { StartError } from './shared/start-error.js';
import { startSimulators, type RunningSimulators } from './simulators/index.js';

export interface Upstreams {
  connectors: Connector[];
  /** the embedded simulators, in demo mode */
  simulators?: RunningSimulators | undefined;
  close(): Promise<void>;
}

/** Upstream settings as the connectors take them, from the environment or from the demo simulators. */
export function upstreamEnv(env: Env, sims?: RunningSimulators): Env {
  if (!sims) return env;
  return {
    ...env,
    AAC_API_URL: sims.aac.baseUrl,
    AAC_TOKEN_URL: sims.aac.tokenUrl,
    AAC_CLIENT_ID: sims.aac.clientId,
    AAC_REFRESH_TOKEN: sims.aac.refreshToken,
    AAC_WORKSPACE_ID: String(sims.aac.workspaceId),
    SERVER_API_URL: sims.server.baseUrl,
    SERVER_CLIENT_ID: sims.server.clientId,
    SERVER_CLIENT_SECRET: sims.server.clientSecret,
  };
}

/** The embedded simulators of demo mode; a port in use is a one-line start error naming the variable to change. */
async function startDemoSimulators(env: Env): Promise<RunningSimulators> {
  try {
    return await startSimulators({ aacPort: env.SIM_AAC_PORT, serverPort: env.SIM_SERVER_PORT });
  } catch (err) {
    const { code, port } = err as { code?: string; port?: number };
    if (code !== 'EADDRINUSE' && code !== 'EACCES') throw err;
    const variable = port === env.SIM_SERVER_PORT ? 'SIM_SERVER_PORT' : 'SIM_AAC_PORT';
    throw new StartError(
      `demo mode: cannot start the embedded simulator on 127.0.0.1:${port ?? '?'}: ` +
        `${code === 'EADDRINUSE' ? 'the port is already in use' : 'permission denied'}; ` +
        `set ${variable} (0 = any free port)`,
      1,
      { cause: err },
    );
  }
}

export async function createUpstreams(
  env: Env,
  credentialStore: CredentialStore,
  logger: Logger,
  observer?: UpstreamObserver,
): Promise<Upstreams> {
  const simulators = isDemoMode(env) ? await startDemoSimulators(env) : undefined;
  if (simulators) {
    logger.warn(
      { aac: simulators.aac.baseUrl, server: simulators.server.baseUrl },
      'DEMO MODE: no upstream configured (AAC_API_URL / SERVER_API_URL unset); provisioning into the embedded AAC and Server simulators (state at /__sim/state on each)',
    );
  }
  const cfg = upstreamEnv(env, simulators);
  // Connector log lines name their target themselves: a child logger binding `target` too would write the key
  // twice in the same JSON line.
  const connectorLogger = logger.child({ component: 'connector' });
  const connectors: Connector[] = [];
  // loadEnv guarantees the credentials that go with each URL (REQUIRED_WITH); this keeps the types honest.
  const need = (value: string | undefined, name: string): string => {
    if (!value) throw new Error(`${name} is required`);
    return value;
  };
  if (cfg.AAC_API_URL) {
    connectors.push(
      createAacConnector(
        {
          apiUrl: cfg.AAC_API_URL,
          tokenUrl: cfg.AAC_TOKEN_URL,
          clientId: need(cfg.AAC_CLIENT_ID, 'AAC_CLIENT_ID'),
          initialRefreshToken: need(cfg.AAC_REFRESH_TOKEN, 'AAC_REFRESH_TOKEN'),
          workspaceId: cfg.AAC_WORKSPACE_ID,
          rateLimit: { requestsPerSecond: cfg.AAC_RATE_LIMIT_RPS, maxConcurrent: cfg.AAC_MAX_CONCURRENCY },
          batchWindowMs: cfg.AAC_BATCH_WINDOW_MS,
          busyBatchWindowMs: cfg.AAC_BATCH_BUSY_WINDOW_MS,
        },
        { credentialStore, logger: connectorLogger, observer },
      ),
    );
  }
  if (cfg.SERVER_API_URL) {
    connectors.push(
      createServerConnector(
        {
          apiUrl: cfg.SERVER_API_URL,
          clientId: need(cfg.SERVER_CLIENT_ID, 'SERVER_CLIENT_ID'),
          clientSecret: need(cfg.SERVER_CLIENT_SECRET, 'SERVER_CLIENT_SECRET'),
          defaultRole: cfg.SERVER_DEFAULT_ROLE,
          groupRole: cfg.SERVER_GROUP_ROLE,
          deleteMode: cfg.SERVER_DELETE_MODE,
          rateLimit: {
            requestsPerSecond: cfg.SERVER_RATE_LIMIT_RPS,
            maxConcurrent: cfg.SERVER_MAX_CONCURRENCY,
          },
        },
        { credentialStore, logger: connectorLogger, observer },
      ),
    );
  }
  return {
    connectors,
    simulators,
    close: async () => {
      await Promise.all(connectors.map((c) => c.close()));
      await simulators?.close();
    },
  };
}
