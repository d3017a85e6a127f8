// HTTP requests by route (the route's pattern, never the raw URL: ids would make a label per case),
// method and status, with their latency.
import type { RequestHandler } from 'express';
import { Counter, Histogram } from 'prom-client';
import { METRIC_PREFIX, processRegistry } from '../../lib/metrics/registry.js';

const labelNames = ['method', 'route', 'status'] as const;
const requests = new Counter({
  name: `${METRIC_PREFIX}http_requests_total`,
  help: 'HTTP requests answered, by method, route pattern and status',
  labelNames,
  registers: [processRegistry()],
});
const duration = new Histogram({
  name: `${METRIC_PREFIX}http_request_duration_seconds`,
  help: 'Time to answer an HTTP request, by method, route pattern and status',
  labelNames,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [processRegistry()],
});

export function httpMetrics(): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const pattern = (req.route as { path?: unknown } | undefined)?.path;
      const route = typeof pattern === 'string' ? `${req.baseUrl}${pattern}` : 'unmatched';
      const labels = { method: req.method, route, status: String(res.statusCode) };
      requests.inc(labels);
      duration.observe(labels, Number(process.hrtime.bigint() - started) / 1e9);
    });
    next();
  };
}
