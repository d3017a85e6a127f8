import { ApplicationFailure, Context } from '@temporalio/activity';
import { presentEvent } from '../../lib/events/present.js';
import { countWebhookAttempt } from '../../lib/metrics/webhooks.js';
import { activeSecrets } from '../../lib/webhooks/secret.js';
import { DEV_WEBHOOK_SECRETS_KEY, secretBox } from '../../lib/webhooks/secret-box.js';
import { postWebhook } from '../../lib/webhooks/send.js';
import { publicAddress } from '../../lib/webhooks/endpoints.js';
import type {
  DeliverRequest,
  DeliverResult,
  DisableRequest,
  NextEvents,
  NextEventsRequest,
  PendingEvent,
} from '../../workflows/webhook-delivery/contract.js';
import { WEBHOOK_FAILURES } from '../../workflows/webhook-delivery/contract.js';
import type { ActivityDeps } from '../deps.js';
import { createSendEmail, isEmailRejected } from '../email/send-email.js';
import { webhookSettings } from './settings.js';

/** The POST gives up before the activity's 10 s, so the attempt is recorded. */
const POST_TIMEOUT_MS = 8_000;

const pending = (e: { id: string; subjectType: string; subjectId: string; seq: bigint }): PendingEvent => ({
  id: e.id,
  orderKey: `${e.subjectType}:${e.subjectId}`,
  cursor: e.seq.toString(),
});

