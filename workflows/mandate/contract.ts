import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';

import type { MandatePath, MandateProblemReason, MandateState, ManagementMode, WHOSE_MOVE } from './rules.js';

/** The journey's states, sets of states and actions: pure data, in rules.ts. */
export * from './rules.js';

export interface MandateSchedule {
  /** Days after presentation on which the client is reminded (service mode, e-mail known), e.g. [14, 28, 42]. */
  reminderDays: number[];
  /** Days after presentation on which the office is told the case is stalled (after the last reminder). */
  stalledAfterDays: number;
  /** Days after presentation after which an unlinked KBC/CBC account is a detected issue. */
  bankLinkIssueAfterDays: number;
}

export const DEFAULT_MANDATE_SCHEDULE: MandateSchedule = {
  reminderDays: [14, 28, 42],
  stalledAfterDays: 56,
  bankLinkIssueAfterDays: 7,
};

export interface MandateInput {
  mandateId: string;
  path: MandatePath;
  mode: ManagementMode;
  schedule: MandateSchedule;
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
