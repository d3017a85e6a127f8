// The events the accountants' software receives (GET /v1/events, webhooks): one home for their
// names and for which change gives which event. An event carries ids, states, reasons and dates;
// never an e-mail address, a link with a token or card data.
import { CONNECTION_STATUSES, type ConnectionStatus } from '../../workflows/consent-renewal/rules.js';
import { JOURNEY_OF_CASE_TYPE } from '../cases/journeys.js';

export const EVENT_TYPES = [
  'mandate.status_changed',
  'mandate.reminder_sent',
  'mandate.stalled',
  'mandate.problem',
  'mandate.active',
  'mandate.archived',
  'caro.status_changed',
  'caro.invitation_sent',
  'caro.reminder_sent',
  'caro.problem',
  'caro.active',
  'caro.expired',
  'caro.cancelled',
  'caro.replayed',
  'connection.status_changed',
  'connection.expires_soon',
  'connection.reminder_sent',
  'connection.renewed',
  'connection.expired',
  'client.updated',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** What an event is about: a case of one of the three journeys, or a client. */
export const EVENT_SUBJECTS = ['mandate', 'caro', 'connection', 'client'] as const;
export type EventSubject = (typeof EVENT_SUBJECTS)[number];

/** The journey a subject belongs to, as the cases API names it; a client belongs to none. */
export const JOURNEY_OF_SUBJECT = { ...JOURNEY_OF_CASE_TYPE, client: null } as const;

const MANDATE_STATE_EVENTS: Partial<Record<string, EventType>> = {
  stalled: 'mandate.stalled',
  problem: 'mandate.problem',
  active: 'mandate.active',
  archived: 'mandate.archived',
};
const CARO_STATE_EVENTS: Partial<Record<string, EventType>> = {
  problem: 'caro.problem',
  active: 'caro.active',
  invitation_expired: 'caro.expired',
  cancelled: 'caro.cancelled',
};
const CONNECTION_STATE_EVENTS: Partial<Record<string, EventType>> = {
  expires_soon: 'connection.expires_soon',
  expired: 'connection.expired',
};

/**
 * The event of a state change of a case (a case_transitions row). A CARO reminder is told by its
 * e-mail (emailEventType), not by its transition: undefined.
 */
export function transitionEventType(
  subject: Exclude<EventSubject, 'client'>,
  t: { to: string; event?: string | null | undefined },
): EventType | undefined {
  switch (subject) {
    case 'mandate':
      return MANDATE_STATE_EVENTS[t.to] ?? 'mandate.status_changed';
    case 'caro':
      if (t.event === 'reminder') return undefined;
      if (t.event === 'replayed') return 'caro.replayed';
      return CARO_STATE_EVENTS[t.to] ?? 'caro.status_changed';
    case 'connection':
      if (t.event === 'renewed') return 'connection.renewed';
      return CONNECTION_STATE_EVENTS[t.to] ?? 'connection.status_changed';
  }
}

/** The event of an e-mail that went out, by its template; most e-mails give none. */
export const EMAIL_EVENTS: Partial<Record<string, EventType>> = {
  'mandate.reminder': 'mandate.reminder_sent',
  'caro.invitation': 'caro.invitation_sent',
  'caro.bank-app-instructions': 'caro.invitation_sent',
  'caro.reminder': 'caro.reminder_sent',
  'consent.reminder': 'connection.reminder_sent',
};

/** What a connection's status asks of the office, for its status_changed events. */
export const connectionAction = (status: string): string | null =>
  status in CONNECTION_STATUSES ? CONNECTION_STATUSES[status as ConnectionStatus] : null;
