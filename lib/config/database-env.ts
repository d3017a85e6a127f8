import { z } from 'zod';
import { envBoolean } from './env.js';

export const databaseEnvSchema = z.object({
  DATABASE_URL: z
    .string({
      message: 'is required (postgresql://user:pass@host:5432/db), or use `npm start` for the embedded database',
    })
    .regex(/^postgres(ql)?:\/\//, 'must be a postgresql:// URL'),
  /** Pool size per process. The embedded database serves one connection at a time: `npm start` sets 1. */
  DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(100).default(10),
  /** Apply pending migrations at start-up (under an advisory lock, so api and worker may both do it). */
  MIGRATE_ON_START: envBoolean(true),
});
export type DatabaseEnv = z.infer<typeof databaseEnvSchema>;
