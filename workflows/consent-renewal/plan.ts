import { DAY_MS, days } from '../shared/duration.js';
import { localTimeDaysBefore } from '../shared/local-time.js';
import type { ConsentSchedule, ConsentScheduleInDays, PlannedReminder, ReminderBefore } from './contract.js';

/**
 * The schedule in durations, whichever shape the input recorded: workflows started before the
 * schedules took durations carry `reminderDaysBefore` (whole days, at the local time), and keep
 * the same reminders after the deploy.
 */
export function consentSchedule(schedule: ConsentSchedule | ConsentScheduleInDays): ConsentSchedule {
  if ('remindersBefore' in schedule) return schedule;
  const { reminderDaysBefore, ...rest } = schedule;
  return { ...rest, remindersBefore: reminderDaysBefore.map((n) => ({ ms: days(n), atLocalTime: true })) };
}

/** When one reminder goes out, and the whole days it announces. */
function place(
  validUntilMs: number,
  before: ReminderBefore,
  schedule: ConsentSchedule,
): Omit<PlannedReminder, 'at'> & { atMs: number } {
  if (before.atLocalTime) {
    const daysBefore = Math.round(before.ms / DAY_MS);
    return { daysBefore, atMs: localTimeDaysBefore(validUntilMs, daysBefore, schedule.localTime, schedule.timeZone) };
  }
  return { daysBefore: Math.ceil(before.ms / DAY_MS), beforeMs: before.ms, atMs: validUntilMs - before.ms };
}

/** The part of a reminder's idempotency key that tells it from the others of the same deadline. */
export const reminderKey = (reminder: Pick<PlannedReminder, 'daysBefore' | 'beforeMs'>): string =>
  reminder.beforeMs === undefined ? String(reminder.daysBefore) : `${reminder.beforeMs}ms`;

/**
 * The reminders still ahead of `nowMs` for a consent valid until `validUntilMs`, earliest first.
 * Reminders already due (a consent registered late) are dropped, and so are repeats (`1d` twice).
 */
export function planConsentReminders(
  validUntilMs: number,
  nowMs: number,
  schedule: ConsentSchedule | ConsentScheduleInDays,
): PlannedReminder[] {
  const normal = consentSchedule(schedule);
  const planned = new Map<string, ReturnType<typeof place>>();
  for (const before of normal.remindersBefore) {
    const reminder = place(validUntilMs, before, normal);
    if (reminder.atMs > nowMs && reminder.atMs < validUntilMs) planned.set(reminderKey(reminder), reminder);
  }
  return [...planned.values()]
    .sort((a, b) => a.atMs - b.atMs)
    .map(({ atMs, ...reminder }) => ({ ...reminder, at: new Date(atMs).toISOString() }));
}
