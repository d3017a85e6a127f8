import { defineRoute } from '../http/route.js';
import { buildEnvelope, deliverSigned, selfOrigin } from '../sandbox/deliver.js';
import { problemResponses } from '../schemas/problem.js';
import { sandboxDeliverySchema, sandboxWebhookBody, sandboxWebhookParams } from '../schemas/sandbox.js';

/**
 * The development sandbox: plays the external providers so that every journey can be walked on
 * one machine. Mounted only when SANDBOX_ENABLED (never in production).
 */
export const sandboxRoutes = [
  defineRoute({
    method: 'post',
    path: '/v1/sandbox/webhooks/:provider',
    operationId: 'sandboxWebhook',
    summary: 'Deliver a signed provider event through the real webhook (development sandbox)',
    tag: 'sandbox',
    roles: ['operator'],
    sandbox: true,
    params: sandboxWebhookParams,
    body: sandboxWebhookBody,
    action: 'sandbox.webhook',
    responses: {
      200: {
        description: 'Delivered; `webhook` is what the webhook answered (including its refusals)',
        schema: sandboxDeliverySchema,
      },
      ...problemResponses(400, 401, 403),
    },
    async handler({ params, body, deps, req }) {
      const envelope = buildEnvelope(body);
      const webhook = await deliverSigned(
        selfOrigin(req),
        params.provider,
        deps.webhookSecrets[params.provider],
        envelope,
        deps.temporalTimeoutMs + 10_000,
      );
      req.log.info(
        { provider: params.provider, eventId: envelope.eventId, type: envelope.type, webhookStatus: webhook.status },
        'sandbox event delivered',
      );
      return {
        status: 200,
        body: { provider: params.provider, eventId: envelope.eventId, event: envelope, webhook },
        audited: {
          resourceType: 'webhook_event',
          resourceId: `${params.provider}:${envelope.eventId}`,
          details: { type: envelope.type, webhookStatus: webhook.status },
        },
      };
    },
  }),
];
