// Boot: configuration → database (migrations) → bridge → listen; graceful shutdown on SIGINT/SIGTERM.
import type { Server } from 'node:http';
import { ConfigError, isDemoMode, loadEnv } from './config/env.js';
import { buildProvisionedBridge } from './container.js';
import { answerClientErrors } from './http/client-error.js';
import { generateToken } from './store/tokens.repository.js';
import { RUNNER_TUNING } from './core/provisioning/runner.js';
import { createLogger } from './shared/logger.js';
import { shutDown } from './shutdown.js';

async function main(): Promise<void> {
  let env;
  try {
    env = loadEnv();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`scim-bridge: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const logger = createLogger(env.LOG_LEVEL);
  if (isDemoMode(env) && env.BRIDGE_PROVISIONING === 'on' && !env.SCIM_TOKEN) {
    // Demo mode must work with no setup at all: give the user a token to paste into curl or the IdP.
    env = { ...env, SCIM_TOKEN: generateToken() };
    process.stdout.write(`\nDemo mode: SCIM bearer token for this run: ${env.SCIM_TOKEN}\n\n`);
  }
  const bridge = await buildProvisionedBridge(env, logger);
  const server: Server = bridge.app.listen(env.PORT, env.HOST, () => {
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : env.PORT;
    logger.info(
      { host: env.HOST, port, database: bridge.handle.provider },
      `SCIM endpoint: http://${env.HOST === '0.0.0.0' ? '127.0.0.1' : env.HOST}:${port}/scim/v2`,
    );
  });
  server.keepAliveTimeout = 65_000;
  answerClientErrors(server);

  // The documented bound (README "Shutdown"): requests get the upstream deadline plus 5 s for the database, the
  // runner its stop wait plus 5 s for the audit flush and the connections.
  const bounds = {
    drainMs: env.BRIDGE_UPSTREAM_DEADLINE_MS + 5_000,
    closeMs: RUNNER_TUNING.stopTimeoutMs + 5_000,
  };
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info(
      { signal, ...bounds },
      'shutting down: draining requests, then provisioning and the audit trail',
    );
    void shutDown(server, bridge, bounds, logger).then((code) => process.exit(code));
    // Backstop only: shutDown keeps to the bounds itself.
    setTimeout(() => process.exit(1), bounds.drainMs + bounds.closeMs + 1_000).unref();
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((err: unknown) => {
  process.stderr.write(
    `scim-bridge: failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  );
  process.exit(1);
});
