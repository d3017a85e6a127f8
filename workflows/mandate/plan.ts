import { days } from '../shared/duration.js';
import type {
  MandateInput,
  MandateSchedule,
  MandateScheduleInDays,
  MandateState,
  MandateStatus,
  NextStep,
} from './contract.js';
import { WAITING_FOR_CLIENT, WHOSE_MOVE } from './contract.js';

/**
 * The schedule in durations, whichever shape the input recorded: workflows started before the
 * schedules took durations carry whole days, and keep the same steps after the deploy.
 */
export function mandateSchedule(schedule: MandateSchedule | MandateScheduleInDays): MandateSchedule {
  if ('remindersMs' in schedule) return schedule;
  return {
    remindersMs: schedule.reminderDays.map(days),
    stalledAfterMs: days(schedule.stalledAfterDays),
    bankLinkIssueAfterMs: days(schedule.bankLinkIssueAfterDays),
  };
}

/** How many reminders a presentation gets (service mode). */
export const reminderTotal = (schedule: MandateSchedule | MandateScheduleInDays): number =>
  mandateSchedule(schedule).remindersMs.length;

/**
 * A signing link stays valid this long after the stalled notice: the office that hears of the
 * stalled case can still send the client the same link. With the default schedule (stalled
 * after 56 days) the link lasts 60 days, as before the schedule took durations.
 */
export const SIGNING_LINK_MARGIN_MS = days(4);

/** Until when the signing link of a presentation at `presentedAt` is valid: the stalled notice plus the margin. */
export const signingLinkExpiry = (presentedAt: string, schedule: MandateSchedule | MandateScheduleInDays): string =>
  new Date(Date.parse(presentedAt) + mandateSchedule(schedule).stalledAfterMs + SIGNING_LINK_MARGIN_MS).toISOString();

export interface PlanFacts {
  state: MandateState;
  presentedAtMs: number | null;
  remindersSent: number;
  stalledNoticeSent: boolean;
  bankLinkIssueFlagged: boolean;
}

/**
 * The next timed step of a presented mandate, or null when nothing is planned. Everything counts
 * from the latest presentation, so a client edit or a resend restarts the plan.
 * - KBC/CBC not linked after `bankLinkIssueAfterMs` → a detected issue (any mode);
 * - service mode: reminders at `remindersMs`, then the stalled notice to the office.
 */
export function nextMandateStep(input: Pick<MandateInput, 'path' | 'mode' | 'schedule'>, facts: PlanFacts): NextStep {
  if (facts.presentedAtMs === null || !WAITING_FOR_CLIENT.includes(facts.state)) return null;
  const schedule = mandateSchedule(input.schedule);
  const at = (ms: number) => new Date(facts.presentedAtMs! + ms).toISOString();
  const steps: Exclude<NextStep, null>[] = [];
  if (input.path === 'bank_link' && !facts.bankLinkIssueFlagged)
    steps.push({ kind: 'bank_link_check', at: at(schedule.bankLinkIssueAfterMs) });
  if (input.mode === 'service') {
    const reminders = schedule.remindersMs;
    if (facts.remindersSent < reminders.length)
      steps.push({ kind: 'reminder', number: facts.remindersSent + 1, at: at(reminders[facts.remindersSent]!) });
    else if (!facts.stalledNoticeSent) steps.push({ kind: 'stalled_notice', at: at(schedule.stalledAfterMs) });
  }
  // Earliest first; at the same instant the detected issue goes before the reminder.
  return steps.sort((a, b) => Date.parse(a.at) - Date.parse(b.at))[0] ?? null;
}

/** A mandate as ordered, before its first presentation. */
export const newMandateStatus = (mandateId: string): MandateStatus => ({
  mandateId,
  state: 'registered',
  problemReason: null,
  archiveReason: null,
  whoseMove: WHOSE_MOVE.registered,
  revision: 0,
  presentedAt: null,
  reminders: [],
  stalledNoticeAt: null,
  bankLinkIssueAt: null,
  nextStep: null,
  history: [],
});
