import { defineRoute, EDITORS } from '../http/route.js';
import { idParams } from '../schemas/common.js';
import { webhookTestSchema } from '../schemas/webhook-endpoints.js';
import { findEndpoint, sendTestEvent } from '../services/webhook-endpoints.js';
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
  defineRoute({
    method: 'post',
    path: '/v1/sandbox/webhook-endpoints/:id/test',
    operationId: 'sandboxWebhookTest',
    summary: 'Send a signed test event (type webhook.test) to a webhook endpoint now (development sandbox)',
    tag: 'sandbox',
    roles: EDITORS,
    sandbox: true,
    params: idParams,
    action: 'sandbox.webhook_test',
    responses: {
      200: { description: 'Sent; what the receiver answered (recorded as a delivery)', schema: webhookTestSchema },
      ...problemResponses(400, 401, 403, 404),
    },
    async handler({ params, actor, deps }) {
      const endpoint = await findEndpoint(deps, actor, params.id);
      const result = await sendTestEvent(deps, endpoint);
      return {
        status: 200,
        body: result,
        audited: { resourceType: 'webhook_endpoint', resourceId: endpoint.id, details: { status: result.status } },
      };
    },
  }),
];
