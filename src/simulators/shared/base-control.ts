// The controls both simulators share (request log, reset, settings, faults, latency, clock), written once.
// Each simulator's control class extends this with its own `state()` and product-specific hooks.
import type { CommonControl } from './control-router.js';
import type { FaultInjector, FaultSpec, FaultView, LatencySpec } from './faults.js';
import type { LoggedRequest, RequestLog } from './request-log.js';
import type { SimClock } from './clock.js';

/** What a simulator exposes to its controls. */
export interface ControllableSimulator<Settings> {
  readonly clock: SimClock;
  readonly faults: FaultInjector;
  readonly log: RequestLog;
  readonly settings: Settings;
  reset(): void;
  updateSettings(patch: unknown): Settings;
}

export abstract class BaseControl<
  Settings,
  Sim extends ControllableSimulator<Settings>,
> implements CommonControl {
  constructor(protected readonly sim: Sim) {}

  abstract state(): unknown;

  requests(): LoggedRequest[] {
    return this.sim.log.list();
  }

  requestCounts(): Record<string, number> {
    return this.sim.log.counts();
  }

  reset(): void {
    this.sim.reset();
  }

  settings(): Settings {
    return this.sim.settings;
  }

  /** Validated partial update (throws ZodError on a bad key or value). */
  updateSettings(patch: unknown): Settings {
    return this.sim.updateSettings(patch);
  }

  addFault(spec: FaultSpec): FaultView {
    return this.sim.faults.add(spec);
  }

  faults(): FaultView[] {
    return this.sim.faults.list();
  }

  clearFaults(): void {
    this.sim.faults.clear();
  }

  setLatency(spec: LatencySpec): void {
    this.sim.faults.setLatency(spec);
  }

  latency(): LatencySpec {
    return this.sim.faults.getLatency();
  }

  advanceClock(ms: number): void {
    this.sim.clock.advance(ms);
  }
}
