// GET /metrics (Prometheus text format) and the per-request measurement behind scim_bridge_http_requests_total and
// scim_bridge_http_request_duration_seconds. The route label is the matched route's template
// (`/scim/v2/Users/:id`), never the path: ids and emails in URLs must not become label values. A request that
// matched no route (unknown path, refused before routing: 401, 404) is `unmatched`.
import crypto from 'node:crypto';
import { Router, type NextFunction, type Request, type Response } from 'express';

export interface HttpMeasurement {
  method: string;
  route: string;
  status: number;
  seconds: number;
}

export interface MetricsEndpoint {
  render(): Promise<{ contentType: string; body: string }>;
  /** METRICS_TOKEN: when set, /metrics needs `Authorization: Bearer <it>` */
  token?: string | undefined;
}

export const UNMATCHED_ROUTE = 'unmatched';

/** The template of the route that answered, prefixed with the mount point (`/scim/v2`) it was reached under. */
export function routeLabel(req: Request, mounts: readonly string[]): string {
  const route = (req.route as { path?: unknown } | undefined)?.path;
  if (typeof route !== 'string') return UNMATCHED_ROUTE;
  const path = (req.originalUrl.split('?')[0] ?? '').replace(/\/{2,}/g, '/').toLowerCase();
  const mount = mounts.find((m) => path === m.toLowerCase() || path.startsWith(`${m.toLowerCase()}/`));
  return (mount ?? '') + route;
}

export function httpMetrics(observe: (m: HttpMeasurement) => void, mounts: readonly string[]) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const started = performance.now();
    res.once('finish', () => {
      observe({
        method: req.method,
        route: routeLabel(req, mounts),
        status: res.statusCode,
        seconds: (performance.now() - started) / 1000,
      });
    });
    next();
  };
}

function sameSecret(given: string, expected: string): boolean {
  const a = crypto.createHash('sha256').update(given).digest();
  const b = crypto.createHash('sha256').update(expected).digest();
  return crypto.timingSafeEqual(a, b);
}

/** GET /metrics as a single route handler (a nested router would cost every request a traversal). */
export function metricsHandler(endpoint: MetricsEndpoint) {
  return async (req: Request, res: Response): Promise<void> => {
    if (endpoint.token) {
      const header = req.get('authorization') ?? '';
      const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
      if (!match?.[1] || !sameSecret(match[1], endpoint.token)) {
        res
          .status(401)
          .setHeader('WWW-Authenticate', 'Bearer realm="metrics"')
          .type('text/plain')
          .send('metrics need Authorization: Bearer <METRICS_TOKEN>\n');
        return;
      }
    }
    const { contentType, body } = await endpoint.render();
    res.setHeader('Content-Type', contentType);
    res.setHeader('Cache-Control', 'no-store');
    res.send(body);
  };
}

/** The same handler in a router (the OpenAPI test lists the routers' routes). */
export function metricsRouter(endpoint: MetricsEndpoint): Router {
  const router = Router();
  router.get('/metrics', metricsHandler(endpoint));
  return router;
}
