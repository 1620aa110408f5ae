// The AAC simulator's moving parts in one place. Routes read `sim.runtime` on every request, so a reset swaps in a
// fresh store and token issuer without rebuilding the Express app.
import { SimClock } from '../shared/clock.js';
import { FaultInjector } from '../shared/faults.js';
import { RequestLog } from '../shared/request-log.js';
import { GroupsService } from './groups-service.js';
import { PeopleService } from './people-service.js';
import { RateLimiter } from './rate-limiter.js';
import { RolesService } from './roles-service.js';
import { mergeAacSettings, parseAacSettings, type AacSettings } from './settings.js';
import { AacStore } from './store.js';
import { AacTokenService } from './tokens.js';

export interface AacSimulatorConfig {
  /** the public OAuth client id the token endpoint accepts */
  clientId: string;
  /** the first refresh token (any string), valid for `workspaceId` */
  refreshToken: string;
  /** the workspace the first refresh token belongs to; a second one (`workspaceId + 1`) is seeded as well */
  workspaceId: number;
  settings?: Partial<AacSettings>;
  /** fixed latency for every simulated route */
  latencyMs?: number;
}

export interface AacRuntime {
  store: AacStore;
  tokens: AacTokenService;
  people: PeopleService;
  roles: RolesService;
  groups: GroupsService;
}

export class AacSimulator {
  readonly clock = new SimClock();
  readonly faults = new FaultInjector();
  readonly log = new RequestLog();
  readonly rateLimiter = new RateLimiter();
  settings: AacSettings;
  runtime: AacRuntime;
  /** origin the simulator is reachable at (set once listening); used as the JWT issuer for in-process issuance */
  origin = 'http://127.0.0.1';

  constructor(readonly config: AacSimulatorConfig) {
    this.settings = parseAacSettings(config.settings ?? {});
    this.runtime = this.buildRuntime();
    if (config.latencyMs) this.faults.setLatency({ fixedMs: config.latencyMs });
  }

  /** JWT `iss`: the token URL minus `/token` (A.2.2, Part D #4). */
  issuer(origin: string = this.origin): string {
    return origin + this.settings.token_endpoint_path.replace(/\/token$/, '');
  }

  updateSettings(patch: unknown): AacSettings {
    this.settings = mergeAacSettings(this.settings, patch);
    this.rateLimiter.clear();
    return this.settings;
  }

  /** Back to the state right after start: seed data, the first refresh token, start settings, no faults, empty log. */
  reset(): void {
    this.clock.reset();
    this.settings = parseAacSettings(this.config.settings ?? {});
    this.faults.clear();
    this.faults.setLatency(this.config.latencyMs ? { fixedMs: this.config.latencyMs } : null);
    this.log.clear();
    this.rateLimiter.clear();
    this.runtime = this.buildRuntime();
  }

  private buildRuntime(): AacRuntime {
    const settings = () => this.settings;
    const store = new AacStore();
    store.seed({
      workspaceId: this.config.workspaceId,
      nowIso: this.clock.nowIso(),
      nowMs: this.clock.now(),
    });
    const tokens = new AacTokenService(this.clock, settings);
    const admin = store.adminOf(this.config.workspaceId);
    if (admin)
      tokens.seedRefreshToken(this.config.refreshToken, {
        workspaceId: this.config.workspaceId,
        personId: admin.id,
        clientId: this.config.clientId,
      });
    const people = new PeopleService(store, this.clock, settings);
    return {
      store,
      tokens,
      people,
      roles: new RolesService(store, people),
      groups: new GroupsService(store, people, this.clock),
    };
  }
}
