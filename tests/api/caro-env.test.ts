import { describe, expect, it } from 'vitest';
import { apiEnvSchema, caroScheduleFromEnv } from '../../api/env.js';
import { DEFAULT_CARO_SCHEDULE } from '../../workflows/caro-activation/contract.js';

const base = { DATABASE_URL: 'postgresql://u:p@localhost:5432/db' };

describe('CARO schedule from the environment', () => {
  it('defaults to reminders on days 14, 28, 42 and expiry on day 56', () => {
    expect(caroScheduleFromEnv(apiEnvSchema.parse(base))).toEqual(DEFAULT_CARO_SCHEDULE);
  });

  it('takes other days', () => {
    expect(
      caroScheduleFromEnv(apiEnvSchema.parse({ ...base, CARO_REMINDER_DAYS: '7,14', CARO_EXPIRY_DAYS: '21' })),
    ).toEqual({ reminderDays: [7, 14], expiryDays: 21 });
  });

  it.each([
    [{ CARO_REMINDER_DAYS: '14,28,60' }, 'CARO_REMINDER_DAYS'],
    [{ CARO_REMINDER_DAYS: 'two weeks' }, 'CARO_REMINDER_DAYS'],
    [{ CARO_EXPIRY_DAYS: '0' }, 'CARO_EXPIRY_DAYS'],
  ])('refuses %j, naming the variable', (env, variable) => {
    const parsed = apiEnvSchema.safeParse({ ...base, ...env });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((i) => i.path[0])).toContain(variable);
  });
});
