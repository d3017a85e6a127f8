import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import { days } from '../shared/duration.js';

export {
  CONNECTION_STATUSES,
  INVITATION_STATUSES,
  needsInvitation,
  type ConnectionStatus,
  type InvitationStatus,
} from './rules.js';
import type { ConnectionStatus, ReportedStatus } from './rules.js';

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

/**
 * The schedule in whole days, as workflows started before durations recorded it: still accepted (`consentSchedule`).
 */
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
  /**
   * Manual reminders and new invitations of earlier runs (carried over continue-as-new): the rate limit and record
   * numbering.
   */
  manual?: ManualActions;
  /**
   * The version of the last status change this workflow asked for (carried over continue-as-new; the database's when a
   * run starts afresh).
   */
  statusVersion?: number;
  /** Started from a renewal (continue-as-new): lift the deadline's statuses (rules.ts) before anything else. */
  liftDeadlineStatuses?: boolean;
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

/** A status change applied to the connection's row, or why not (it does not apply to the current status). */
export interface StatusChangeResult {
  applied: boolean;
  status: ConnectionStatus;
}
/**
 * The aggregator reports a status (docs/domain.md#journey-3-consent-renewal); the deadline's own statuses are the
 * workflow's.
 */
export const reportStatusUpdate = defineUpdate<StatusChangeResult, [{ status: ReportedStatus }]>('reportStatus');
/** The office created the missing ledger journal: `journal_missing` → `connected` or `expires_soon`. */
export const journalCreatedUpdate = defineUpdate<StatusChangeResult>('journalCreated');

export const consentRenewalWorkflowId = (connectionId: string): string => `connection:${connectionId}`;
