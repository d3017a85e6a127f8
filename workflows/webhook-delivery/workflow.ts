import {
  ActivityFailure,
  ApplicationFailure,
  condition,
  continueAsNew,
  log,
  proxyActivities,
  setHandler,
} from '@temporalio/workflow';
import type { createWebhookActivities } from '../../activities/webhooks/activities.js';
import { DATABASE_ACTIVITY, EMAIL_ACTIVITY, WEBHOOK_DELIVERY_ACTIVITY } from '../shared/retry.js';
import {
  redeliverSignal,
  wakeSignal,
  WEBHOOK_FAILURES,
  type PendingEvent,
  type WebhookEndpointInput,
} from './contract.js';
import { chainsByOrderKey, eachWithLimit, idleWaitMs } from './order.js';

type Activities = ReturnType<typeof createWebhookActivities>;
const { nextWebhookEvents, eventsToRedeliver } = proxyActivities<Activities>(DATABASE_ACTIVITY);
const { deliverWebhook } = proxyActivities<Activities>(WEBHOOK_DELIVERY_ACTIVITY);
const { disableWebhookEndpoint } = proxyActivities<Activities>(EMAIL_ACTIVITY);

/** Events read from the feed at a time. */
const BATCH = 100;
/** Cases delivered side by side. */
const CASES_AT_ONCE = 8;
/** A disabled endpoint looks at its row again this often even without a signal. */
const DISABLED_RECHECK_MS = 60_000;
/** Batches per run before continue-as-new, so the history stays short. */
const ROUNDS_PER_RUN = 200;

/**
 * Delivers an endpoint's events as signed webhooks (issue 13), from the feed's cursor, in feed
 * order per case: a batch's cases go side by side, the events of one case one after the other, and
 * the next batch only once the whole batch is delivered (an event that keeps failing holds the
 * endpoint: order is never given up, and a schedule spent disables the endpoint anyway). Each
 * attempt is an activity of 10 s at most, retried after the schedule's delays (WEBHOOK_RETRY_SCHEDULE);
 * 410 or a spent schedule disables the endpoint and tells the office. Redeliveries (a signal) go
 * before the next batch. Ends when the endpoint is deleted.
 */
export async function webhookEndpointWorkflow(input: WebhookEndpointInput): Promise<void> {
  const { endpointId } = input;
  const redeliveries: string[] = [...(input.redeliver ?? [])];
  let woken = false;
  setHandler(wakeSignal, () => {
    woken = true;
  });
  setHandler(redeliverSignal, ({ eventIds }) => {
    redeliveries.push(...eventIds);
    woken = true;
  });
  let deliveredThrough: string | undefined;
  let stopped = false;
  /** Looks in a row that found nothing new (the wait before the next one doubles). */
  let idleLooks = 0;

  /** Delivers one event; false when the endpoint stops taking deliveries (disabled or gone). */
  async function deliver(eventId: string): Promise<boolean> {
    try {
      const { status } = await deliverWebhook({ endpointId, eventId });
      return status === 'delivered' || status === 'event_gone';
    } catch (error) {
      const cause = error instanceof ActivityFailure ? error.cause : undefined;
      if (!(cause instanceof ApplicationFailure)) throw error;
      if (cause.type !== WEBHOOK_FAILURES.gone && cause.type !== WEBHOOK_FAILURES.exhausted) throw error;
      const reason = cause.type === WEBHOOK_FAILURES.gone ? 'gone' : 'failing';
      log.warn('webhook endpoint disabled', { endpointId, eventId, reason });
      await disableWebhookEndpoint({ endpointId, reason, lastError: cause.message });
      return false;
    }
  }

  /** Delivers `events` in order per case; false when the endpoint stopped taking them. */
  async function deliverInOrder(events: PendingEvent[]): Promise<boolean> {
    stopped = false;
    await eachWithLimit(chainsByOrderKey(events), CASES_AT_ONCE, async (chain) => {
      for (const event of chain) {
        if (stopped) return;
        if (!(await deliver(event.id))) stopped = true;
      }
    });
    return !stopped;
  }

  for (let round = 0; round < ROUNDS_PER_RUN; round++) {
    const next = await nextWebhookEvents({
      endpointId,
      limit: BATCH,
      ...(deliveredThrough ? { deliveredThrough } : {}),
    });
    if (next.state === 'gone') return;
    deliveredThrough = next.cursor;
    woken = false;
    if (next.state === 'disabled') {
      await condition(() => woken, DISABLED_RECHECK_MS);
      continue;
    }
    if (redeliveries.length > 0) {
      const asked = redeliveries.splice(0);
      if (!(await deliverInOrder(await eventsToRedeliver({ endpointId, eventIds: asked })))) continue;
    }
    if (next.scannedThrough === next.cursor) {
      // Nothing new: look again later, backing off while it stays so (a signal wakes it at once).
      await condition(() => woken, idleWaitMs(next.pollMs, next.idlePollMaxMs, idleLooks++));
      if (woken) idleLooks = 0;
      continue;
    }
    idleLooks = 0;
    // Delivered through the batch only when all of it went: otherwise (disabled) it starts again
    // from the same place once enabled, and a receiver may see an event twice.
    if (await deliverInOrder(next.events)) deliveredThrough = next.scannedThrough;
  }
  await continueAsNew<typeof webhookEndpointWorkflow>({ endpointId, redeliver: redeliveries });
}
