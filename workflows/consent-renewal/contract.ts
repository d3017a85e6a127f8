import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import { days } from '../shared/duration.js';

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

/** One scheduled reminder: how long before the deadline it goes out. */
export interface ReminderBefore {
  /** Milliseconds before `validUntil`. */
  ms: number;
  /**
   * Given in whole days (`15d`): on that calendar day before the deadline's local date, at
   * `localTime` (clock changes included). Otherwise (`2h`, `20s`): exactly `ms` before the deadline.
   */
  atLocalTime: boolean;
}

export interface ConsentSchedule {
  /** The reminders before `validUntil`: 15, 3 and 1 days by default. */
  remindersBefore: ReminderBefore[];
  /** Local wall-clock time of the reminders given in days, `HH:MM`. */
  localTime: string;
  /** IANA time zone of `localTime`. */
  timeZone: string;
  /** Shortest time between two manual reminders of one connection (POST /v1/connections/:id/remind); 24 by default. */
  manualReminderIntervalHours?: number;
}

/** The schedule in whole days, as workflows started before durations recorded it: still accepted (`consentSchedule`). */
export type ConsentScheduleInDays = Omit<ConsentSchedule, 'remindersBefore'> & { reminderDaysBefore: number[] };

export const DEFAULT_MANUAL_REMINDER_INTERVAL_HOURS = 24;

/** How long the link of a new invitation stays valid. */
export const INVITATION_LINK_DAYS = 14;

/** The defaults of CONSENT_REMINDERS_BEFORE, CONSENT_REMINDER_TIME and CONSENT_TIME_ZONE. */
export const DEFAULT_CONSENT_SCHEDULE: ConsentSchedule = {
  remindersBefore: [15, 3, 1].map((n) => ({ ms: days(n), atLocalTime: true })),
  localTime: '09:00',
  timeZone: 'Europe/Brussels',
};

export interface ConsentRenewalInput {
  connectionId: string;
  /** Absolute deadline of the consent (ISO 8601). */
  validUntil: string;
  schedule: ConsentSchedule | ConsentScheduleInDays;
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
  status: 'expired';
  validUntil: string;
  renewals: number;
}

export interface PlannedReminder {
  /** The "expires in N days" of the e-mail: whole days before, rounded up for a reminder given in a smaller unit. */
  daysBefore: number;
  /** Only for a reminder given in a smaller unit than days: exactly this long before the deadline. */
  beforeMs?: number;
  at: string;
}

export interface ConsentRenewalState {
  connectionId: string;
  validUntil: string;
  renewals: number;
  phase: 'waiting' | 'expired';
  remindersSent: number[];
  nextStep: ({ kind: 'reminder' } & PlannedReminder) | { kind: 'expiry'; at: string } | null;
}

export const consentRenewedSignal = defineSignal<[{ validUntil: string }]>('consentRenewed');
export const consentStateQuery = defineQuery<ConsentRenewalState>('consentState');
/** `validUntil`: the deadline the caller saw; another one (renewed meanwhile) gets no reminder. */
export const remindNowUpdate = defineUpdate<RemindNowResult, [{ validUntil: string }]>('remindNow');
export const sendInvitationUpdate = defineUpdate<InvitationResult>('sendInvitation');

export const consentRenewalWorkflowId = (connectionId: string): string => `connection:${connectionId}`;
