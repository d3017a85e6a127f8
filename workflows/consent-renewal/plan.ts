import { localTimeDaysBefore } from '../shared/local-time.js';
import type { ConsentSchedule, PlannedReminder } from './contract.js';

/**
 * The reminders still ahead of `nowMs` for a consent valid until `validUntilMs`,
 * earliest first. Reminders already due (a consent registered late) are dropped.
 */
export function planConsentReminders(
  validUntilMs: number,
  nowMs: number,
  schedule: ConsentSchedule,
): PlannedReminder[] {
  return [...new Set(schedule.reminderDaysBefore)]
    .map((daysBefore) => ({
      daysBefore,
      atMs: localTimeDaysBefore(validUntilMs, daysBefore, schedule.localTime, schedule.timeZone),
    }))
    .filter(({ atMs }) => atMs > nowMs && atMs < validUntilMs)
    .sort((a, b) => a.atMs - b.atMs)
    .map(({ daysBefore, atMs }) => ({ daysBefore, at: new Date(atMs).toISOString() }));
}
