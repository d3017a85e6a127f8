import { z } from 'zod';
import { databaseEnvSchema } from '../lib/config/database-env.js';
import { logLevel, parseEnv } from '../lib/config/env.js';
import { temporalEnvSchema } from '../lib/config/temporal-env.js';

export const workerEnvSchema = temporalEnvSchema.extend(databaseEnvSchema.shape).extend({
  LOG_LEVEL: logLevel,
  /** Seconds a shutting-down worker lets running activities finish. */
  WORKER_SHUTDOWN_GRACE_SECONDS: z.coerce.number().int().min(0).max(3600).default(30),
});
export type WorkerEnv = z.infer<typeof workerEnvSchema>;

export const loadWorkerEnv = (env: NodeJS.ProcessEnv = process.env): WorkerEnv => parseEnv(workerEnvSchema, env);
