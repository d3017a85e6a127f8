import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import { days } from '../shared/duration.js';

import type { MandatePath, MandateProblemReason, MandateState, ManagementMode, WHOSE_MOVE } from './rules.js';

/** The journey's states, sets of states and actions: pure data, in rules.ts. */
export * from './rules.js';

/** Every duration in milliseconds, counted from the latest presentation. */
export interface MandateSchedule {
  /** When the client is reminded (service mode, e-mail known), increasing: 14, 28 and 42 days by default. */
  remindersMs: number[];
  /** When the office is told the case is stalled (not before the last reminder): 56 days by default. */
  stalledAfterMs: number;
  /** When an unlinked KBC/CBC account becomes a detected issue: 7 days by default. */
  bankLinkIssueAfterMs: number;
}

/**
 * The schedule in whole days, as workflows started before durations recorded it: still accepted (`mandateSchedule`).
 */
export interface MandateScheduleInDays {
  reminderDays: number[];
  stalledAfterDays: number;
  bankLinkIssueAfterDays: number;
}

/** The defaults of MANDATE_REMINDERS, MANDATE_STALLED_AFTER and MANDATE_BANK_LINK_ISSUE_AFTER. */
export const DEFAULT_MANDATE_SCHEDULE: MandateSchedule = {
  remindersMs: [days(14), days(28), days(42)],
  stalledAfterMs: days(56),
  bankLinkIssueAfterMs: days(7),
};

export interface MandateInput {
  mandateId: string;
  path: MandatePath;
  mode: ManagementMode;
  schedule: MandateSchedule | MandateScheduleInDays;
}

/** Who caused a transition: recorded in the history. */
export interface Actor {
  kind: 'system' | 'client' | 'bank' | 'office' | 'operator' | 'support' | 'accountant';
  id?: string;
}

export interface Transition {
  at: string;
  from: MandateState | null;
  to: MandateState;
  actor: Actor;
  note?: string;
}

export type NextStep =
  | { kind: 'reminder'; number: number; at: string }
  | { kind: 'stalled_notice'; at: string }
  | { kind: 'bank_link_check'; at: string }
  | null;

export interface MandateStatus {
  mandateId: string;
  state: MandateState;
  problemReason: MandateProblemReason | null;
  archiveReason: string | null;
  whoseMove: (typeof WHOSE_MOVE)[MandateState];
  /** Bumped by every presentation (order, resend, client edit, problem resolved). */
  revision: number;
  presentedAt: string | null;
  /** Reminders of the current presentation (the plan restarts with each one). */
  reminders: { number: number; at: string }[];
  stalledNoticeAt: string | null;
  bankLinkIssueAt: string | null;
  nextStep: NextStep;
  history: Transition[];
}

/** An external report about the mandate, from the e-signature provider or the bank. */
export type MandateReport =
  | { type: 'signed' }
  | { type: 'signature_rejected' }
  | { type: 'bank_link_created' }
  | { type: 'bank_accepted' }
  | { type: 'bank_rejected'; reason: MandateProblemReason };

export interface ReportEnvelope {
  /** `<provider>:<event id>`: a repeat is ignored. */
  eventId: string;
  /** The presentation the client signed or refused, when the provider says: an older one is ignored. */
  revision?: number;
  report: MandateReport;
}

export const mandateReportSignal = defineSignal<[ReportEnvelope]>('mandateReport');
/** The client's data changed: present the mandate again if it is not signed yet. */
export const clientUpdatedSignal = defineSignal<[{ actor: Actor }]>('clientUpdated');

export const resendUpdate = defineUpdate<MandateStatus, [{ actor: Actor }]>('resend');
export const archiveUpdate = defineUpdate<MandateStatus, [{ actor: Actor; reason: string }]>('archive');
export const markProblemUpdate = defineUpdate<MandateStatus, [{ actor: Actor; reason: MandateProblemReason }]>(
  'markProblem',
);
export const resolveProblemUpdate = defineUpdate<MandateStatus, [{ actor: Actor }]>('resolveProblem');

export const mandateStatusQuery = defineQuery<MandateStatus>('mandateStatus');

export const mandateWorkflowId = (mandateId: string): string => `mandate:${mandateId}`;

/** The application failure type of an action the current state does not allow (the API answers 409). */
export const ACTION_NOT_ALLOWED = 'ActionNotAllowed';
