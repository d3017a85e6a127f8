import { z } from 'zod';
import { durationListSchema, durationSchema, parseDuration } from '../config/durations.js';

/** After each failed attempt, how long until the next one: 10 attempts over about 3 days. */
export const DEFAULT_WEBHOOK_RETRY_SCHEDULE = '5s,5m,30m,2h,5h,10h,10h,20h,24h';
export const DEFAULT_WEBHOOK_POLL_MS = 1_000;
/** An endpoint with nothing new looks less and less often, up to this: an idle endpoint is not an activity a second. */
export const DEFAULT_WEBHOOK_IDLE_POLL_MAX_MS = 15_000;
export const DEFAULT_WEBHOOK_SECRET_OVERLAP = '24h';

/** The worker's delivery settings. */
export const webhookDeliveryEnvFields = {
  /** The delays between attempts; once they are spent, the endpoint is disabled and its office told. */
  WEBHOOK_RETRY_SCHEDULE: durationListSchema({ min: '1s', max: '7d' }).default(
    durationListSchema({ min: '1s', max: '7d' }).parse(DEFAULT_WEBHOOK_RETRY_SCHEDULE),
  ),
  /** How often an endpoint with nothing to send looks at the feed again. */
  WEBHOOK_POLL_MS: z.coerce.number().int().min(50).max(600_000).default(DEFAULT_WEBHOOK_POLL_MS),
  /** The longest wait of an endpoint that keeps finding nothing new: the wait doubles from WEBHOOK_POLL_MS up to it. */
  WEBHOOK_IDLE_POLL_MAX_MS: z.coerce.number().int().min(50).max(3_600_000).default(DEFAULT_WEBHOOK_IDLE_POLL_MAX_MS),
  /** production: webhooks go to public https addresses only (lib/webhooks/targets.ts). */
  NODE_ENV: z.string().optional(),
};

/** The API's: how long a rotated secret still signs. */
export const webhookSecretEnvFields = {
  WEBHOOK_SECRET_OVERLAP: durationSchema({ min: '0s', max: '30d' }).default(
    parseDuration(DEFAULT_WEBHOOK_SECRET_OVERLAP)!,
  ),
};