export function createWebhookActivities(deps: ActivityDeps) {
  const { prisma, logger } = deps;
  const settings = webhookSettings(deps);
  const sendEmail = createSendEmail(deps);
  const box = secretBox(settings.secretsKey ?? DEV_WEBHOOK_SECRETS_KEY);

  return {
    /** Records how far the endpoint was delivered, then reads the next events it takes, in feed order. */
    async nextWebhookEvents({ endpointId, deliveredThrough, limit }: NextEventsRequest): Promise<NextEvents> {
      if (deliveredThrough !== undefined)
        await prisma.webhookEndpoint.updateMany({
          where: { id: endpointId, cursor: { lt: BigInt(deliveredThrough) } },
          data: { cursor: BigInt(deliveredThrough) },
        });
      const endpoint = await prisma.webhookEndpoint.findUnique({ where: { id: endpointId } });
      const pollMs = settings.pollMs;
      const idlePollMaxMs = settings.idlePollMaxMs ?? settings.pollMs;
      if (!endpoint) {
        const cursor = deliveredThrough ?? '0';
        return { state: 'gone', cursor, events: [], scannedThrough: cursor, pollMs, idlePollMaxMs };
      }
      const cursor = endpoint.cursor.toString();
      if (!endpoint.enabled)
        return { state: 'disabled', cursor, events: [], scannedThrough: cursor, pollMs, idlePollMaxMs };
      // The office's events in feed order (its index), the types asked for picked here: the cursor
      // then moves past the others too.
      const rows = await prisma.event.findMany({
        where: { officeId: endpoint.officeId, seq: { gt: endpoint.cursor } },
        orderBy: { seq: 'asc' },
        take: limit,
        select: { id: true, type: true, subjectType: true, subjectId: true, seq: true },
      });
      const wanted = endpoint.eventTypes.length ? rows.filter((r) => endpoint.eventTypes.includes(r.type)) : rows;
      const scannedThrough = rows.at(-1)?.seq.toString() ?? cursor;
      return { state: 'enabled', cursor, events: wanted.map(pending), scannedThrough, pollMs, idlePollMaxMs };
    },

    /** The events asked to be delivered again that this endpoint may receive, in feed order. */
    async eventsToRedeliver({ endpointId, eventIds }: { endpointId: string; eventIds: string[] }) {
      const endpoint = await prisma.webhookEndpoint.findUnique({ where: { id: endpointId } });
      if (!endpoint) return [];
      const rows = await prisma.event.findMany({
        where: { id: { in: eventIds }, officeId: endpoint.officeId },
        orderBy: { seq: 'asc' },
        select: { id: true, subjectType: true, subjectId: true, seq: true },
      });
      return rows.map(pending);
    },

    /**
     * One attempt: the event as the feed shows it, signed with the endpoint's secrets, `webhook-id`
     * its id on every attempt; recorded in webhook_deliveries. A failure is retried after the
     * schedule's next delay (nextRetryDelay); 410 or the schedule spent end the retries.
     */
    async deliverWebhook({ endpointId, eventId }: DeliverRequest): Promise<DeliverResult> {
      const endpoint = await prisma.webhookEndpoint.findUnique({ where: { id: endpointId } });
      if (!endpoint) return { status: 'endpoint_gone' };
      if (!endpoint.enabled) return { status: 'endpoint_disabled' };
      const event = await prisma.event.findFirst({ where: { id: eventId, officeId: endpoint.officeId } });
      if (!event) return { status: 'event_gone' };
      const outcome = await postWebhook({
        url: endpoint.url,
        msgId: event.id,
        body: JSON.stringify(presentEvent(event)),
        secrets: activeSecrets(endpoint, box),
        timeoutMs: POST_TIMEOUT_MS,
        policy: settings.policy,
        signal: Context.current().cancellationSignal,
      });
      const attempt = (await prisma.webhookDelivery.count({ where: { endpointId, eventId } })) + 1;
      await prisma.webhookDelivery.create({
        data: { endpointId, eventId, eventType: event.type, attempt, ...outcome },
      });
      countWebhookAttempt(outcome.status, outcome.latencyMs);
      const log = logger.child({ endpointId, eventId, attempt, responseCode: outcome.responseCode });
      if (outcome.status === 'delivered') {
        log.debug({ latencyMs: outcome.latencyMs }, 'webhook delivered');
        return { status: 'delivered' };
      }
      const error = outcome.error ?? 'failed';
      if (outcome.responseCode === 410)
        throw ApplicationFailure.nonRetryable(`${error}: the receiver is gone`, WEBHOOK_FAILURES.gone);
      const tried = Context.current().info.attempt;
      const delay = settings.retryScheduleMs[tried - 1];
      if (delay === undefined) {
        log.warn({ error }, 'webhook not delivered: retries spent');
        throw ApplicationFailure.nonRetryable(error, WEBHOOK_FAILURES.exhausted);
      }
      log.info({ error, retryInMs: delay }, 'webhook not delivered: will be retried');
      throw ApplicationFailure.create({ type: WEBHOOK_FAILURES.failed, message: error, nextRetryDelay: delay });
    },

    /** Disables the endpoint (once) and tells the office's contact by e-mail. */
    async disableWebhookEndpoint({ endpointId, reason, lastError }: DisableRequest): Promise<void> {
      await prisma.webhookEndpoint.updateMany({
        where: { id: endpointId, enabled: true },
        data: { enabled: false, disabledReason: reason, disabledAt: new Date() },
      });
      const endpoint = await prisma.webhookEndpoint.findUnique({
        where: { id: endpointId },
        include: { office: true },
      });
      if (!endpoint?.disabledAt) return;
      logger.warn({ endpointId, officeId: endpoint.officeId, reason }, 'webhook endpoint disabled');
      // An address the provider refuses is recorded on the outbox row; the endpoint stays disabled all the same.
      try {
        await sendEmail({
          template: 'webhook.disabled',
          vars: { officeName: endpoint.office.name, endpoint: publicAddress(endpoint.url), reason, lastError },
          to: endpoint.office.contactEmail,
          language: endpoint.office.language,
          idempotencyKey: `webhook-endpoint:${endpointId}/disabled/${endpoint.disabledAt.getTime()}`,
        });
      } catch (error) {
        if (!isEmailRejected(error)) throw error;
        logger.warn({ endpointId, officeId: endpoint.officeId }, 'webhook disabled e-mail rejected by the provider');
      }
    },
  };
}
