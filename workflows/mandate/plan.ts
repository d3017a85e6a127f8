import type { MandateInput, MandateState, NextStep } from './contract.js';
import { WAITING_FOR_CLIENT } from './contract.js';

const DAY_MS = 86_400_000;

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
 * - KBC/CBC not linked after `bankLinkIssueAfterDays` → a detected issue (any mode);
 * - service mode: reminders on `reminderDays`, then the stalled notice to the office.
 */
export function nextMandateStep(input: Pick<MandateInput, 'path' | 'mode' | 'schedule'>, facts: PlanFacts): NextStep {
  if (facts.presentedAtMs === null || !WAITING_FOR_CLIENT.includes(facts.state)) return null;
  const at = (days: number) => new Date(facts.presentedAtMs! + days * DAY_MS).toISOString();
  const steps: Exclude<NextStep, null>[] = [];
  if (input.path === 'bank_link' && !facts.bankLinkIssueFlagged)
    steps.push({ kind: 'bank_link_check', at: at(input.schedule.bankLinkIssueAfterDays) });
  if (input.mode === 'service') {
    const days = input.schedule.reminderDays;
    if (facts.remindersSent < days.length)
      steps.push({ kind: 'reminder', number: facts.remindersSent + 1, at: at(days[facts.remindersSent]!) });
    else if (!facts.stalledNoticeSent) steps.push({ kind: 'stalled_notice', at: at(input.schedule.stalledAfterDays) });
  }
  // Earliest first; at the same instant the detected issue goes before the reminder.
  return steps.sort((a, b) => Date.parse(a.at) - Date.parse(b.at))[0] ?? null;
}
