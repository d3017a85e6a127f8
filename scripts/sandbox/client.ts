/**
 * The sandbox's client: one signed provider event through POST /v1/sandbox/webhooks/<provider>
 * of a running API, and what its real webhook answered. Used by `npm run sandbox` (the CLI) and
 * `npm run demo` (the walk through every journey).
 */
import type { Provider } from '../../api/webhooks/providers.js';

export interface Problem {
  code?: string;
  detail?: string;
  handled?: boolean;
}

/** What `POST /v1/webhooks/:provider` answered: 202 accepted, 200 duplicate, or a problem. */
export interface WebhookAnswer {
  status: number;
  body: Problem & Record<string, unknown>;
}

export interface SandboxTarget {
  apiUrl: string;
  key: string;
}

export interface SandboxEvent {
  provider: Provider;
  type: string;
  data: Record<string, unknown>;
  /** Reuse an id to see the duplicate handling; a fresh one by default. */
  eventId?: string | undefined;
  occurredAt?: string | undefined;
}

export type SandboxResult =
  | { kind: 'delivered'; eventId: string; webhook: WebhookAnswer }
  /** The API has no sandbox (SANDBOX_ENABLED=false, or NODE_ENV=production). */
  | { kind: 'not_enabled' }
  /** The sandbox itself refused the request (bad key, unknown provider, invalid body). */
  | { kind: 'refused'; status: number; problem: Problem };

/** Sends one event; a network failure throws (the caller says where it tried). */
export async function sendSandboxEvent(
  target: SandboxTarget,
  event: SandboxEvent,
  timeoutMs = 30_000,
): Promise<SandboxResult> {
  const body = {
    type: event.type,
    data: event.data,
    ...(event.eventId ? { eventId: event.eventId } : {}),
    ...(event.occurredAt ? { occurredAt: event.occurredAt } : {}),
  };
  const res = await fetch(`${target.apiUrl.replace(/\/+$/, '')}/v1/sandbox/webhooks/${event.provider}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${target.key}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const answer = (await res.json().catch(() => ({}))) as Problem & { eventId?: string; webhook?: WebhookAnswer };
  if (res.status === 404 && answer.code === 'route_not_found') return { kind: 'not_enabled' };
  if (res.status !== 200 || !answer.webhook || !answer.eventId)
    return { kind: 'refused', status: res.status, problem: answer };
  return { kind: 'delivered', eventId: answer.eventId, webhook: answer.webhook };
}

/** The webhook's answer in words: accepted, duplicate, or refused with its code. */
export function describeWebhook(webhook: WebhookAnswer): string {
  if (webhook.status === 202)
    return `accepted${webhook.body.handled ? '' : ' (stored only: no journey consumes it yet)'}`;
  if (webhook.status === 200) return 'duplicate: already processed, nothing changed';
  return `refused: ${webhook.body.code ?? ''} ${webhook.body.detail ?? ''}`.trim();
}
