// The next timed step of a case and its date, computed from its database row with the journey's own
// pure plan function: no workflow query on a request's path. The schedule is the one the API orders
// with now; a case ordered under an earlier schedule keeps that one in its workflow, so after a
// schedule change such a case shows the dates of the new one (its workflow's query has the truth).
import { caroSchedule, nextCaroStep } from '../../../workflows/caro-activation/plan.js';
import type { CaroNextStep, CaroSchedule, CaroStatus } from '../../../workflows/caro-activation/contract.js';
import { DEFAULT_CARO_SCHEDULE } from '../../../workflows/caro-activation/contract.js';
import { planConsentReminders } from '../../../workflows/consent-renewal/plan.js';
import type { ConsentRenewalState, ConsentSchedule } from '../../../workflows/consent-renewal/contract.js';
import type { ConnectionStatus } from '../../../workflows/consent-renewal/rules.js';
import { nextMandateStep } from '../../../workflows/mandate/plan.js';
import type { MandateSchedule, MandateState, NextStep } from '../../../workflows/mandate/contract.js';
import { DEFAULT_MANDATE_SCHEDULE } from '../../../workflows/mandate/contract.js';

/** The schedules the API orders with (AppDeps has them). */
export interface Schedules {
  mandateSchedule?: MandateSchedule | undefined;
  caroSchedule?: CaroSchedule | undefined;
  consentSchedule: ConsentSchedule;
}

export interface MandatePlanRow {
  status: MandateState;
  managementMode: 'office' | 'service';
  presentedAt: Date | null;
  reminderCount: number;
  stalledAt: Date | null;
  linkIssueAt: Date | null;
  isKbcGroup: boolean;
}

export const mandateNextStep = (m: MandatePlanRow, schedules: Schedules): NextStep =>
  nextMandateStep(
    {
      path: m.isKbcGroup ? 'bank_link' : 'esign',
      mode: m.managementMode,
      schedule: schedules.mandateSchedule ?? DEFAULT_MANDATE_SCHEDULE,
    },
    {
      state: m.status,
      presentedAtMs: m.presentedAt?.getTime() ?? null,
      remindersSent: m.reminderCount,
      stalledNoticeSent: m.stalledAt !== null,
      bankLinkIssueFlagged: m.linkIssueAt !== null,
    },
  );

export interface CaroPlanRow {
  status: CaroStatus;
  linkExpiresAt: Date | null;
  reminderCount: number;
}

/** The invitation went out one expiry period before its link expires (the workflow sets both from it). */
export function caroNextStep(o: CaroPlanRow, schedules: Schedules): CaroNextStep {
  if (o.linkExpiresAt === null) return null;
  const schedule = caroSchedule(schedules.caroSchedule ?? DEFAULT_CARO_SCHEDULE);
  const expiresAt = o.linkExpiresAt.toISOString();
  const invitedAt = new Date(o.linkExpiresAt.getTime() - schedule.expiryMs).toISOString();
  const reminders = Array.from({ length: o.reminderCount }, (_, i) => ({ number: i + 1, at: invitedAt }));
  return nextCaroStep({ status: o.status, invitedAt, expiresAt, reminders }, schedule);
}

export interface ConnectionPlanRow {
  status: ConnectionStatus;
  validUntil: Date;
}

/** The next reminder still ahead, then the expiry; nothing once expired. */
export function connectionNextStep(
  c: ConnectionPlanRow,
  schedules: Schedules,
  nowMs: number = Date.now(),
): ConsentRenewalState['nextStep'] {
  if (c.status === 'expired') return null;
  const validUntilMs = c.validUntil.getTime();
  const [reminder] = planConsentReminders(validUntilMs, nowMs, schedules.consentSchedule);
  if (reminder) return { kind: 'reminder', ...reminder };
  return validUntilMs > nowMs ? { kind: 'expiry', at: c.validUntil.toISOString() } : null;
}
