import { describe, expect, it } from 'vitest';
import { DEFAULT_CARO_SCHEDULE } from '../../workflows/caro-activation/contract.js';
import { caroSchedule, invitationExpiry, nextCaroStep, reminderTotal } from '../../workflows/caro-activation/plan.js';
import { DEFAULT_MANDATE_SCHEDULE, type MandateInput } from '../../workflows/mandate/contract.js';
import {
  mandateSchedule,
  nextMandateStep,
  reminderTotal as mandateReminderTotal,
  signingLinkExpiry,
  type PlanFacts,
} from '../../workflows/mandate/plan.js';

// Workflows started before the schedules took durations recorded them in whole days: they must
// plan exactly what they planned before the deploy.
const DAY = 86_400_000;
const mandateInDays = { reminderDays: [14, 28, 42], stalledAfterDays: 56, bankLinkIssueAfterDays: 7 };
const caroInDays = { reminderDays: [14, 28, 42], expiryDays: 56 };

describe('mandate schedule in durations', () => {
  const presentedAtMs = Date.parse('2027-01-01T10:00:00.000Z');
  const facts = (over: Partial<PlanFacts> = {}): PlanFacts => ({
    state: 'sent_to_client',
    presentedAtMs,
    remindersSent: 0,
    stalledNoticeSent: false,
    bankLinkIssueFlagged: false,
    ...over,
  });
  const steps = (schedule: MandateInput['schedule'], path: MandateInput['path'] = 'esign') =>
    [
      facts(),
      facts({ remindersSent: 1 }),
      facts({ remindersSent: 3 }),
      facts({ state: 'awaiting_bank_link', remindersSent: 3 }),
    ].map((f) => nextMandateStep({ path, mode: 'service', schedule }, f));

  it('reads the whole-days shape as the same durations, and plans the same steps from it', () => {
    expect(mandateSchedule(mandateInDays)).toEqual(DEFAULT_MANDATE_SCHEDULE);
    expect(mandateSchedule(DEFAULT_MANDATE_SCHEDULE)).toBe(DEFAULT_MANDATE_SCHEDULE);
    expect(steps(mandateInDays)).toEqual(steps(DEFAULT_MANDATE_SCHEDULE));
    expect(steps(mandateInDays, 'bank_link')).toEqual(steps(DEFAULT_MANDATE_SCHEDULE, 'bank_link'));
    expect(mandateReminderTotal(mandateInDays)).toBe(3);
  });

  it('plans in any unit: reminders 20 s apart, the stalled notice after 80 s', () => {
    const schedule = { remindersMs: [20_000, 40_000, 60_000], stalledAfterMs: 80_000, bankLinkIssueAfterMs: 10_000 };
    expect(steps(schedule)).toEqual([
      { kind: 'reminder', number: 1, at: '2027-01-01T10:00:20.000Z' },
      { kind: 'reminder', number: 2, at: '2027-01-01T10:00:40.000Z' },
      { kind: 'stalled_notice', at: '2027-01-01T10:01:20.000Z' },
      { kind: 'stalled_notice', at: '2027-01-01T10:01:20.000Z' },
    ]);
    expect(
      nextMandateStep({ path: 'bank_link', mode: 'office', schedule }, facts({ state: 'awaiting_bank_link' })),
    ).toEqual({ kind: 'bank_link_check', at: '2027-01-01T10:00:10.000Z' });
  });

  it('keeps the signing link valid until the stalled notice plus 4 days: 60 days with the defaults', () => {
    const presentedAt = '2027-01-01T10:00:00.000Z';
    expect(signingLinkExpiry(presentedAt, DEFAULT_MANDATE_SCHEDULE)).toBe(
      new Date(presentedAtMs + 60 * DAY).toISOString(),
    );
    expect(signingLinkExpiry(presentedAt, mandateInDays)).toBe(new Date(presentedAtMs + 60 * DAY).toISOString());
    // A stalled notice after a year: the link outlives it, unlike the fixed 60 days it had.
    expect(signingLinkExpiry(presentedAt, { ...DEFAULT_MANDATE_SCHEDULE, stalledAfterMs: 365 * DAY })).toBe(
      new Date(presentedAtMs + 369 * DAY).toISOString(),
    );
  });
});

describe('CARO schedule in durations', () => {
  const invitedAt = '2027-01-01T10:00:00.000Z';
  const plan = (schedule: Parameters<typeof nextCaroStep>[1]) => {
    const expiresAt = invitationExpiry(invitedAt, schedule);
    return [0, 1, 2, 3].map((sent) =>
      nextCaroStep(
        {
          status: 'invitation_sent',
          invitedAt,
          expiresAt,
          reminders: Array.from({ length: sent }, (_, i) => ({ number: i + 1, at: '' })),
        },
        schedule,
      ),
    );
  };

  it('reads the whole-days shape as the same durations, and plans the same reminders and expiry from it', () => {
    expect(caroSchedule(caroInDays)).toEqual(DEFAULT_CARO_SCHEDULE);
    expect(caroSchedule(DEFAULT_CARO_SCHEDULE)).toBe(DEFAULT_CARO_SCHEDULE);
    expect(plan(caroInDays)).toEqual(plan(DEFAULT_CARO_SCHEDULE));
    expect(invitationExpiry(invitedAt, caroInDays)).toBe('2027-02-26T10:00:00.000Z');
    expect(reminderTotal(caroInDays)).toBe(3);
  });

  it('plans in any unit: reminders at 20, 40 and 60 s, the expiry (and the link) at 80 s', () => {
    expect(plan({ remindersMs: [20_000, 40_000, 60_000], expiryMs: 80_000 })).toEqual([
      { kind: 'reminder', number: 1, at: '2027-01-01T10:00:20.000Z' },
      { kind: 'reminder', number: 2, at: '2027-01-01T10:00:40.000Z' },
      { kind: 'reminder', number: 3, at: '2027-01-01T10:01:00.000Z' },
      { kind: 'expiry', at: '2027-01-01T10:01:20.000Z' },
    ]);
  });
});
