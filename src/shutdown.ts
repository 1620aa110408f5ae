// Graceful shutdown on SIGTERM/SIGINT, within a documented bound (README "Shutdown"):
//   1. stop accepting connections and drain the requests in flight, for at most the request bound: a SCIM write
//      waits up to BRIDGE_UPSTREAM_DEADLINE_MS for its upstream work (ADR 0003), and the provisioning runner keeps
//      working meanwhile, because that is what those requests wait for; idle keep-alive connections close at once,
//      and the ones still busy at the bound are cut;
//   2. then close the bridge: the runner stops taking jobs and waits for running executions (RUNNER_TUNING
//      .stopTimeoutMs; the rest go back to the queue when their lease expires), the buffered audit rows are
//      written, the connectors and the database close.
// The process exits on its own when all that is done, and is forced out at the total bound otherwise.
import type { Server } from 'node:http';
import type { LoggerLike } from './shared/log.js';

export interface ShutdownBounds {
  /** how long requests in flight may take to finish (the upstream deadline plus a margin for the database) */
  drainMs: number;
  /** how long closing the bridge may take: the runner's stop wait plus the audit flush and the connections */
  closeMs: number;
}

export interface Closeable {
  close(): Promise<void>;
}

/** Drains `server`, then closes `bridge`; resolves with the exit code. Never takes longer than drain + close. */
export async function shutDown(
  server: Server,
  bridge: Closeable,
  bounds: ShutdownBounds,
  logger: LoggerLike,
): Promise<number> {
  const drained = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  // Keep-alive connections that finish a request become idle: close them as they do.
  const idleSweep = setInterval(() => server.closeIdleConnections(), 100);
  const drainedInTime = await within(drained, bounds.drainMs);
  clearInterval(idleSweep);
  if (!drainedInTime) {
    logger.warn({ drainMs: bounds.drainMs }, 'requests still running at the shutdown bound were cut');
    server.closeAllConnections();
  }
  try {
    if (!(await within(bridge.close(), bounds.closeMs))) {
      logger.error({ closeMs: bounds.closeMs }, 'the bridge did not close within the shutdown bound');
      return 1;
    }
    return 0;
  } catch (err) {
    logger.error({ err }, 'error during shutdown');
    return 1;
  }
}

/** True when `promise` settles within `ms` (its rejection is passed on), false at the bound. */
async function within(promise: Promise<void>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([promise.then(() => true as const), bound]);
  } finally {
    clearTimeout(timer);
  }
}
