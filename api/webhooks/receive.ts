import type { Logger } from '../../lib/logger.js';
import type { Prisma } from '../../prisma/generated/client.js';
import type { AppDeps } from '../deps.js';
import type { ParsedEvent } from './define.js';
import type { Provider } from './providers.js';

export type Receipt =
  { status: 200; body: { status: 'duplicate' } } | { status: 202; body: { status: 'accepted'; handled: boolean } };

/**
 * At-least-once delivery made exactly-once in effect: the (provider, eventId) row is
 * inserted first, so a repeat finds it and does nothing. When acting on the event fails
 * (Temporal down, unknown connection), the row is deleted again: the event is not
 * processed, and the provider's retry is.
 */
export async function receive(
  deps: AppDeps,
  log: Logger,
  provider: Provider,
  event: ParsedEvent,
  payload: Prisma.InputJsonObject,
): Promise<Receipt> {
  const fields = { provider, eventId: event.eventId, type: event.type, resourceId: event.resource.id };
  const { count } = await deps.prisma.webhookEvent.createMany({
    data: [
      {
        provider,
        eventId: event.eventId,
        payload,
        eventType: event.type,
        resourceType: event.resource.type,
        resourceId: event.resource.id,
      },
    ],
    skipDuplicates: true,
  });
  if (count === 0) {
    log.info(fields, 'webhook duplicate: already processed, ignored');
    return { status: 200, body: { status: 'duplicate' } };
  }
  try {
    const outcome = await event.handle({ deps, log: log.child(fields) });
    await deps.prisma.auditEvent.create({
      data: {
        actorKeyId: null,
        actorRole: 'webhook',
        action: `webhook.${provider}.${event.type}`,
        resourceType: event.resource.type,
        resourceId: event.resource.id,
        details: { eventId: event.eventId, ...outcome.details },
      },
    });
    await deps.prisma.webhookEvent.updateMany({
      where: { provider, eventId: event.eventId },
      data: { handled: outcome.handled, reason: outcome.reason ?? null, handledAt: new Date() },
    });
    log.info({ ...fields, handled: outcome.handled }, 'webhook accepted');
    return { status: 202, body: { status: 'accepted', handled: outcome.handled } };
  } catch (error) {
    await deps.prisma.webhookEvent
      .deleteMany({ where: { provider, eventId: event.eventId } })
      .catch((deleteError: unknown) => {
        log.error(
          { ...fields, err: { message: (deleteError as Error).message } },
          'webhook failed and its event row could not be removed: a retry will be taken for a duplicate',
        );
      });
    throw error;
  }
}
