import {
  DEFAULT_WEBHOOK_IDLE_POLL_MAX_MS,
  DEFAULT_WEBHOOK_POLL_MS,
  DEFAULT_WEBHOOK_RETRY_SCHEDULE,
} from '../../lib/webhooks/env.js';
import { parseDuration } from '../../lib/config/durations.js';
import type { TargetPolicy } from '../../lib/webhooks/targets.js';
import type { ActivityDeps } from '../deps.js';

export interface WebhookSettings {
  /** Delay before each retry (WEBHOOK_RETRY_SCHEDULE); its length is the number of retries. */
  retryScheduleMs: number[];
  /** WEBHOOK_POLL_MS. */
  pollMs: number;
  /** WEBHOOK_IDLE_POLL_MAX_MS; absent: no backing off (every look `pollMs` apart). */
  idlePollMaxMs?: number;
  /** Where webhooks may go (NODE_ENV=production: public https only). */
  policy: TargetPolicy;
  /** WEBHOOK_SECRETS_KEY, which opens the endpoints' secrets; the development key when absent. */
  secretsKey?: string;
}

/** The worker's settings, or the defaults (a development worker: local receivers allowed). */
export const webhookSettings = (deps: Pick<ActivityDeps, 'webhooks'>): WebhookSettings =>
  deps.webhooks ?? {
    retryScheduleMs: DEFAULT_WEBHOOK_RETRY_SCHEDULE.split(',').map((d) => parseDuration(d)!.ms),
    pollMs: DEFAULT_WEBHOOK_POLL_MS,
    idlePollMaxMs: DEFAULT_WEBHOOK_IDLE_POLL_MAX_MS,
    policy: { publicOnly: false },
  };
