// The cost of the HTTP metrics middleware on GET /scim/v2/Users/{id}: two bridges on one seeded SQLite file, one with
// BRIDGE_METRICS=on (the default) and one with BRIDGE_METRICS=off, both warm, loaded in turns (on/off, then off/on,
// …) with short autocannon runs. Each pair gives two ratios measured seconds apart: throughput (on/off) and the
// bridge process's CPU time per request (from /proc). On a machine shared with other work, figures swing by tens of
// percent between runs; the median of the paired ratios cancels most of that. Used by bench/metrics-cost.ts
// (standalone) and bench/scim.ts (phase g).
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import type { RequestParams } from 'autocannon';
import { runLoad, type LoadSummary } from './load.js';
import { startBridge, type BridgeServer } from './processes.js';

export interface CostPair {
  pair: number;
  on: { load: LoadSummary; cpuMicrosPerRequest: number };
  off: { load: LoadSummary; cpuMicrosPerRequest: number };
  loadavg: number[];
}

export interface MetricsCost {
  pairs: CostPair[];
  /** medians over the pairs */
  medians: { on: { reqPerSec: number; cpuMicros: number }; off: { reqPerSec: number; cpuMicros: number } };
  /** median of (1 - on/off throughput) over the pairs, in % */
  throughputCostPercent: number;
  /** median of (on/off CPU per request - 1) over the pairs, in % */
  cpuCostPercent: number;
}

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

/** user + system CPU seconds of a process so far (Linux /proc; NaN elsewhere). */
function cpuSeconds(pid: number): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return NaN;
  }
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  if (sorted.length === 0) return NaN;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

async function load(
  bridge: BridgeServer,
  ids: string[],
  durationS: number,
  connections: number,
): Promise<{ load: LoadSummary; cpuMicrosPerRequest: number }> {
  const byId = {
    method: 'GET' as const,
    setupRequest: (req: RequestParams) => ({
      ...req,
      method: 'GET',
      path: `/scim/v2/Users/${ids[Math.floor(Math.random() * ids.length)]}`,
    }),
  };
  const cpuBefore = cpuSeconds(bridge.pid);
  const result = await runLoad({
    url: `${bridge.baseUrl}/scim/v2`,
    headers: { authorization: `Bearer ${bridge.token}` },
    connections,
    duration: durationS,
    requests: [byId],
  });
  const cpu = cpuSeconds(bridge.pid) - cpuBefore;
  return { load: result, cpuMicrosPerRequest: Math.round((cpu / Math.max(1, result.requests)) * 1e6) };
}

export async function measureMetricsCost(options: {
  projectRoot: string;
  /** a seeded SQLite file no bridge is running on */
  databaseFile: string;
  ids: string[];
  pairs: number;
  durationS: number;
  connections: number;
  log?: (line: string) => void;
}): Promise<MetricsCost> {
  const token = crypto.randomBytes(24).toString('hex');
  const start = (metrics: 'on' | 'off') =>
    startBridge(options.projectRoot, 'warn', '0', {
      env: { BRIDGE_METRICS: metrics },
      databaseFile: options.databaseFile,
      token,
    });
  const on = await start('on');
  const off = await start('off');
  const pairs: CostPair[] = [];
  try {
    for (const [bridge, metrics] of [
      [on, 'on'],
      [off, 'off'],
    ] as const) {
      const probe = await fetch(`${bridge.baseUrl}/metrics`);
      if ((probe.status === 200) !== (metrics === 'on'))
        throw new Error(`/metrics answered ${probe.status} with BRIDGE_METRICS=${metrics}`);
      await load(bridge, options.ids, 2, options.connections); // warm-up (JIT, caches)
    }
    for (let pair = 1; pair <= options.pairs; pair++) {
      // Alternate which goes first, so a drift in the machine's load does not favour one side.
      const first = pair % 2 ? 'on' : 'off';
      const runs: Record<'on' | 'off', Awaited<ReturnType<typeof load>>> = {} as never;
      for (const side of first === 'on' ? (['on', 'off'] as const) : (['off', 'on'] as const))
        runs[side] = await load(
          side === 'on' ? on : off,
          options.ids,
          options.durationS,
          options.connections,
        );
      const loadavg = os.loadavg().map((l) => Math.round(l * 100) / 100);
      pairs.push({ pair, on: runs.on, off: runs.off, loadavg });
      options.log?.(
        `pair ${pair}: on ${runs.on.load.reqPerSec} req/s ${runs.on.cpuMicrosPerRequest} µs CPU/req; ` +
          `off ${runs.off.load.reqPerSec} req/s ${runs.off.cpuMicrosPerRequest} µs CPU/req; load ${loadavg.join(' / ')}`,
      );
    }
  } finally {
    await Promise.all([on.stop(), off.stop()]);
  }
  const side = (s: 'on' | 'off') => ({
    reqPerSec: median(pairs.map((p) => p[s].load.reqPerSec)),
    cpuMicros: median(pairs.map((p) => p[s].cpuMicrosPerRequest)),
  });
  const round1 = (x: number) => Math.round(x * 10) / 10;
  return {
    pairs,
    medians: { on: side('on'), off: side('off') },
    throughputCostPercent: round1(
      median(pairs.map((p) => (1 - p.on.load.reqPerSec / p.off.load.reqPerSec) * 100)),
    ),
    cpuCostPercent: round1(
      median(pairs.map((p) => (p.on.cpuMicrosPerRequest / p.off.cpuMicrosPerRequest - 1) * 100)),
    ),
  };
}

/** Three lines: both sides and the cost, as the benchmarks print them. */
export function describeCost(cost: MetricsCost): string {
  const { on, off } = cost.medians;
  return (
    `  metrics off: median ${off.reqPerSec} req/s, ${off.cpuMicros} µs CPU per request\n` +
    `  metrics on:  median ${on.reqPerSec} req/s, ${on.cpuMicros} µs CPU per request\n` +
    `  cost of the metrics middleware (median of ${cost.pairs.length} paired runs): ` +
    `${cost.cpuCostPercent} % CPU per request, ${cost.throughputCostPercent} % throughput (goal < 5 %)`
  );
}
