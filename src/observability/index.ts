// Wiring of metrics and readiness for the composition root (src/container.ts): the state gauges read from the
// store and from the readiness registry. Issue 10 adds its providers here (held deprovisions, drift items).
import type { TargetName } from '../core/connector.js';
import type { JobStat } from '../store/provisioning/job-stats.js';
import { oldestPendingAgeSeconds } from '../store/provisioning/job-stats.js';
import type { BridgeMetrics } from './metrics.js';
import type { Readiness } from './readiness.js';

export { BridgeMetrics, type GaugeProvider, type GaugeSample } from './metrics.js';
export { Readiness, type CheckOutcome, type ReadinessCheck, type ReadinessReport } from './readiness.js';
export * from './checks.js';

/** States every target reports, 0 included, so that alerts can compare with a value instead of a missing series. */
const ALWAYS_REPORTED_STATES = ['queued', 'running', 'failed'];

/** Reuses one reading for `ttlMs` (a scrape and a readiness probe close together make one query). */
export function cached<T>(read: () => Promise<T>, ttlMs = 1_000): () => Promise<T> {
  let last: { at: number; value: Promise<T> } | undefined;
  return () => {
    if (!last || Date.now() - last.at > ttlMs) {
      const value = read();
      last = { at: Date.now(), value };
      value.catch(() => {
        last = undefined;
      });
    }
    return last.value;
  };
}

/** `scim_bridge_jobs{target,state}` and `scim_bridge_oldest_pending_job_age_seconds{target}`. */
export function addJobGauges(
  metrics: BridgeMetrics,
  targets: readonly TargetName[],
  stats: () => Promise<JobStat[]>,
): void {
  metrics.addGauge({
    name: 'scim_bridge_jobs',
    help: 'provisioning jobs by target and state (queued, running, failed; held once deprovisioning limits exist); done jobs are not counted',
    labelNames: ['target', 'state'],
    collect: async () => {
      const samples = new Map<string, { labels: Record<string, string>; value: number }>();
      for (const target of targets)
        for (const state of ALWAYS_REPORTED_STATES)
          samples.set(`${target}/${state}`, { labels: { target, state }, value: 0 });
      for (const stat of await stats())
        samples.set(`${stat.target}/${stat.state}`, {
          labels: { target: stat.target, state: stat.state },
          value: stat.count,
        });
      return [...samples.values()];
    },
  });
  metrics.addGauge({
    name: 'scim_bridge_oldest_pending_job_age_seconds',
    help: 'age of the oldest queued or running provisioning job per target (0 = none pending)',
    labelNames: ['target'],
    collect: async () => {
      const ages = oldestPendingAgeSeconds(await stats(), new Date());
      return targets.map((target) => ({ labels: { target }, value: Math.round(ages.get(target) ?? 0) }));
    },
  });
}

/** `scim_bridge_readiness_check{check,state,reason}` = 1 for each check's current state (state ok|warning|error). */
export function addReadinessGauge(metrics: BridgeMetrics, readiness: Readiness): void {
  metrics.addGauge({
    name: 'scim_bridge_readiness_check',
    help: 'current state of each readiness check (1), with its reason code',
    labelNames: ['check', 'state', 'reason'],
    collect: async () => {
      const { checks } = await readiness.report();
      return checks.map((c) => ({
        labels: {
          check: c.name,
          state: !c.ok ? 'error' : c.warning ? 'warning' : 'ok',
          reason: c.error ?? c.warning ?? '',
        },
        value: 1,
      }));
    },
  });
}
