import express, { Router } from 'express';
import { z } from 'zod';
import type { AppDeps } from '../deps.js';
import { ApiError } from '../errors.js';
import { BODY_LIMIT_BYTES } from '../http/body-limit.js';
import { parseIn, refuseCardData } from '../http/validate.js';
import { envelopeSchema } from './define.js';
import { providerEvents } from './handlers/index.js';
import { isProvider, WEBHOOK_PROVIDERS } from './providers.js';
import { receive } from './receive.js';
import { SIGNATURE_HEADER, verifyWebhook } from './signature.js';

/** Any JSON object; typed so that it can be stored as is. */
const jsonObject = z.record(z.string(), z.json());

function parseJson(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    throw new ApiError(400, 'malformed_body', 'request body is not valid JSON');
  }
}

/**
 * `POST /v1/webhooks/:provider`: no API key, an HMAC signature over the raw body instead.
 * Mounted before `express.json`, as it reads the body bytes itself. Never logs the payload; refuses
 * one that carries a card number (in any provider's event) before it is stored.
 */
export function webhookRoutes(deps: AppDeps): Router {
  const router = Router();
  router.post('/v1/webhooks/:provider', express.raw({ type: '*/*', limit: BODY_LIMIT_BYTES }), async (req, res) => {
    const provider = req.params.provider ?? '';
    if (!isProvider(provider))
      throw new ApiError(404, 'unknown_provider', `no such webhook provider; known: ${WEBHOOK_PROVIDERS.join(', ')}`);
    const raw: Buffer = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const verdict = verifyWebhook(deps.webhookSecrets[provider], raw, req.header(SIGNATURE_HEADER));
    if (!verdict.ok) {
      req.log.warn({ provider, code: verdict.code }, 'webhook refused: signature');
      throw new ApiError(401, verdict.code, verdict.reason);
    }
    const events = providerEvents[provider];
    const parsed = parseJson(raw.toString('utf8'));
    try {
      refuseCardData(parsed, 'body');
    } catch (refused) {
      req.log.warn({ provider, code: (refused as ApiError).code }, 'webhook refused before storage');
      throw refused;
    }
    const body = parseIn(jsonObject, parsed, 'body');
    const envelope = parseIn(envelopeSchema, body, 'body');
    if (!events.types.includes(envelope.type)) {
      throw new ApiError(422, 'unknown_event_type', `${provider} sends no event of type "${envelope.type}"`, {
        errors: [{ in: 'body', path: 'type', message: `must be one of ${events.types.join(', ')}` }],
      });
    }
    const receipt = await receive(deps, req.log, provider, events.parse(body), body);
    res.status(receipt.status).json(receipt.body);
  });
  router.all('/v1/webhooks/:provider', () => {
    throw new ApiError(405, 'method_not_allowed', 'webhooks are POSTed', {}, { Allow: 'POST' });
  });
  return router;
}
