// Webhook delivery attempts by outcome, counted where they are made (activities/webhooks):
// `delivered` (2xx), `failed` (another answer, no answer), `refused` (a target the policy refuses).
// The webhook_deliveries table keeps the durable record of each attempt.
import { Counter, Histogram } from 'prom-client';
import type { PostStatus } from '../webhooks/send.js';
import { METRIC_PREFIX, processRegistry } from './registry.js';

const attempts = new Counter({
  name: `${METRIC_PREFIX}webhook_deliveries_total`,
  help: 'Webhook delivery attempts made by this worker, by outcome (delivered, failed, refused)',
  labelNames: ['outcome'] as const,
  registers: [processRegistry()],
});
const latency = new Histogram({
  name: `${METRIC_PREFIX}webhook_delivery_seconds`,
  help: 'Time of one webhook delivery attempt, until the answer or the failure',
  buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [processRegistry()],
});

export function countWebhookAttempt(outcome: PostStatus, latencyMs: number): void {
  attempts.inc({ outcome });
  latency.observe(latencyMs / 1000);
}
