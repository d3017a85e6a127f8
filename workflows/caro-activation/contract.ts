import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import { days } from '../shared/duration.js';

/** States of a CARO order (docs/domain.md#journey-2-caro-activation). */
export const CARO_STATUSES = ['invitation_sent', 'active', 'problem', 'invitation_expired', 'cancelled'] as const;
export type CaroStatus = (typeof CARO_STATUSES)[number];

/** Why an activation failed, as the CARO provider reports it. */
export const CARO_PROBLEM_REASONS = [
  'online_payments_disabled',
  'card_not_linked_to_reference',
  'debit_card',
  'technical_or_data_error',
] as const;
export type CaroProblemReason = (typeof CARO_PROBLEM_REASONS)[number];

/** Other banks: a signed activation link; KBC/CBC: instructions for the bank app, no link. */
export const CARO_CHANNELS = ['link', 'bank-app'] as const;
export type CaroChannel = (typeof CARO_CHANNELS)[number];

/** Every duration in milliseconds, counted from the (latest) invitation. */
export interface CaroSchedule {
  /** When the cardholder is reminded, each before the expiry: 14, 28 and 42 days by default. */
  remindersMs: number[];
  /** When the invitation (and its activation link) expires: 56 days by default. */
  expiryMs: number;
}

/** The schedule in whole days, as workflows started before durations recorded it: still accepted (`caroSchedule`). */
export interface CaroScheduleInDays {
  reminderDays: number[];
  expiryDays: number;
}

/** The defaults of CARO_REMINDERS and CARO_EXPIRY. */
export const DEFAULT_CARO_SCHEDULE: CaroSchedule = { remindersMs: [days(14), days(28), days(42)], expiryMs: days(56) };

/** Who made a transition: an API key (by id, with its role), a provider's webhook, or the schedule. */
export const CARO_ACTOR_KINDS = ['api-key', 'webhook', 'schedule'] as const;
export interface CaroActor {
  kind: (typeof CARO_ACTOR_KINDS)[number];
  /** ApiKey.id, or the webhook event id. */
  id?: string;
  role?: string;
}

/** What moved an order: the order itself, an accountant's or support's action, a callback, the schedule. */
export const CARO_EVENTS = [
  'ordered',
  'reminder',
  'resent',
  'activated',
  'failed',
  'expired',
  'cancelled',
  'reactivated',
  'replayed',
] as const;
export type CaroEvent = (typeof CARO_EVENTS)[number];

export interface CaroTransition {
  at: string;
  from: CaroStatus | null;
  to: CaroStatus;
  event: CaroEvent;
  reason?: CaroProblemReason;
  actor: CaroActor;
}

export type CaroNextStep = { kind: 'reminder'; number: number; at: string } | { kind: 'expiry'; at: string } | null;

export interface CaroState {
  orderId: string;
  channel: CaroChannel;
  status: CaroStatus;
  reason: CaroProblemReason | null;
  /** The current invitation: its link version and when it (and its link) expires. */
  linkVersion: number;
  invitedAt: string;
  expiresAt: string;
  statementsFrom: string | null;
  /** Reminders of the current invitation. */
  reminders: { number: number; at: string }[];
  nextStep: CaroNextStep;
  history: CaroTransition[];
}

export interface CaroActivationInput {
  orderId: string;
  channel: CaroChannel;
  schedule: CaroSchedule | CaroScheduleInDays;
  /** Who ordered it. */
  actor: CaroActor;
  /** The state of the previous run (continue-as-new); absent on the first run. */
  carried?: CaroState;
}

/** A signed callback of the CARO provider. `occurredAt` dates the enrolment (statements from the month after). */
export type CaroOutcome =
  | { outcome: 'activated'; eventId: string; occurredAt: string }
  | { outcome: 'failed'; eventId: string; occurredAt: string; reason: CaroProblemReason };

export const caroOutcomeSignal = defineSignal<[CaroOutcome]>('caroOutcome');
export const caroStateQuery = defineQuery<CaroState>('caroState');

/** Accountant actions: each rejected (validator) when the state does not allow it, with a message for the 409. */
export const resendInvitationUpdate = defineUpdate<CaroState, [{ actor: CaroActor }]>('resendInvitation');
export const copyActivationLinkUpdate = defineUpdate<
  { linkVersion: number; expiresAt: string },
  [{ actor: CaroActor }]
>('copyActivationLink');
export const cancelOrderUpdate = defineUpdate<CaroState, [{ actor: CaroActor }]>('cancelOrder');
/** The API stores the new cardholder address on the order before calling it (addresses never enter history). */
export const reactivateOrderUpdate = defineUpdate<CaroState, [{ actor: CaroActor }]>('reactivateOrder');
/** Support replay of a failed activation: a fresh invitation and schedule for a case in `problem`. */
export const retryActivationUpdate = defineUpdate<CaroState, [{ actor: CaroActor }]>('retryActivation');

/** The message of a refused action starts with this, so the API can answer 409 with it. */
export const STATE_CONFLICT = 'state_conflict';

export const caroActivationWorkflowId = (orderId: string): string => `caro:${orderId}`;

/** The `kind` of a reminder row: reminders are numbered per invitation (link version). */
export const caroReminderKind = (linkVersion: number): string => `caro:v${linkVersion}`;
export const reminderLinkVersion = (kind: string): number => Number(/^caro:v(\d+)$/.exec(kind)?.[1] ?? Number.NaN);
