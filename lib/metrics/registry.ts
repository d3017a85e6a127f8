// The process's Prometheus registry (prom-client's default one): Node's own metrics (CPU, memory,
// event loop, GC) and the counters modules declare at load time. The API adds its case gauges and
// the worker the Temporal SDK's own metrics when they serve /metrics.
import { collectDefaultMetrics, register, type Registry } from 'prom-client';

export const METRIC_PREFIX = 'bankfeed_';

let defaultsCollected = false;

export function processRegistry(): Registry {
  if (!defaultsCollected) {
    collectDefaultMetrics({ register });
    defaultsCollected = true;
  }
  return register;
}

export const PROMETHEUS_CONTENT_TYPE = register.contentType;
