import { z } from 'zod';
import { WEBHOOK_PROVIDERS } from '../webhooks/providers.js';
import { instantSchema } from './common.js';

export const sandboxWebhookParams = z.object({ provider: z.enum(WEBHOOK_PROVIDERS) }).strict();

/** What the sandbox needs to forge one provider event; the envelope is completed and signed for you. */
export const sandboxWebhookBody = z
  .object({
    type: z.string().min(1).max(100),
    /** The event's `data`, as the provider would send it; the webhook validates it. */
    data: z.record(z.string(), z.unknown()),
    /** Reuse an id to see the duplicate handling; a fresh one by default. */
    eventId: z.string().min(1).max(200).optional(),
    /** Now by default. */
    occurredAt: instantSchema.optional(),
  })
  .strict();

export const sandboxDeliverySchema = z.object({
  provider: z.enum(WEBHOOK_PROVIDERS),
  eventId: z.string(),
  /** The envelope exactly as signed and delivered. */
  event: z.object({
    eventId: z.string(),
    type: z.string(),
    occurredAt: z.string(),
    data: z.record(z.string(), z.unknown()),
  }),
  /** What `POST /v1/webhooks/:provider` answered: 202 accepted, 200 duplicate, or a problem. */
  webhook: z.object({ status: z.number().int(), body: z.record(z.string(), z.unknown()) }),
});
