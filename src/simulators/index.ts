// One way to run the AAC and Server simulators, in-process (tests, the bridge's demo mode) or standalone (main.ts).
import { createAacSimulatorApp } from './aac/app.js';
import type { AacControl } from './aac/control.js';
import type { AacSettings } from './aac/settings.js';
import { createServerSimulatorApp } from './server/app.js';
import type { ServerControl } from './server/control.js';
import type { ServerSettings } from './server/settings.js';
import { listen } from './shared/listen.js';

export { createAacSimulatorApp, type AacSimulatorApp } from './aac/app.js';
export { AacControl, type InviteeRef } from './aac/control.js';
export { aacSettingsSchema, type AacSettings, type AacRateLimitRule } from './aac/settings.js';
export type { AacSimulatorConfig } from './aac/simulator.js';
export { createServerSimulatorApp, type ServerSimulatorApp } from './server/app.js';
export { ServerControl, type AssetCounts } from './server/control.js';
export { serverSettingsSchema, type ServerSettings } from './server/settings.js';
export { SEEDED_CURATOR_EMAIL, type ServerSimulatorConfig } from './server/simulator.js';
export { SERVER_ROLES, type ServerRole } from './server/roles.js';
export type { FaultSpec, FaultView, LatencySpec } from './shared/faults.js';
export type { LoggedRequest } from './shared/request-log.js';

/** Obviously fake credentials used when none are given (documented in docs/simulators.md). */
export const SIMULATOR_DEFAULTS = {
  host: '127.0.0.1',
  aacClientId: 'sim-aac-client',
  aacRefreshToken: 'sim-aac-refresh-token-0',
  aacWorkspaceId: 31429,
  serverClientId: 'sim-server-key',
  serverClientSecret: 'sim-server-secret',
} as const;

export interface SimulatorOptions {
  /** loopback address to listen on; default 127.0.0.1 */
  host?: string;
  /** 0 = random free port (default) */
  aacPort?: number;
  serverPort?: number;
  aacClientId?: string;
  /** the first refresh token; any string */
  aacRefreshToken?: string;
  aacWorkspaceId?: number;
  serverClientId?: string;
  serverClientSecret?: string;
  aacSettings?: Partial<AacSettings>;
  serverSettings?: Partial<ServerSettings>;
  /** fixed latency added to every simulated route of both simulators */
  latencyMs?: number;
}

export interface RunningSimulators {
  aac: {
    /** http://127.0.0.1:PORT — the /v4 API is at baseUrl + '/v4', the gateway surface at baseUrl + '/iam/v1' */
    baseUrl: string;
    /** baseUrl + '/as/token' (the `token_endpoint_path` setting at start) */
    tokenUrl: string;
    clientId: string;
    refreshToken: string;
    workspaceId: number;
    control: AacControl;
  };
  server: {
    /** http://127.0.0.1:PORT/webapi (the `base_path` setting at start) */
    baseUrl: string;
    /** the origin without the base path, where /__sim/ lives */
    origin: string;
    clientId: string;
    clientSecret: string;
    control: ServerControl;
  };
  close(): Promise<void>;
}

export async function startSimulators(opts: SimulatorOptions = {}): Promise<RunningSimulators> {
  const host = opts.host ?? SIMULATOR_DEFAULTS.host;
  const aacConfig = {
    clientId: opts.aacClientId ?? SIMULATOR_DEFAULTS.aacClientId,
    refreshToken: opts.aacRefreshToken ?? SIMULATOR_DEFAULTS.aacRefreshToken,
    workspaceId: opts.aacWorkspaceId ?? SIMULATOR_DEFAULTS.aacWorkspaceId,
    ...(opts.aacSettings && { settings: opts.aacSettings }),
    ...(opts.latencyMs !== undefined && { latencyMs: opts.latencyMs }),
  };
  const serverConfig = {
    clientId: opts.serverClientId ?? SIMULATOR_DEFAULTS.serverClientId,
    clientSecret: opts.serverClientSecret ?? SIMULATOR_DEFAULTS.serverClientSecret,
    ...(opts.serverSettings && { settings: opts.serverSettings }),
    ...(opts.latencyMs !== undefined && { latencyMs: opts.latencyMs }),
  };
  const aac = createAacSimulatorApp(aacConfig);
  const server = createServerSimulatorApp(serverConfig);
  const aacListening = await listen(aac.app, host, opts.aacPort ?? 0);
  const serverListening = await listen(server.app, host, opts.serverPort ?? 0).catch(
    async (error: unknown) => {
      await aacListening.close();
      throw error;
    },
  );
  aac.simulator.origin = aacListening.origin;
  return {
    aac: {
      baseUrl: aacListening.origin,
      tokenUrl: aacListening.origin + aac.simulator.settings.token_endpoint_path,
      clientId: aacConfig.clientId,
      refreshToken: aacConfig.refreshToken,
      workspaceId: aacConfig.workspaceId,
      control: aac.control,
    },
    server: {
      baseUrl: serverListening.origin + server.simulator.settings.base_path,
      origin: serverListening.origin,
      clientId: serverConfig.clientId,
      clientSecret: serverConfig.clientSecret,
      control: server.control,
    },
    close: async () => {
      await Promise.all([aacListening.close(), serverListening.close()]);
    },
  };
}
