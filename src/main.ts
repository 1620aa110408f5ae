// Boot: configuration → database (migrations) → bridge → listen; graceful shutdown on SIGINT/SIGTERM.
import type { Server } from 'node:http';
import { ConfigError, isDemoMode, loadEnv } from './config/env.js';
import { buildBridge } from './container.js';
import { createLogger } from './shared/logger.js';

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
  if (isDemoMode(env)) {
    logger.warn('no upstream configured (AAC_API_URL / SERVER_API_URL unset): the bridge only stores');
  }
  const bridge = await buildBridge({ env, logger });
  const server: Server = bridge.app.listen(env.PORT, env.HOST, () => {
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : env.PORT;
    logger.info({ host: env.HOST, port, database: bridge.handle.provider }, `SCIM endpoint: http://${env.HOST === '0.0.0.0' ? '127.0.0.1' : env.HOST}:${port}/scim/v2`);
  });
  server.keepAliveTimeout = 65_000;

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    server.close(() => {
      bridge.close().then(
        () => process.exit(0),
        (err: unknown) => {
          logger.error({ err }, 'error during shutdown');
          process.exit(1);
        },
      );
    });
    server.closeIdleConnections();
    setTimeout(() => process.exit(1), 10_000).unref();
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((err: unknown) => {
  process.stderr.write(`scim-bridge: failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
