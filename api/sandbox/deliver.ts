import { randomUUID } from 'node:crypto';
import { isIPv6 } from 'node:net';
import type { Request } from 'express';
import type { Provider } from '../webhooks/providers.js';
import { SIGNATURE_HEADER, signWebhook } from '../webhooks/signature.js';

/** What a provider sends: the envelope of every webhook (api/webhooks/define.ts). */
export interface Envelope {
  eventId: string;
  type: string;
  occurredAt: string;
  data: Record<string, unknown>;
}

export interface WebhookOutcome {
  status: number;
  body: Record<string, unknown>;
}

/** The full envelope: a fresh event id and "now" unless the caller chose them (to replay a delivery). */
export function buildEnvelope(event: {
  type: string;
  data: Record<string, unknown>;
  eventId?: string | undefined;
  occurredAt?: string | undefined;
}): Envelope {
  return {
    eventId: event.eventId ?? `sandbox-${randomUUID()}`,
    type: event.type,
    occurredAt: event.occurredAt ?? new Date().toISOString(),
    data: event.data,
  };
}

/** This very server, as the socket the request came in on sees it: the sandbox posts to its own webhook route. */
export function selfOrigin(req: Request): string {
  const raw = req.socket.localAddress ?? '127.0.0.1';
  const address = raw.startsWith('::ffff:') ? raw.slice('::ffff:'.length) : raw;
  return `http://${isIPv6(address) ? `[${address}]` : address}:${req.socket.localPort}`;
}

/**
 * Signs `envelope` as the provider does (same scheme, same secret) and POSTs it to this API's
 * `/v1/webhooks/:provider`, so signature check, de-duplication and handlers all really run.
 */
export async function deliverSigned(
  origin: string,
  provider: Provider,
  secret: string,
  envelope: Envelope,
  timeoutMs: number,
): Promise<WebhookOutcome> {
  const body = JSON.stringify(envelope);
  const res = await fetch(`${origin}/v1/webhooks/${provider}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      [SIGNATURE_HEADER]: signWebhook(secret, body, Math.floor(Date.now() / 1000)),
    },
    body,
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : {};
  } catch {
    parsed = { raw: text.slice(0, 500) };
  }
  const isObject = typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed);
  return { status: res.status, body: isObject ? (parsed as Record<string, unknown>) : { value: parsed } };
}
