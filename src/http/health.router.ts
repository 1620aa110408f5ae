// Liveness and readiness (docs/reference/bridge-interface.md): JSON, no authentication. /readyz lists every check as
// {name, ok, warning?, error?} with stable reason codes only: the detail behind a failure (hosts, ports, upstream
// messages) goes to the log and the readiness metric, never to this unauthenticated answer (issue 8, defect 6).
// `?only=database,scim_token` limits which checks decide the status (every check is still listed): a Kubernetes
// readiness probe can keep accepting IdP writes, which are stored and queued, while an upstream is down.
import { Router } from 'express';

export interface ReadinessSource {
  report(only?: readonly string[]): Promise<{
    ready: boolean;
    checks: Array<{ name: string; ok: boolean; warning?: string; error?: string }>;
  }>;
}

export function healthRouter(readiness: ReadinessSource): Router {
  const router = Router();

  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });

  router.get('/readyz', async (req, res) => {
    const only =
      typeof req.query.only === 'string' ? req.query.only.split(',').map((s) => s.trim()) : undefined;
    const { ready, checks } = await readiness.report(only?.filter(Boolean));
    res
      .status(ready ? 200 : 503)
      .setHeader('Cache-Control', 'no-store')
      .json({ status: ready ? 'ready' : 'not ready', checks });
  });
  return router;
}
