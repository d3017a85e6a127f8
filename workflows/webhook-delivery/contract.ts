import { defineSignal } from '@temporalio/workflow';

/** One delivery workflow per endpoint, by its business key. */
export const webhookEndpointWorkflowId = (endpointId: string) => `webhook-endpoint:${endpointId}`;

export interface WebhookEndpointInput {
  endpointId: string;
  /** Carried over continue-as-new: events asked to be delivered again, not yet sent. */
  redeliver?: string[];
}

/** Something changed (enabled again, deleted, a test): look at the endpoint and the feed now. */
export const wakeSignal = defineSignal('wake');
/** Deliver these events again (by id), whatever happened to them before. */
export const redeliverSignal = defineSignal<[{ eventIds: string[] }]>('redeliver');

/** One event to deliver: its id and the case whose order it keeps. */
export interface PendingEvent {
  id: string;
  /** `mandate:<id>`: events of one key are delivered one after the other, in feed order. */
  orderKey: string;
  /** Its feed position (events.seq). */
  cursor: string;
}

export interface NextEventsRequest {
  endpointId: string;
  /** The feed position delivered through, to record before reading on; the endpoint's own when absent. */
  deliveredThrough?: string;
  limit: number;
}

export interface NextEvents {
  /** gone: the endpoint was deleted (the workflow ends); disabled: nothing is sent until it is enabled. */
  state: 'enabled' | 'disabled' | 'gone';
  /** The feed position delivered through. */
  cursor: string;
  events: PendingEvent[];
  /** The last feed position read (events of other types included): delivered through it once `events` are. */
  scannedThrough: string;
  /** How long to wait before looking again when nothing is new (WEBHOOK_POLL_MS). */
  pollMs: number;
  /**
   * The longest such wait, reached by doubling while nothing is new (WEBHOOK_IDLE_POLL_MAX_MS). Absent in
   * answers recorded before it existed: `pollMs` every time.
   */
  idlePollMaxMs?: number;
}

export interface DeliverRequest {
  endpointId: string;
  eventId: string;
}

/** delivered, or nothing to do: the endpoint is gone or disabled, or the event is no longer kept. */
export type DeliverResult = { status: 'delivered' | 'endpoint_gone' | 'endpoint_disabled' | 'event_gone' };

/** Failure types of deliverWebhook. */
export const WEBHOOK_FAILURES = {
  /** A non-2xx answer or no answer: retried after the schedule's next delay. */
  failed: 'WebhookDeliveryFailed',
  /** 410: the receiver asks never to be called again (non-retryable). */
  gone: 'WebhookEndpointGone',
  /** The schedule is spent (non-retryable). */
  exhausted: 'WebhookRetriesExhausted',
} as const;

export interface DisableRequest {
  endpointId: string;
  reason: 'gone' | 'failing';
  /** The failure's message: the last answer. */
  lastError: string;
}
