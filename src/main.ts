// Boot: configuration → listen → database (migrations) → bridge → serve; graceful shutdown on SIGINT/SIGTERM.
// A start that cannot serve says why in one line on stderr and exits non-zero: bad configuration (2), a port that
// cannot be bound, an unusable database (1). The port is bound first, so a second instance on the same port stops
// before it touches the database or starts provisioning workers.
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import { ConfigError, isDemoMode, loadEnv, type Env } from './config/env.js';
import { buildProvisionedBridge, CLI_COMMAND, createMetrics, type Bridge } from './container.js';
import { answerClientErrors } from './http/client-error.js';
import { generateToken } from './store/tokens.repository.js';
import { RUNNER_TUNING } from './core/provisioning/runner.js';
import { shutDown } from './shutdown.js';
import { createLogger, type Logger } from './shared/logger.js';
import { StartError } from './shared/start-error.js';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** Answers 503 while the bridge is still starting (migrations, connectors), so early probes get an answer. */
const starting: Handler = (_req, res) => {
  res.writeHead(503, { 'Content-Type': 'application/json', 'Retry-After': '1' });
  res.end('{"status":"starting"}');
};

/** The one-line reason of a listen error (EADDRINUSE, EACCES, EADDRNOTAVAIL). */
function listenErrorMessage(err: NodeJS.ErrnoException, host: string, port: number): string {
  const where = `${host}:${port}`;
  switch (err.code) {
    case 'EADDRINUSE':
      return `cannot listen on ${where}: the port is already in use (another bridge or program?); set PORT to a free port`;
    case 'EACCES':
    case 'EPERM':
      return `cannot listen on ${where}: permission denied (ports below 1024 need privileges); set PORT to 1024 or above`;
    case 'EADDRNOTAVAIL':
      return `cannot listen on ${where}: this machine has no such address; set HOST (0.0.0.0 = every interface)`;
    default:
      return `cannot listen on ${where}: ${err.message}`;
  }
}

function listen(server: http.Server, env: Env): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) =>
      reject(new StartError(listenErrorMessage(err, env.HOST, env.PORT)));
    server.once('error', onError);
    server.listen(env.PORT, env.HOST, () => {
      server.off('error', onError);
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : env.PORT);
    });
  });
}

/** Outside demo mode nobody hands out a token: say how to make one, or every IdP request is a 401. */
async function warnWithoutScimToken(bridge: Bridge, logger: Logger): Promise<void> {
  if ((await bridge.tokens.activeCount()) > 0) return;
  logger.warn(
    `no SCIM token is active: every IdP request will be refused (401). Create one with ` +
      `\`${CLI_COMMAND} tokens create --name okta\` (or \`npm run -s cli -- tokens create --name okta\`), ` +
      'or set SCIM_TOKEN',
  );
}

async function main(): Promise<void> {
  let env: Env;
  try {
    env = loadEnv();
  } catch (err) {
    if (err instanceof ConfigError) throw new StartError(err.message, 2);
    throw err;
  }
  const logger = createLogger(env.LOG_LEVEL);
  let handler: Handler = starting;
  const server = http.createServer((req, res) => handler(req, res));
  server.keepAliveTimeout = 65_000;
  answerClientErrors(server);
  const port = await listen(server, env);

  const demo = isDemoMode(env) && env.BRIDGE_PROVISIONING === 'on';
  if (demo && !env.SCIM_TOKEN) {
    // Demo mode must work with no setup at all: give the user a token to paste into curl or the IdP.
    env = { ...env, SCIM_TOKEN: generateToken() };
    process.stdout.write(`\nDemo mode: SCIM bearer token for this run: ${env.SCIM_TOKEN}\n\n`);
  }
  const metrics = createMetrics(logger, true);
  let bridge: Bridge;
  try {
    bridge = await buildProvisionedBridge(env, logger, { metrics });
  } catch (err) {
    server.close();
    throw err;
  }
  handler = bridge.app;
  logger.info(
    { host: env.HOST, port, database: bridge.handle.provider },
    `SCIM endpoint: http://${env.HOST === '0.0.0.0' ? '127.0.0.1' : env.HOST}:${port}/scim/v2`,
  );
  if (!demo) await warnWithoutScimToken(bridge, logger);
  // The start-up check: every readiness check once, now. A refused upstream credential is logged as an error at
  // once (the bridge keeps running: the IdP's writes are stored and queued until the credential is fixed).
  void bridge.readiness.runNow().then(
    (report) => {
      if (report.ready) logger.info({ checks: report.checks.length }, 'start-up check: ready');
    },
    (err: unknown) => logger.error({ err }, 'start-up check failed'),
  );

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
  if (err instanceof StartError) {
    process.stderr.write(`scim-bridge: ${err.message}\n`);
    process.exit(err.exitCode);
  }
  process.stderr.write(
    `scim-bridge: failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  );
  process.exit(1);
});
