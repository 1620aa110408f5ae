// Fault and latency injection shared by both simulators (the brief's "POST /__sim/faults" and latency controls).
// A fault rule answers the next N matching calls with an error status, holds the socket (hang) or drops it, so the
// bridge's retry, timeout and back-off paths can be exercised. Latency applies to every simulated route.
import type { NextFunction, Request, Response } from 'express';
import { z } from 'zod';
import { compilePathPattern, methodMatches, type PathMatcher } from './path-pattern.js';

export const faultSpecSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('status'),
    /** 429 gets the simulator's retry header (AAC `x-retry-after`, Server `Retry-After`) */
    status: z.union([z.literal(429), z.literal(500), z.literal(502), z.literal(503), z.literal(504)]),
    retryAfterSeconds: z.number().int().min(0).default(1),
    method: z.string().optional(),
    path: z.string().min(1),
    count: z.number().int().min(1).default(1),
  }),
  z.object({
    kind: z.literal('hang'),
    /** how long the socket is held before the `then` action */
    ms: z.number().int().min(0).max(600_000),
    then: z.enum(['answer', 'destroy']).default('destroy'),
    method: z.string().optional(),
    path: z.string().min(1),
    count: z.number().int().min(1).default(1),
  }),
  z.object({
    kind: z.literal('drop'),
    method: z.string().optional(),
    path: z.string().min(1),
    count: z.number().int().min(1).default(1),
  }),
]);

export type FaultSpec = z.input<typeof faultSpecSchema>;
export type ParsedFaultSpec = z.output<typeof faultSpecSchema>;

export const latencySpecSchema = z.union([
  z.null(),
  z.object({ fixedMs: z.number().int().min(0).max(60_000) }),
  z
    .object({ minMs: z.number().int().min(0), maxMs: z.number().int().min(0).max(60_000) })
    .refine((v) => v.minMs <= v.maxMs, {
      message: 'minMs must not exceed maxMs',
    }),
]);
export type LatencySpec = z.infer<typeof latencySpecSchema>;

export interface FaultView {
  id: number;
  spec: ParsedFaultSpec;
  remaining: number;
}

interface ActiveFault extends FaultView {
  matches: PathMatcher;
}

/** Sends the simulator-specific body and retry header for an injected status. */
export type FaultResponder = (req: Request, res: Response, status: number, retryAfterSeconds: number) => void;

export class FaultInjector {
  private faults: ActiveFault[] = [];
  private nextId = 1;
  private latency: LatencySpec = null;

  add(spec: FaultSpec): FaultView {
    const parsed = faultSpecSchema.parse(spec);
    const fault: ActiveFault = {
      id: this.nextId++,
      spec: parsed,
      remaining: parsed.count,
      matches: compilePathPattern(parsed.path),
    };
    this.faults.push(fault);
    return this.view(fault);
  }

  list(): FaultView[] {
    return this.faults.map((fault) => this.view(fault));
  }

  clear(): void {
    this.faults = [];
  }

  setLatency(spec: LatencySpec): void {
    this.latency = latencySpecSchema.parse(spec);
  }

  getLatency(): LatencySpec {
    return this.latency;
  }

  /** Consumes one use of the first rule matching this call, if any. */
  take(method: string, path: string): ParsedFaultSpec | undefined {
    const fault = this.faults.find(
      (candidate) => methodMatches(candidate.spec.method, method) && candidate.matches(path),
    );
    if (!fault) return undefined;
    fault.remaining -= 1;
    if (fault.remaining <= 0) this.faults = this.faults.filter((candidate) => candidate !== fault);
    return fault.spec;
  }

  latencyMs(): number {
    const latency = this.latency;
    if (latency === null) return 0;
    if ('fixedMs' in latency) return latency.fixedMs;
    return latency.minMs + Math.floor(Math.random() * (latency.maxMs - latency.minMs + 1));
  }

  private view(fault: ActiveFault): FaultView {
    return { id: fault.id, spec: fault.spec, remaining: fault.remaining };
  }
}

/** Runs before any simulated route: applies latency first, then the first matching fault. `/__sim/` is exempt. */
export function faultMiddleware(injector: FaultInjector, respond: FaultResponder) {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (req.path.startsWith('/__sim/')) return next();
    const delay = injector.latencyMs();
    const fault = injector.take(req.method, req.path);
    const apply = (): void => {
      if (!fault) return next();
      switch (fault.kind) {
        case 'status':
          return respond(req, res, fault.status, fault.retryAfterSeconds);
        case 'drop':
          req.socket.destroy();
          return;
        case 'hang':
          setTimeout(() => {
            if (fault.then === 'destroy') req.socket.destroy();
            else if (!req.socket.destroyed) next();
          }, fault.ms);
          return;
      }
    };
    if (delay > 0) setTimeout(apply, delay);
    else apply();
  };
}
