import type { ActivityOptions } from '@temporalio/workflow';

/**
 * How the journeys' activities are retried. A transient fault (database unreachable, the e-mail
 * provider's 429 or 5xx, the network) is retried with backoff for as long as it lasts: no attempt
 * limit, so an outage of minutes or hours never fails a journey. Only a permanent failure, typed and
 * non-retryable by the activity (an address the provider refuses, a row that does not exist), ends
 * the retries; the journey then decides (an undeliverable e-mail is recorded, a missing row ends it).
 */

/** Database work (mirrors, bookkeeping): a few queries, so 30 s is long; retried from 2 s up to every 5 min. */
export const DATABASE_ACTIVITY: ActivityOptions = {
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '5 minutes' },
};

/**
 * An e-mail: render, one call to the provider (its own idempotency key makes a repeat harmless),
 * the outbox row. 30 s bounds a hung call, so a worker killed mid-send delivers again within about
 * 40 s; retried from 5 s up to every 10 minutes.
 */
export const EMAIL_ACTIVITY: ActivityOptions = {
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes' },
};

/**
 * One webhook delivery attempt: 10 s at most (the POST itself gives up after 8 s). The activity sets
 * each retry's delay itself from WEBHOOK_RETRY_SCHEDULE (nextRetryDelay) and ends the retries when
 * the schedule is spent; these intervals only apply to an attempt that timed out or crashed (a
 * worker stopped mid-delivery), which then goes again with the same webhook-id.
 */
export const WEBHOOK_DELIVERY_ACTIVITY: ActivityOptions = {
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '10 minutes' },
};
