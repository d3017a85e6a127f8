import { timingSafeEqual } from 'node:crypto';
import { Router } from 'express';
import { PROMETHEUS_CONTENT_TYPE, processRegistry } from '../../lib/metrics/registry.js';
import type { AppDeps } from '../deps.js';
import { caseMetrics } from '../metrics/cases.js';

const sameToken = (given: string, expected: string) =>
  given.length === expected.length && timingSafeEqual(Buffer.from(given), Buffer.from(expected));

/**
 * GET /metrics in Prometheus' text format: the process, HTTP requests, and the journeys read from
 * the database. Open like /readyz, or behind `Authorization: Bearer <METRICS_TOKEN>` when set.
 */
export function metricsRoutes(deps: AppDeps): Router {
  const router = Router();
  const cases = caseMetrics(deps.prisma, deps);
  router.get('/metrics', async (req, res) => {
    if (deps.metricsToken && !sameToken(req.get('authorization') ?? '', `Bearer ${deps.metricsToken}`)) {
      res.setHeader('WWW-Authenticate', 'Bearer realm="metrics"');
      res.status(401).type('text/plain').send('metrics need the METRICS_TOKEN bearer token\n');
      return;
    }
    try {
      const text = (await processRegistry().metrics()) + '\n' + (await cases.metrics());
      res.type(PROMETHEUS_CONTENT_TYPE).send(text);
    } catch (error) {
      req.log.warn({ err: { message: (error as Error).message } }, 'metrics not collected');
      res.status(503).type('text/plain').send('metrics unavailable: the database did not answer\n');
    }
  });
  return router;
}
