import type { Client } from '@temporalio/client';
import type { Logger } from '../lib/logger.js';
import type { PrismaClient } from '../prisma/generated/client.js';
import type { CaroSchedule } from '../workflows/caro-activation/contract.js';
import type { ConsentSchedule } from '../workflows/consent-renewal/contract.js';
import type { MandateSchedule } from '../workflows/mandate/contract.js';
import type { SessionSettings } from './http/session-cookie.js';
import type { Provider } from './webhooks/providers.js';
import type { TargetPolicy } from '../lib/webhooks/targets.js';

export interface AppDeps {
  temporal: Client;
  prisma: PrismaClient;
  logger: Logger;
  taskQueue: string;
  /** Longest wait for one Temporal call before answering 503. */
  temporalTimeoutMs: number;
  consentSchedule: ConsentSchedule;
  /** Mandate reminders, stalled notice and KBC/CBC link check (DEFAULT_MANDATE_SCHEDULE when absent). */
  mandateSchedule?: MandateSchedule;
  /** HMAC secret of each webhook provider. */
  webhookSecrets: Record<Provider, string>;
  /** Support's bulk replay: cases per chunk and the pause between chunks (CARO_REPLAY_CHUNK_SIZE, CARO_REPLAY_PAUSE_MS; 20 and 1 s when absent). */
  caroReplay?: { chunkSize: number; pauseMs: number };
  /** CARO reminders and expiry (DEFAULT_CARO_SCHEDULE when absent). */
  caroSchedule?: CaroSchedule;
  /**
   * The worker's link settings (LINK_SIGNING_SECRET, PUBLIC_BASE_URL): the API signs the copied CARO
   * activation link and checks opened ones (GET /l/:token). Without them those answer 503.
   */
  linkSigning?: { secret: string; publicBaseUrl: string };
  /** EMAIL_FROM of the worker, quoted in the CARO pre-order warning (the default sender when absent). */
  emailFrom?: string;
  /** Mounts the development sandbox (`/v1/sandbox/...`); off unless set (SANDBOX_ENABLED). */
  sandbox?: boolean;
  /** A worker counts as gone once none began a poll within this (READYZ_WORKER_STALE_MS, 90 s by default). */
  workerStaleAfterMs?: number;
  /** When set, GET /metrics asks for `Authorization: Bearer <metricsToken>` (METRICS_TOKEN). */
  metricsToken?: string;
  /** Requests per minute per API key (default 600). */
  rateLimitPerMinute?: number;
  /** How long an API key's row is reused without a lookup (API_KEY_CACHE_MS, 5 s by default; 0: every request). */
  apiKeyCacheMs?: number;
  /** The console's built files (console/dist): served at /console when set (CONSOLE_DIR). */
  consoleDir?: string;
  /** The Temporal Web UI (TEMPORAL_UI_URL): the console links each case's workflow there for operators and support. */
  temporalUiUrl?: string;
  /** How long GET /v1/events reads back (EVENTS_RETENTION_DAYS, 30 by default); the worker purges older ones. */
  eventsRetentionDays?: number;
  /** Console sessions: lifetime and the cookie's `Secure` (12 h, not Secure, when absent). */
  session?: SessionSettings;
  /** The origin the console is served from (PUBLIC_BASE_URL): accepted as Origin of a sign-in. */
  publicOrigin?: string;
  /** How long a rotated webhook secret still signs (WEBHOOK_SECRET_OVERLAP, 24 h by default). */
  webhookSecretOverlapMs?: number;
  /** Where webhook endpoints may point (NODE_ENV=production: public https only); local receivers allowed when absent. */
  webhookTargetPolicy?: TargetPolicy;
  /** Seals the webhook endpoints' signing secrets in the database (WEBHOOK_SECRETS_KEY; the development key when absent). */
  webhookSecretsKey?: string;
}

/** Runs one Temporal call with the API's deadline, so a slow server gives a 503 instead of a hang. */
export const withTemporalDeadline = <R>(deps: AppDeps, fn: () => Promise<R>): Promise<R> =>
  deps.temporal.withDeadline(Date.now() + deps.temporalTimeoutMs, fn);
