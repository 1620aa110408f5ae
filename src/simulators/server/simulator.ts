// The Server simulator's moving parts; routes read `sim.runtime` per request so a reset swaps in fresh state.
import { SimClock } from '../shared/clock.js';
import { FaultInjector } from '../shared/faults.js';
import { RequestLog } from '../shared/request-log.js';
import { mergeServerSettings, parseServerSettings, type ServerSettings } from './settings.js';
import { ServerStore } from './store.js';
import { ServerTokenService } from './tokens.js';

export interface ServerSimulatorConfig {
  /** API access key of the seeded Curator */
  clientId: string;
  /** API access secret of the seeded Curator */
  clientSecret: string;
  settings?: Partial<ServerSettings>;
  latencyMs?: number;
}

export interface ServerRuntime {
  store: ServerStore;
  tokens: ServerTokenService;
  /** id of the seeded Curator who owns the configured API key */
  curatorId: string;
}

export const SEEDED_CURATOR_EMAIL = 'curator@sim-server.example.com';

export class ServerSimulator {
  readonly clock = new SimClock();
  readonly faults = new FaultInjector();
  readonly log = new RequestLog();
  settings: ServerSettings;
  runtime: ServerRuntime;

  constructor(readonly config: ServerSimulatorConfig) {
    this.settings = parseServerSettings(config.settings ?? {});
    this.runtime = this.buildRuntime();
    if (config.latencyMs) this.faults.setLatency({ fixedMs: config.latencyMs });
  }

  updateSettings(patch: unknown): ServerSettings {
    this.settings = mergeServerSettings(this.settings, patch);
    return this.settings;
  }

  reset(): void {
    this.clock.reset();
    this.settings = parseServerSettings(this.config.settings ?? {});
    this.faults.clear();
    this.faults.setLatency(this.config.latencyMs ? { fixedMs: this.config.latencyMs } : null);
    this.log.clear();
    this.runtime = this.buildRuntime();
  }

  private buildRuntime(): ServerRuntime {
    const settings = () => this.settings;
    const store = new ServerStore(this.clock, settings);
    // The API key owner: a Curator with API access (B.2). The duplicate-email rule does not matter for the seed.
    const curator = store.createUser({
      firstName: 'Sim',
      lastName: 'Curator',
      email: SEEDED_CURATOR_EMAIL,
      role: 'Curator',
      isApiEnabled: true,
      isValidated: true,
    });
    store.credentials.set(this.config.clientId, { secret: this.config.clientSecret, userId: curator.id });
    return { store, tokens: new ServerTokenService(this.clock, settings), curatorId: curator.id };
  }
}
