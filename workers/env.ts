import { z } from 'zod';
import { emailEnvSchema } from '../lib/email/env.js';
import { eventsEnvSchema } from '../lib/events/retention.js';
import { webhookDeliveryEnvFields } from '../lib/webhooks/env.js';
import { refuseDevSecretsKeyInProduction, webhookSecretsKeyFields } from '../lib/webhooks/secret-box.js';
import { databaseEnvSchema } from '../lib/config/database-env.js';
import { logLevel, parseEnv } from '../lib/config/env.js';
import { temporalEnvSchema } from '../lib/config/temporal-env.js';
import { refuseDevSecretInProduction, withPublicBaseUrlDefault } from '../lib/links/env.js';
import type { ReconcilerInput } from '../workflows/reconciler/contract.js';

/** The sticky cache's size unless WORKER_MAX_CACHED_WORKFLOWS says otherwise (see bench sleeping in the README). */
export const WORKER_CACHE_DEFAULT = 100;

/** Everything the worker reads: Temporal, database, e-mail and signed links. */
export const workerEnvSchema = temporalEnvSchema
  .extend(databaseEnvSchema.shape)
  .extend(emailEnvSchema.shape)
  .extend({
    LOG_LEVEL: logLevel,
    /** Seconds a shutting-down worker lets running activities finish. */
    WORKER_SHUTDOWN_GRACE_SECONDS: z.coerce.number().int().min(0).max(3600).default(30),
    /** Serve GET /metrics (Prometheus) on this port; none when unset. 0 picks a free port. */
    WORKER_METRICS_PORT: z.coerce.number().int().min(0).max(65_535).optional(),
    WORKER_METRICS_HOST: z.string().min(1).default('0.0.0.0'),
    /**
     * Workflows kept in memory between their tasks (the sticky cache). The SDK's default grows with the heap
     * (2,310 on a 4 GB heap) at roughly half a megabyte each; a sleeping journey evicted from it is replayed from
     * its history when its timer fires. `npm run bench -- sleeping` measures the memory against this.
     */
    WORKER_MAX_CACHED_WORKFLOWS: z.coerce.number().int().min(0).max(100_000).default(WORKER_CACHE_DEFAULT),
    /** Workflow tasks run at once; at most the cache size (the SDK's default is 40). */
    WORKER_WORKFLOW_TASK_SLOTS: z.coerce.number().int().min(2).max(1_000).default(40),
    /** Between two rounds of the reconciler of pending starts (workflows/reconciler). */
    RECONCILER_INTERVAL_SECONDS: z.coerce.number().int().min(1).max(3600).default(60),
    /**
     * A pending start younger than this is left to the API, whose start may be in flight (TEMPORAL_RPC_TIMEOUT_MS);
     * a start made twice is harmless (one workflow per business key), only wasted.
     */
    RECONCILER_MIN_AGE_SECONDS: z.coerce.number().int().min(0).max(3600).default(60),
    ...eventsEnvSchema,
    ...webhookDeliveryEnvFields,
    ...webhookSecretsKeyFields,
  })
  .superRefine(refuseDevSecretInProduction)
  .superRefine(refuseDevSecretsKeyInProduction);
export type WorkerEnv = z.infer<typeof workerEnvSchema>;

export const loadWorkerEnv = (env: NodeJS.ProcessEnv = process.env): WorkerEnv =>
  parseEnv(workerEnvSchema, withPublicBaseUrlDefault(env));

/** The reconciler's rounds as the worker's environment sets them. */
export const reconcilerInput = (env: WorkerEnv): ReconcilerInput => ({
  intervalMs: env.RECONCILER_INTERVAL_SECONDS * 1000,
  olderThanMs: env.RECONCILER_MIN_AGE_SECONDS * 1000,
});
