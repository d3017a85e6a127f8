import { localParts } from '../shared/local-time.js';
import { days, msAfter } from '../shared/duration.js';
import type {
  CaroNextStep,
  CaroOutcome,
  CaroSchedule,
  CaroScheduleInDays,
  CaroState,
  CaroStatus,
  CaroTransition,
} from './contract.js';

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
  if (!isCaroOpen(state.status)) return null;
  const number = state.reminders.length + 1;
  const offset = reminderOffsets(caroSchedule(schedule))[number - 1];
  if (offset !== undefined) return { kind: 'reminder', number, at: msAfter(state.invitedAt, offset) };
  return { kind: 'expiry', at: state.expiresAt };
}

/** Records a transition (the first one has no `from`) and plans the next step from the new state. */
export function applyTransition(
  state: CaroState,
  schedule: CaroSchedule | CaroScheduleInDays,
  t: Omit<CaroTransition, 'from'>,
): void {
  const { at, ...rest } = t;
  state.history.push({ at, from: state.history.length === 0 ? null : state.status, ...rest });
  state.status = t.to;
  state.reason = t.reason ?? null;
  state.nextStep = nextCaroStep(state, schedule);
}

/** How many reminders the schedule sends per invitation. */
export const reminderTotal = (schedule: CaroSchedule | CaroScheduleInDays): number =>
  reminderOffsets(caroSchedule(schedule)).length;

/**
 * Statements are delivered from the month after enrolment (docs/domain.md#journey-2-caro-activation): the first day of
 * the month following `enrolledAt` on the Brussels calendar, as a UTC calendar date.
 */
export function statementsFromDate(enrolledAt: string): string {
  const { year, month } = localParts(Date.parse(enrolledAt), 'Europe/Brussels');
  return new Date(Date.UTC(month === 12 ? year + 1 : year, month === 12 ? 0 : month, 1)).toISOString();
}

/**
 * The invitation is open: the schedule runs, the cardholder's link opens (also after a failed
 * attempt, to retry), and a provider callback counts.
 */
export const CARO_OPEN = ['invitation_sent', 'problem'] as const satisfies readonly CaroStatus[];
/** Closed by the schedule or the office: the cardholder address is purged; a reactivation invites again. */
export const CARO_CLOSED = ['invitation_expired', 'cancelled'] as const satisfies readonly CaroStatus[];
/**
 * An order in these states holds its client reference: a second order (or the reactivation of an
 * older one) for the same client and reference is refused until it is cancelled.
 */
export const CARO_HOLDS_REFERENCE = [...CARO_OPEN, 'active'] as const satisfies readonly CaroStatus[];
/**
 * The cases support's bulk replay looks at: open ones. A run that failed on its invitation stays
 * `invitation_sent`; a closed order is not replayed, whatever its run did.
 */
export const CARO_REPLAYABLE = CARO_OPEN;
// No state is final: a closed order can be reactivated, an active one cancelled. The workflow
// lives as long as the order.

const among = <S extends CaroStatus>(set: readonly S[], status: CaroStatus): status is S =>
  (set as readonly CaroStatus[]).includes(status);
export const isCaroOpen = (status: CaroStatus) => among(CARO_OPEN, status);
export const isCaroReplayable = (status: CaroStatus) => among(CARO_REPLAYABLE, status);

/** The states each action is allowed in (docs/domain.md#journey-2-caro-activation), and how a refusal reads. */
export const CARO_ACTIONS = {
  resend: { allowed: ['invitation_sent'], verb: 'resend the invitation of' },
  copyLink: { allowed: ['invitation_sent'], verb: 'copy the activation link of' },
  cancel: { allowed: CARO_HOLDS_REFERENCE, verb: 'cancel' },
  reactivate: { allowed: CARO_CLOSED, verb: 'reactivate' },
  retry: { allowed: ['problem'], verb: 'replay the activation of' },
} as const satisfies Record<string, { allowed: readonly CaroStatus[]; verb: string }>;
export type CaroAction = keyof typeof CARO_ACTIONS;

/** Why `action` is refused in this state, or undefined when it is allowed. */
export function refusal(state: Pick<CaroState, 'status' | 'channel'>, action: CaroAction): string | undefined {
  if (action === 'copyLink' && state.channel !== 'link')
    return 'a KBC/CBC order has no activation link: the cardholder activates in the bank app';
  const { allowed, verb } = CARO_ACTIONS[action];
  return among(allowed, state.status)
    ? undefined
    : `cannot ${verb} an order in state ${state.status} (allowed in: ${allowed.join(', ')})`;
}

/**
 * What a provider callback does. A success counts while the invitation is open (also after a
 * failed attempt); a failure counts while it is open unless it repeats the current problem. Late
 * ones (a failure after success) and repeated ones change nothing.
 */
export function outcomeEffect(
  state: Pick<CaroState, 'status' | 'reason'>,
  outcome: CaroOutcome,
): 'activate' | 'fail' | 'ignore' {
  if (!isCaroOpen(state.status)) return 'ignore';
  if (outcome.outcome === 'activated') return 'activate';
  return state.status === 'problem' && state.reason === outcome.reason ? 'ignore' : 'fail';
}

/** Who can move an order on: the cardholder activates (or retries), the office reactivates a lapsed one. */
export const CARO_PARTIES = ['cardholder', 'office', 'nobody'] as const;
export const CARO_WHOSE_MOVE: Record<CaroStatus, (typeof CARO_PARTIES)[number]> = {
  invitation_sent: 'cardholder',
  problem: 'cardholder',
  invitation_expired: 'office',
  active: 'nobody',
  cancelled: 'nobody',
};
