import { defineQuery, defineSignal } from '@temporalio/workflow';

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

export interface ConsentSchedule {
  /** Days before `validUntil` on which the owner is reminded, e.g. [15, 3, 1]. */
  reminderDaysBefore: number[];
  /** Local wall-clock time of the reminders, `HH:MM`. */
  localTime: string;
  /** IANA time zone of `localTime`. */
  timeZone: string;
}

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
}

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

export const consentRenewalWorkflowId = (connectionId: string): string => `connection:${connectionId}`;
