import { describe, expect, it } from 'vitest';
import { apiEnvSchema, caroScheduleFromEnv } from '../../api/env.js';
import { DEFAULT_CARO_SCHEDULE } from '../../workflows/caro-activation/contract.js';

const base = { DATABASE_URL: 'postgresql://u:p@localhost:5432/db' };
const DAY = 86_400_000;

describe('CARO schedule from the environment', () => {
  it('defaults to reminders on days 14, 28, 42 and expiry on day 56', () => {
    expect(caroScheduleFromEnv(apiEnvSchema.parse(base))).toEqual(DEFAULT_CARO_SCHEDULE);
    expect(DEFAULT_CARO_SCHEDULE).toEqual({ remindersMs: [14 * DAY, 28 * DAY, 42 * DAY], expiryMs: 56 * DAY });
  });

  it('takes durations in any unit', () => {
    expect(
      caroScheduleFromEnv(apiEnvSchema.parse({ ...base, CARO_REMINDERS: '20s,40s,60s', CARO_EXPIRY: '80s' })),
    ).toEqual({ remindersMs: [20_000, 40_000, 60_000], expiryMs: 80_000 });
    expect(caroScheduleFromEnv(apiEnvSchema.parse({ ...base, CARO_REMINDERS: '2h,1d', CARO_EXPIRY: '3d' }))).toEqual({
      remindersMs: [2 * 3_600_000, DAY],
      expiryMs: 3 * DAY,
    });
  });

  it('still takes the older names, in whole days', () => {
    expect(
      caroScheduleFromEnv(apiEnvSchema.parse({ ...base, CARO_REMINDER_DAYS: '7,14', CARO_EXPIRY_DAYS: '21' })),
    ).toEqual({ remindersMs: [7 * DAY, 14 * DAY], expiryMs: 21 * DAY });
  });

  it.each([
    [{ CARO_REMINDER_DAYS: '14,28,60' }, 'CARO_REMINDER_DAYS'],
    [{ CARO_REMINDER_DAYS: 'two weeks' }, 'CARO_REMINDER_DAYS'],
    [{ CARO_EXPIRY_DAYS: '0' }, 'CARO_EXPIRY_DAYS'],
    [{ CARO_REMINDERS: '20s,40s,90s', CARO_EXPIRY: '80s' }, 'CARO_REMINDERS'],
    [{ CARO_REMINDERS: '20s,forty' }, 'CARO_REMINDERS'],
    [{ CARO_EXPIRY: '80' }, 'CARO_EXPIRY'],
    [{ CARO_EXPIRY: '2w' }, 'CARO_EXPIRY'],
    [{ CARO_EXPIRY: '1000d' }, 'CARO_EXPIRY'],
    [{ CARO_EXPIRY: '56d', CARO_EXPIRY_DAYS: '56' }, 'CARO_EXPIRY'],
    [{ CARO_REMINDERS: '14d', CARO_REMINDER_DAYS: '14' }, 'CARO_REMINDERS'],
  ])('refuses %j, naming the variable', (env, variable) => {
    const parsed = apiEnvSchema.safeParse({ ...base, ...env });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((i) => i.path[0])).toContain(variable);
  });
});
