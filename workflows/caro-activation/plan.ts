import { localParts } from '../shared/local-time.js';
import type { CaroNextStep, CaroSchedule, CaroState } from './contract.js';

const DAY_MS = 86_400_000;

/** `days` after `fromIso`, as an ISO instant. */
export const daysAfter = (fromIso: string, days: number): string => new Date(Date.parse(fromIso) + days * DAY_MS).toISOString();

/**
 * What the schedule does next for an open invitation (`invitation_sent` or `problem`): the next
 * reminder not yet sent, then the expiry. Nothing for any other state.
 */
export function nextCaroStep(state: Pick<CaroState, 'status' | 'invitedAt' | 'expiresAt' | 'reminders'>, schedule: CaroSchedule): CaroNextStep {
  if (state.status !== 'invitation_sent' && state.status !== 'problem') return null;
  const days = [...new Set(schedule.reminderDays)].filter((d) => d > 0 && d < schedule.expiryDays).sort((a, b) => a - b);
  const number = state.reminders.length + 1;
  const day = days[number - 1];
  if (day !== undefined) return { kind: 'reminder', number, at: daysAfter(state.invitedAt, day) };
  return { kind: 'expiry', at: state.expiresAt };
}

/** How many reminders the schedule sends per invitation. */
export const reminderTotal = (schedule: CaroSchedule): number =>
  new Set(schedule.reminderDays.filter((d) => d > 0 && d < schedule.expiryDays)).size;

/**
 * Statements are delivered from the month after enrolment (seed 001): the first day of the
 * month following `enrolledAt` on the Brussels calendar, as a UTC calendar date.
 */
export function statementsFromDate(enrolledAt: string): string {
  const { year, month } = localParts(Date.parse(enrolledAt), 'Europe/Brussels');
  return new Date(Date.UTC(month === 12 ? year + 1 : year, month === 12 ? 0 : month, 1)).toISOString();
}
