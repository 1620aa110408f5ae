// Shared set-up: a migrated database, fake AAC-like and Server-like connectors, a fast runner.
import type { Connector, TargetName } from '../../src/core/connector.js';
import type { LoggerLike } from '../../src/shared/log.js';
import type { DatabaseHandle } from '../../src/store/database.js';
import { createProvisioning, type Provisioning, type ProvisioningOptions } from '../../src/container.js';
import { FakeConnector } from './fake-connector.js';

/** Runner settings that make retries and polls take milliseconds. */
export const FAST = {
  workersPerTarget: 4,
  pollIntervalMs: 25,
  leaseMs: 2_000,
  retrySoonMs: 10,
  crossProcessRecheckMs: 50,
  stopTimeoutMs: 2_000,
  backoff: { baseMs: 10, maxMs: 40, authBaseMs: 30, authMaxMs: 60 },
  audit: { maxBatch: 100, flushIntervalMs: 10 },
  requestDeadlineMs: 5_000,
} satisfies ProvisioningOptions;

export interface LogLine {
  level: 'debug' | 'info' | 'warn' | 'error';
  obj: object;
  msg?: string | undefined;
}

export function recordingLogger(): LoggerLike & { lines: LogLine[] } {
  const lines: LogLine[] = [];
  const at = (level: LogLine['level']) => (obj: object, msg?: string) => void lines.push({ level, obj, msg });
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

export function fakeTargets(): { aac: FakeConnector; server: FakeConnector } {
  return { aac: new FakeConnector('aac'), server: new FakeConnector('server') };
}

export function startProvisioning(
  handle: DatabaseHandle,
  connectors: Connector[],
  options: Partial<ProvisioningOptions> = {},
  logger: LoggerLike = recordingLogger(),
): Provisioning {
  return createProvisioning({ handle, connectors, logger, options: { ...FAST, ...options } });
}

export async function mapping(
  handle: DatabaseHandle,
  resourceType: 'User' | 'Group',
  scimId: string,
  target: TargetName,
) {
  return handle.db.idMapping.findUnique({
    where: { resourceType_scimId_target: { resourceType, scimId, target } },
  });
}

export async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}
