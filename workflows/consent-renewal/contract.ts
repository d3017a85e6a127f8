import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';

export {
  CONNECTION_STATUSES,
  INVITATION_STATUSES,
  needsInvitation,
  type ConnectionStatus,
  type InvitationStatus,
} from './rules.js';
import type { ConnectionStatus, ReportedStatus } from './rules.js';

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
  /** The version of the last status change this workflow asked for (carried over continue-as-new; the database's when a run starts afresh). */
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
  status: 'expired';
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

/** A status change applied to the connection's row, or why not (it does not apply to the current status). */
export interface StatusChangeResult {
  applied: boolean;
  status: ConnectionStatus;
}
/** The aggregator reports a status (seed 003); the deadline's own statuses are the workflow's. */
export const reportStatusUpdate = defineUpdate<StatusChangeResult, [{ status: ReportedStatus }]>('reportStatus');
/** The office created the missing ledger journal: `journal_missing` → `connected` or `expires_soon`. */
export const journalCreatedUpdate = defineUpdate<StatusChangeResult>('journalCreated');

export const consentRenewalWorkflowId = (connectionId: string): string => `connection:${connectionId}`;
