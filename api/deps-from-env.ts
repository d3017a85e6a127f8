import { resolve } from 'node:path';
import type { Client } from '@temporalio/client';
import type { Logger } from '../lib/logger.js';
import type { PrismaClient } from '../prisma/generated/client.js';
import type { AppDeps } from './deps.js';
import { caroScheduleFromEnv, consentScheduleFromEnv, mandateScheduleFromEnv, type ApiEnv } from './env.js';
import { sessionSettingsFromEnv } from './http/session-cookie.js';
import { sandboxEnabled } from './sandbox/env.js';
import { targetPolicyFor } from '../lib/webhooks/targets.js';
import { webhookSecretsFromEnv } from './webhooks/env.js';

/** The API's dependencies from its environment and the process's clients (api/main.ts and npm start). */
export function appDepsFromEnv(
  env: ApiEnv,
  clients: { temporal: Client; prisma: PrismaClient; logger: Logger },
): AppDeps {
  return {
    ...clients,
    taskQueue: env.TEMPORAL_TASK_QUEUE,
    temporalTimeoutMs: env.TEMPORAL_RPC_TIMEOUT_MS,
    consentSchedule: consentScheduleFromEnv(env),
    mandateSchedule: mandateScheduleFromEnv(env),
    caroSchedule: caroScheduleFromEnv(env),
    linkSigning: { secret: env.LINK_SIGNING_SECRET, publicBaseUrl: env.PUBLIC_BASE_URL },
    emailFrom: env.EMAIL_FROM,
    rateLimitPerMinute: env.RATE_LIMIT_PER_MINUTE,
    workerStaleAfterMs: env.READYZ_WORKER_STALE_MS,
    eventsRetentionDays: env.EVENTS_RETENTION_DAYS,
    webhookSecretOverlapMs: env.WEBHOOK_SECRET_OVERLAP.ms,
    webhookTargetPolicy: targetPolicyFor(env.NODE_ENV),
    webhookSecretsKey: env.WEBHOOK_SECRETS_KEY,
    apiKeyCacheMs: env.API_KEY_CACHE_MS,
    caroReplay: { chunkSize: env.CARO_REPLAY_CHUNK_SIZE, pauseMs: env.CARO_REPLAY_PAUSE_MS },
    ...(env.METRICS_TOKEN ? { metricsToken: env.METRICS_TOKEN } : {}),
    webhookSecrets: webhookSecretsFromEnv(env, clients.logger),
    sandbox: sandboxEnabled(env),
    consoleDir: resolve(env.CONSOLE_DIR),
    ...(env.TEMPORAL_UI_URL ? { temporalUiUrl: env.TEMPORAL_UI_URL } : {}),
    session: sessionSettingsFromEnv(env),
    publicOrigin: new URL(env.PUBLIC_BASE_URL).origin,
  };
}
