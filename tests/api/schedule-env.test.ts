import { describe, expect, it } from 'vitest';
import { apiEnvSchema, consentScheduleFromEnv, loadApiEnv, mandateScheduleFromEnv } from '../../api/env.js';
import { EnvError } from '../../lib/config/env.js';
import { DEFAULT_CONSENT_SCHEDULE } from '../../workflows/consent-renewal/contract.js';
import { DEFAULT_MANDATE_SCHEDULE } from '../../workflows/mandate/contract.js';

const base = { DATABASE_URL: 'postgresql://u:p@localhost:5432/db' };
const DAY = 86_400_000;
const HOUR = 3_600_000;

describe('mandate schedule from the environment', () => {
  it('defaults to reminders on days 14, 28, 42, the stalled notice on day 56, the KBC/CBC check on day 7', () => {
    expect(mandateScheduleFromEnv(loadApiEnv(base))).toEqual(DEFAULT_MANDATE_SCHEDULE);
    expect(DEFAULT_MANDATE_SCHEDULE).toEqual({
      remindersMs: [14 * DAY, 28 * DAY, 42 * DAY],
      stalledAfterMs: 56 * DAY,
      bankLinkIssueAfterMs: 7 * DAY,
    });
  });

  it('takes durations in any unit, and the older names in whole days', () => {
    const env = { MANDATE_REMINDERS: '1m,2m,3m', MANDATE_STALLED_AFTER: '4m', MANDATE_BANK_LINK_ISSUE_AFTER: '90s' };
    expect(mandateScheduleFromEnv(loadApiEnv({ ...base, ...env }))).toEqual({
      remindersMs: [60_000, 120_000, 180_000],
      stalledAfterMs: 240_000,
      bankLinkIssueAfterMs: 90_000,
    });
    const inDays = {
      MANDATE_REMINDER_DAYS: '1,2,3',
      MANDATE_STALLED_AFTER_DAYS: '4',
      MANDATE_BANK_LINK_ISSUE_DAYS: '1',
    };
    expect(mandateScheduleFromEnv(loadApiEnv({ ...base, ...inDays }))).toEqual({
      remindersMs: [DAY, 2 * DAY, 3 * DAY],
      stalledAfterMs: 4 * DAY,
      bankLinkIssueAfterMs: DAY,
    });
    // One setting under its new name, another under its old one.
    expect(
      mandateScheduleFromEnv(loadApiEnv({ ...base, MANDATE_REMINDERS: '2h', MANDATE_STALLED_AFTER_DAYS: '1' })),
    ).toMatchObject({ remindersMs: [2 * HOUR], stalledAfterMs: DAY });
  });

  it.each([
    [{ MANDATE_REMINDERS: '28d,14d' }, 'MANDATE_REMINDERS'],
    [{ MANDATE_REMINDERS: '0s,14d' }, 'MANDATE_REMINDERS'],
    [{ MANDATE_REMINDER_DAYS: '28,14' }, 'MANDATE_REMINDER_DAYS'],
    [{ MANDATE_STALLED_AFTER: '30d' }, 'MANDATE_STALLED_AFTER'],
    [{ MANDATE_STALLED_AFTER_DAYS: '30' }, 'MANDATE_STALLED_AFTER_DAYS'],
    [{ MANDATE_STALLED_AFTER: '366d' }, 'MANDATE_STALLED_AFTER'],
    [{ MANDATE_BANK_LINK_ISSUE_AFTER: 'soon' }, 'MANDATE_BANK_LINK_ISSUE_AFTER'],
    [{ MANDATE_STALLED_AFTER: '56d', MANDATE_STALLED_AFTER_DAYS: '56' }, 'MANDATE_STALLED_AFTER'],
    [{ MANDATE_BANK_LINK_ISSUE_AFTER: '7d', MANDATE_BANK_LINK_ISSUE_DAYS: '7' }, 'MANDATE_BANK_LINK_ISSUE_AFTER'],
  ])('refuses %j, naming the variable', (env, variable) => {
    const parsed = apiEnvSchema.safeParse({ ...base, ...env });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((i) => i.path[0])).toContain(variable);
  });
});

describe('consent schedule from the environment', () => {
  it('defaults to 15, 3 and 1 days before, at 09:00 Brussels', () => {
    expect(consentScheduleFromEnv(loadApiEnv(base))).toEqual({
      ...DEFAULT_CONSENT_SCHEDULE,
      manualReminderIntervalHours: 24,
    });
  });

  it('keeps days at the local time, and sends smaller units exactly that long before', () => {
    expect(
      consentScheduleFromEnv(loadApiEnv({ ...base, CONSENT_REMINDERS_BEFORE: '15d,2h,30s' })).remindersBefore,
    ).toEqual([
      { ms: 15 * DAY, atLocalTime: true },
      { ms: 2 * HOUR, atLocalTime: false },
      { ms: 30_000, atLocalTime: false },
    ]);
    // 24h is given in hours: exactly a day before, not at 09:00.
    expect(consentScheduleFromEnv(loadApiEnv({ ...base, CONSENT_REMINDERS_BEFORE: '24h' })).remindersBefore).toEqual([
      { ms: DAY, atLocalTime: false },
    ]);
    expect(consentScheduleFromEnv(loadApiEnv({ ...base, CONSENT_REMINDER_DAYS: '10,2' })).remindersBefore).toEqual([
      { ms: 10 * DAY, atLocalTime: true },
      { ms: 2 * DAY, atLocalTime: true },
    ]);
  });

  it('refuses both names at once, and a value without a unit, in one line naming the variable', () => {
    expect(() => loadApiEnv({ ...base, CONSENT_REMINDERS_BEFORE: '15d', CONSENT_REMINDER_DAYS: '15' })).toThrow(
      new EnvError(
        'Invalid environment: CONSENT_REMINDERS_BEFORE: set CONSENT_REMINDERS_BEFORE or CONSENT_REMINDER_DAYS (whole days), not both',
      ),
    );
    expect(() => loadApiEnv({ ...base, CONSENT_REMINDERS_BEFORE: '15,3,1' })).toThrow(
      /^Invalid environment: CONSENT_REMINDERS_BEFORE: must be a comma-separated list of durations/,
    );
  });
});
