import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';

/** Statuses of a bank connection (seed 003), each with the action it asks of the office. */
export const CONNECTION_STATUSES = {
  connected: 'none',
  expires_soon: 'renew the consent',
  expired: 'renew the consent at the bank',
  not_connected: 'complete the bank link',
  no_authorised_iban: 'link and activate the account, or renew',
  account_not_found: 'repair: send a new invitation',
  access_lost: 'invite the user again',
  journal_missing: 'create a ledger journal for this IBAN, then reactivate',
} as const;
export type ConnectionStatus = keyof typeof CONNECTION_STATUSES;

/** The statuses a new invitation to the owner repairs (POST /v1/connections/:id/invitation). */
export const INVITATION_STATUSES = ['account_not_found', 'access_lost'] as const satisfies readonly ConnectionStatus[];
export type InvitationStatus = (typeof INVITATION_STATUSES)[number];
export const needsInvitation = (status: string): status is InvitationStatus =>
  (INVITATION_STATUSES as readonly string[]).includes(status);

export interface ConsentSchedule {
  /** Days before `validUntil` on which the owner is reminded, e.g. [15, 3, 1]. */
  reminderDaysBefore: number[];
  /** Local wall-clock time of the reminders, `HH:MM`. */
  localTime: string;
  /** IANA time zone of `localTime`. */
  timeZone: string;
  /** Shortest time between two manual reminders of one connection (POST /v1/connections/:id/remind); 24 by default. */
  manualReminderIntervalHours?: number;
}

export const DEFAULT_MANUAL_REMINDER_INTERVAL_HOURS = 24;

/** How long the link of a new invitation stays valid. */
export const INVITATION_LINK_DAYS = 14;

export const DEFAULT_CONSENT_SCHEDULE: ConsentSchedule = {
  reminderDaysBefore: [15, 3, 1],
  localTime: '09:00',
  timeZone: 'Europe/Brussels',
};

export interface ConsentRenewalInput {
  connectionId: string;
  /** Absolute deadline of the consent (ISO 8601). */
  validUntil: string;
  schedule: ConsentSchedule;
  /** How many renewals earlier runs of this workflow already handled (carried over continue-as-new). */
  renewals?: number;
  /** Manual reminders and new invitations of earlier runs (carried over continue-as-new): the rate limit and record numbering. */
  manual?: ManualActions;
}

export interface ManualActions {
  /** When the last manual reminder went out (ISO 8601). */
  lastReminderAt?: string;
  /** Manual reminders sent over the connection's life. */
  reminders: number;
  /** New invitations sent over the connection's life. */
  invitations: number;
}

/** `POST /v1/connections/:id/remind`, answered once the e-mail went out (or why it did not). */
export type RemindNowResult =
  | { sent: true; at: string; daysBefore: number; nextAllowedAt: string }
  | { sent: false; reason: 'too_soon'; nextAllowedAt: string }
  | { sent: false; reason: 'renewed' | 'expired' | 'missing_recipient' | 'undeliverable' };

/** `POST /v1/connections/:id/invitation`: a new invitation for a connection the aggregator reports broken. */
export type InvitationResult =
  | { sent: true; at: string; linkExpiresAt: string }
  | { sent: false; reason: 'not_needed' | 'missing_recipient' | 'undeliverable' };

export interface ConsentRenewalResult {
  connectionId: string;
  /** `row_missing`: the connection's row is gone; the run ended without acting. */
  status: 'expired' | 'row_missing';
  validUntil: string;
  renewals: number;
}

export interface PlannedReminder {
  daysBefore: number;
  at: string;
}

export interface ConsentRenewalState {
  connectionId: string;
  validUntil: string;
  renewals: number;
  phase: 'waiting' | 'expired';
  remindersSent: number[];
  nextStep: { kind: 'reminder'; daysBefore: number; at: string } | { kind: 'expiry'; at: string } | null;
}

export const consentRenewedSignal = defineSignal<[{ validUntil: string }]>('consentRenewed');
export const consentStateQuery = defineQuery<ConsentRenewalState>('consentState');
/** `validUntil`: the deadline the caller saw; another one (renewed meanwhile) gets no reminder. */
export const remindNowUpdate = defineUpdate<RemindNowResult, [{ validUntil: string }]>('remindNow');
export const sendInvitationUpdate = defineUpdate<InvitationResult>('sendInvitation');

export const consentRenewalWorkflowId = (connectionId: string): string => `connection:${connectionId}`;
