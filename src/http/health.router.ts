// Liveness and readiness (docs/reference/bridge-interface.md): JSON, no authentication. Readiness proves the database answers
// and each configured upstream yields a token; it is cached for a few seconds so probes cannot hammer upstreams.
import { Router } from 'express';

export interface ReadinessCheck {
  name: string;
  check(): Promise<void>;
}

interface CheckResult {
  name: string;
  ok: boolean;
  error?: string;
}

export function healthRouter(checks: ReadinessCheck[], cacheMs = 5_000): Router {
  const router = Router();
  let cached: { at: number; results: CheckResult[] } | null = null;

  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });

  router.get('/readyz', async (_req, res) => {
    if (!cached || Date.now() - cached.at > cacheMs) {
      const results = await Promise.all(
        checks.map(async (readiness): Promise<CheckResult> => {
          const { name } = readiness;
          try {
            await readiness.check();
            return { name, ok: true };
          } catch (err) {
            return { name, ok: false, error: err instanceof Error ? err.message : String(err) };
          }
        }),
      );
      cached = { at: Date.now(), results };
    }
    const ready = cached.results.every((r) => r.ok);
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not ready', checks: cached.results });
  });
  return router;
}
