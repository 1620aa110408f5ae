// The `/__sim/` control surface common to both simulators: state, request log, reset, settings, faults, latency,
// clock. Simulator-specific controls are added by the caller. Kept apart from the simulated API on purpose: nothing
// here imitates Alteryx, and the request log never records these calls.
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { ZodError } from 'zod';
import type { FaultSpec, FaultView, LatencySpec } from './faults.js';
import type { LoggedRequest } from './request-log.js';

export interface CommonControl {
  state(): unknown;
  requests(): LoggedRequest[];
  /** requests since the last reset by `METHOD route-pattern` (exact, unlike the bounded log) */
  requestCounts(): Record<string, number>;
  reset(): void;
  settings(): unknown;
  updateSettings(patch: unknown): unknown;
  addFault(spec: FaultSpec): FaultView;
  faults(): FaultView[];
  clearFaults(): void;
  setLatency(spec: LatencySpec): void;
  latency(): LatencySpec;
  advanceClock(ms: number): void;
}

/** Thrown by control methods for a bad request (unknown person, …). */
export class ControlError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function numberField(body: unknown, name: string): number {
  const value =
    typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[name] : undefined;
  if (typeof value !== 'number' || !Number.isFinite(value))
    throw new ControlError(400, `"${name}" must be a number`);
  return value;
}

export function createControlRouter(
  control: CommonControl,
  addExtraRoutes: (router: Router) => void,
): Router {
  const router = express.Router();
  router.use(express.json({ limit: '10mb' }));
  router.get('/state', (_req, res) => void res.json(control.state()));
  router.get('/requests', (_req, res) => void res.json(control.requests()));
  router.get('/requests/counts', (_req, res) => void res.json(control.requestCounts()));
  router.post('/reset', (_req, res) => {
    control.reset();
    res.status(204).end();
  });
  router.get('/settings', (_req, res) => void res.json(control.settings()));
  router.put('/settings', (req, res) => void res.json(control.updateSettings(req.body)));
  router.get('/faults', (_req, res) => void res.json(control.faults()));
  router.post('/faults', (req, res) => void res.status(201).json(control.addFault(req.body as FaultSpec)));
  router.delete('/faults', (_req, res) => {
    control.clearFaults();
    res.status(204).end();
  });
  router.get('/latency', (_req, res) => void res.json({ latency: control.latency() }));
  router.put('/latency', (req, res) => {
    const body: unknown = req.body;
    control.setLatency(
      (typeof body === 'object' && body !== null && 'latency' in body ? body.latency : body) as LatencySpec,
    );
    res.json({ latency: control.latency() });
  });
  router.post('/clock/advance', (req, res) => {
    control.advanceClock(numberField(req.body, 'ms'));
    res.status(204).end();
  });
  addExtraRoutes(router);
  router.use(
    (req, res) => void res.status(404).json({ error: `no control ${req.method} /__sim${req.path}` }),
  );
  router.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    if (error instanceof ZodError)
      return void res.status(400).json({ error: 'invalid', issues: error.issues });
    if (error instanceof ControlError) return void res.status(error.status).json({ error: error.message });
    if (error instanceof SyntaxError) return void res.status(400).json({ error: 'malformed JSON' });
    res.status(500).json({ error: error instanceof Error ? error.message : 'control failed' });
  });
  return router;
}
