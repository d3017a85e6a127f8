import { localParts } from '../shared/local-time.js';
import { days, msAfter } from '../shared/duration.js';
import type { CaroNextStep, CaroOutcome, CaroSchedule, CaroScheduleInDays, CaroState, CaroStatus } from './contract.js';

/**
 * The schedule in durations, whichever shape the input recorded: workflows started before the
 * schedules took durations carry whole days, and keep the same reminders and expiry after the deploy.
 */
export function caroSchedule(schedule: CaroSchedule | CaroScheduleInDays): CaroSchedule {
  if ('remindersMs' in schedule) return schedule;
  return { remindersMs: schedule.reminderDays.map(days), expiryMs: days(schedule.expiryDays) };
}

/** When an invitation sent at `invitedAt` (and its activation link) expires. */
export const invitationExpiry = (invitedAt: string, schedule: CaroSchedule | CaroScheduleInDays): string =>
  msAfter(invitedAt, caroSchedule(schedule).expiryMs);

/** The reminders of one invitation, in ms after it: each once, before the expiry, earliest first. */
const reminderOffsets = (schedule: CaroSchedule): number[] =>
  [...new Set(schedule.remindersMs)].filter((ms) => ms > 0 && ms < schedule.expiryMs).sort((a, b) => a - b);

/**
 * What the schedule does next for an open invitation (`invitation_sent` or `problem`): the next
 * reminder not yet sent, then the expiry. Nothing for any other state.
 */
export function nextCaroStep(
  state: Pick<CaroState, 'status' | 'invitedAt' | 'expiresAt' | 'reminders'>,
  schedule: CaroSchedule | CaroScheduleInDays,
): CaroNextStep {
  if (state.status !== 'invitation_sent' && state.status !== 'problem') return null;
  const number = state.reminders.length + 1;
  const offset = reminderOffsets(caroSchedule(schedule))[number - 1];
  if (offset !== undefined) return { kind: 'reminder', number, at: msAfter(state.invitedAt, offset) };
  return { kind: 'expiry', at: state.expiresAt };
}

/** How many reminders the schedule sends per invitation. */
export const reminderTotal = (schedule: CaroSchedule | CaroScheduleInDays): number =>
  reminderOffsets(caroSchedule(schedule)).length;

/**
 * Statements are delivered from the month after enrolment (seed 001): the first day of the
 * month following `enrolledAt` on the Brussels calendar, as a UTC calendar date.
 */
export function statementsFromDate(enrolledAt: string): string {
  const { year, month } = localParts(Date.parse(enrolledAt), 'Europe/Brussels');
  return new Date(Date.UTC(month === 12 ? year + 1 : year, month === 12 ? 0 : month, 1)).toISOString();
}

/** The states each action is allowed in (DOMAIN.md, journey 2), and how a refusal reads. */
export const CARO_ACTIONS = {
  resend: { allowed: ['invitation_sent'], verb: 'resend the invitation of' },
  copyLink: { allowed: ['invitation_sent'], verb: 'copy the activation link of' },
  cancel: { allowed: ['invitation_sent', 'problem', 'active'], verb: 'cancel' },
  reactivate: { allowed: ['cancelled', 'invitation_expired'], verb: 'reactivate' },
  retry: { allowed: ['problem'], verb: 'replay the activation of' },
} as const satisfies Record<string, { allowed: readonly CaroStatus[]; verb: string }>;
export type CaroAction = keyof typeof CARO_ACTIONS;

/** Why `action` is refused in this state, or undefined when it is allowed. */
export function refusal(state: Pick<CaroState, 'status' | 'channel'>, action: CaroAction): string | undefined {
  if (action === 'copyLink' && state.channel !== 'link')
    return 'a KBC/CBC order has no activation link: the cardholder activates in the bank app';
  const { allowed, verb } = CARO_ACTIONS[action];
  return (allowed as readonly CaroStatus[]).includes(state.status)
    ? undefined
    : `cannot ${verb} an order in state ${state.status} (allowed in: ${allowed.join(', ')})`;
}

const OPEN: readonly CaroStatus[] = ['invitation_sent', 'problem'];

/**
 * What a provider callback does. A success counts while the invitation is open (also after a
 * failed attempt); a failure counts while it is open unless it repeats the current problem. Late
 * ones (a failure after success) and repeated ones change nothing.
 */
export function outcomeEffect(
  state: Pick<CaroState, 'status' | 'reason'>,
  outcome: CaroOutcome,
): 'activate' | 'fail' | 'ignore' {
  if (!OPEN.includes(state.status)) return 'ignore';
  if (outcome.outcome === 'activated') return 'activate';
  return state.status === 'problem' && state.reason === outcome.reason ? 'ignore' : 'fail';
}
