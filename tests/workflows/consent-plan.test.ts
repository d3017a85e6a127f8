import { describe, expect, it } from 'vitest';
import { DEFAULT_CONSENT_SCHEDULE } from '../../workflows/consent-renewal/contract.js';
import { consentSchedule, planConsentReminders, reminderKey } from '../../workflows/consent-renewal/plan.js';
import { localTimeDaysBefore } from '../../workflows/shared/local-time.js';

const DAY = 86_400_000;
const at = (iso: string) => Date.parse(iso);
const plan = (validUntil: string, now: string) =>
  planConsentReminders(at(validUntil), at(now), DEFAULT_CONSENT_SCHEDULE).map((r) => [r.daysBefore, r.at]);

describe('consent reminder plan (09:00 Europe/Brussels)', () => {
  it('keeps 09:00 local across the March clock change (CET → CEST)', () => {
    // 2027-03-28 02:00 CET becomes 03:00 CEST.
    expect(plan('2027-04-10T12:00:00Z', '2027-01-01T00:00:00Z')).toEqual([
      [15, '2027-03-26T08:00:00.000Z'], // winter time, UTC+1
      [3, '2027-04-07T07:00:00.000Z'], // summer time, UTC+2
      [1, '2027-04-09T07:00:00.000Z'],
    ]);
  });

  it('keeps 09:00 local across the October clock change (CEST → CET)', () => {
    // 2027-10-31 03:00 CEST becomes 02:00 CET.
    expect(plan('2027-11-05T10:00:00Z', '2027-09-01T00:00:00Z')).toEqual([
      [15, '2027-10-21T07:00:00.000Z'],
      [3, '2027-11-02T08:00:00.000Z'],
      [1, '2027-11-04T08:00:00.000Z'],
    ]);
  });

  it('counts days on the Brussels calendar, not in UTC', () => {
    // 23:30 UTC on 31 March is already 1 April in Brussels.
    expect(plan('2027-03-31T23:30:00Z', '2027-03-01T00:00:00Z')[2]).toEqual([1, '2027-03-31T07:00:00.000Z']);
  });

  it('drops the reminders already due when a consent is registered late', () => {
    expect(plan('2027-04-10T12:00:00Z', '2027-04-05T00:00:00Z')).toEqual([
      [3, '2027-04-07T07:00:00.000Z'],
      [1, '2027-04-09T07:00:00.000Z'],
    ]);
    expect(plan('2027-04-10T12:00:00Z', '2027-04-09T07:00:00Z')).toEqual([]);
  });

  it('never plans a reminder at or after the deadline', () => {
    // Deadline at 08:00 local on the day: the 1-day reminder is the day before, nothing on the day itself.
    expect(
      planConsentReminders(at('2027-06-10T06:00:00Z'), at('2027-06-09T12:00:00Z'), {
        ...DEFAULT_CONSENT_SCHEDULE,
        remindersBefore: [0, 1].map((n) => ({ ms: n * DAY, atLocalTime: true })),
      }),
    ).toEqual([]);
  });

  it('lands on the first valid instant when 09:00 does not exist locally', () => {
    // 02:30 on 28 March 2027 does not exist in Brussels: clocks jump from 02:00 to 03:00.
    const instant = localTimeDaysBefore(at('2027-03-29T12:00:00Z'), 1, '02:30', 'Europe/Brussels');
    expect(new Date(instant).toISOString()).toBe('2027-03-28T01:30:00.000Z');
  });
});

describe('consent reminders in any unit', () => {
  const exact = (...ms: number[]) => ({
    ...DEFAULT_CONSENT_SCHEDULE,
    remindersBefore: ms.map((m) => ({ ms: m, atLocalTime: false })),
  });

  it('sends a reminder given in a smaller unit exactly that long before the deadline, whatever the local time', () => {
    // Deadline at 12:00 UTC, during the March clock change week: no 09:00 rounding, no calendar days.
    expect(
      planConsentReminders(at('2027-03-28T12:00:00Z'), at('2027-03-20T00:00:00Z'), exact(36 * 3_600_000, 20_000)),
    ).toEqual([
      { daysBefore: 2, beforeMs: 36 * 3_600_000, at: '2027-03-27T00:00:00.000Z' },
      { daysBefore: 1, beforeMs: 20_000, at: '2027-03-28T11:59:40.000Z' },
    ]);
  });

  it('mixes days (at 09:00 Brussels) and exact times in one schedule, earliest first', () => {
    const schedule = {
      ...DEFAULT_CONSENT_SCHEDULE,
      remindersBefore: [
        { ms: 2 * 3_600_000, atLocalTime: false },
        { ms: 3 * DAY, atLocalTime: true },
        { ms: DAY, atLocalTime: false },
      ],
    };
    expect(planConsentReminders(at('2027-04-10T12:00:00Z'), at('2027-01-01T00:00:00Z'), schedule)).toEqual([
      { daysBefore: 3, at: '2027-04-07T07:00:00.000Z' },
      { daysBefore: 1, beforeMs: DAY, at: '2027-04-09T12:00:00.000Z' },
      { daysBefore: 1, beforeMs: 2 * 3_600_000, at: '2027-04-10T10:00:00.000Z' },
    ]);
  });

  it('keys a reminder by its days, or by its exact time, so two of one deadline never share a key', () => {
    expect(reminderKey({ daysBefore: 15 })).toBe('15');
    expect(reminderKey({ daysBefore: 1, beforeMs: 20_000 })).toBe('20000ms');
    expect(reminderKey({ daysBefore: 1, beforeMs: 40_000 })).not.toBe(reminderKey({ daysBefore: 1, beforeMs: 20_000 }));
  });

  it('reads a schedule in whole days (workflows started before durations) as days at the local time', () => {
    const inDays = { reminderDaysBefore: [15, 3, 1], localTime: '09:00', timeZone: 'Europe/Brussels' };
    expect(consentSchedule(inDays)).toEqual(DEFAULT_CONSENT_SCHEDULE);
    expect(consentSchedule(DEFAULT_CONSENT_SCHEDULE)).toBe(DEFAULT_CONSENT_SCHEDULE);
    // The same reminders at the same instants, whichever shape the input recorded.
    const until = at('2027-04-10T12:00:00Z');
    const now = at('2027-01-01T00:00:00Z');
    expect(planConsentReminders(until, now, inDays)).toEqual(
      planConsentReminders(until, now, DEFAULT_CONSENT_SCHEDULE),
    );
  });
});
