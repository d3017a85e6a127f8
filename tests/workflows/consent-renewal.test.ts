import { ApplicationFailure, Context } from '@temporalio/activity';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { createConnectionActivities } from '../../activities/connections/activities.js';
import {
  consentRenewalWorkflowId,
  consentRenewedSignal,
  consentStateQuery,
  DEFAULT_CONSENT_SCHEDULE,
  journalCreatedUpdate,
  remindNowUpdate,
  reportStatusUpdate,
  sendInvitationUpdate,
} from '../../workflows/consent-renewal/contract.js';
import type { consentRenewalWorkflow } from '../../workflows/consent-renewal/workflow.js';
import { localTimeDaysBefore } from '../../workflows/shared/local-time.js';
import { productBundle } from '../helpers/workflow-bundle.js';
import { createTimeSkippingEnv } from '../helpers/temporal.js';
import { waitFor } from '../helpers/wait.js';

/** The consent workflow's activities (the worker registers every journey's; this test runs only this one). */
type Activities = ReturnType<typeof createConnectionActivities>;
type Call = { activity: keyof Activities; at: string; args: Record<string, unknown> };

const DAY = 86_400_000;
let env: TestWorkflowEnvironment;
let bundle: WorkflowBundleWithSourceMap;

beforeAll(async () => {
  env = await createTimeSkippingEnv();
  bundle = await productBundle();
});
afterAll(async () => {
  await env?.teardown();
});

/**
 * Activity mocks that record the server-time instant (to the second: task processing adds a few ms) at which each was
 * scheduled.
 */
function recordingActivities(calls: Call[], opts: { rejectDaysBefore?: number } = {}): Activities {
  const record = (activity: keyof Activities, args: object) => {
    const scheduledMs = Context.current().info.currentAttemptScheduledTimestampMs;
    calls.push({ activity, at: new Date(Math.floor(scheduledMs / 1000) * 1000).toISOString(), args: { ...args } });
  };
  return {
    async applyConnectionStatus(req) {
      record('applyConnectionStatus', req);
      return { applied: true, status: req.change.kind === 'reported' ? req.change.status : 'connected' };
    },
    async sendConsentReminder(req) {
      record('sendConsentReminder', req);
      if (req.daysBefore === opts.rejectDaysBefore)
        throw ApplicationFailure.nonRetryable('e-mail rejected: validation_error', 'EmailRejected');
      return { sent: true };
    },
    async sendConnectionInvitation(req) {
      record('sendConnectionInvitation', req);
      return { sent: true };
    },
    async markConsentExpired(req) {
      record('markConsentExpired', req);
      return { expired: true };
    },
  };
}

async function withWorker<R>(
  calls: Call[],
  fn: (taskQueue: string) => Promise<R>,
  opts: { rejectDaysBefore?: number } = {},
): Promise<R> {
  const taskQueue = `consent-${Math.random().toString(36).slice(2)}`;
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: bundle,
    activities: recordingActivities(calls, opts),
  });
  return worker.runUntil(fn(taskQueue));
}

const nowMs = async () => (await env.currentTimeMs()) as number;

/**
 * Scheduled when due: at the instant or after it, by at most what a loaded machine takes to run the
 * workflow task that schedules the activity (the test server's clock runs on while the task does; a
 * CI run saw a reminder of 09:00 scheduled at 09:00:01).
 */
const TASK_LATENCY_MS = 10_000;
function expectScheduledAt(at: string, dueMs: number, what: string) {
  expect(
    Date.parse(at) - dueMs,
    `${what}: scheduled at ${at}, due ${new Date(dueMs).toISOString()}`,
  ).toBeGreaterThanOrEqual(0);
  expect(
    Date.parse(at) - dueMs,
    `${what}: scheduled at ${at}, due ${new Date(dueMs).toISOString()}`,
  ).toBeLessThanOrEqual(TASK_LATENCY_MS);
}
const reminders = (calls: Call[]) =>
  calls.filter((c) => c.activity === 'sendConsentReminder').map((c) => [c.args.daysBefore, c.at]);

describe('consent renewal workflow (time-skipping)', () => {
  it('reminds 15, 3 and 1 days before at 09:00 Brussels, then expires at the deadline', async () => {
    const calls: Call[] = [];
    // A deadline on the far side of the March 2027 clock change.
    const validUntil = '2027-04-10T12:00:00.000Z';
    const result = await withWorker(calls, (taskQueue) =>
      env.client.workflow.execute<typeof consentRenewalWorkflow>('consentRenewalWorkflow', {
        workflowId: consentRenewalWorkflowId('c-schedule'),
        taskQueue,
        args: [{ connectionId: 'c-schedule', validUntil, schedule: DEFAULT_CONSENT_SCHEDULE }],
      }),
    );
    const due: [number, string][] = [
      [15, '2027-03-26T08:00:00.000Z'],
      [3, '2027-04-07T07:00:00.000Z'],
      [1, '2027-04-09T07:00:00.000Z'],
    ];
    const sent = reminders(calls);
    expect(sent.map(([days]) => days)).toEqual(due.map(([days]) => days));
    sent.forEach(([days, at], i) => expectScheduledAt(at as string, Date.parse(due[i]![1]), `${days} days before`));
    const expiry = calls.filter((c) => c.activity === 'markConsentExpired');
    expect(expiry).toHaveLength(1);
    expectScheduledAt(expiry[0]!.at, Date.parse(validUntil), 'the expiry');
    expect(expiry[0]!.args.idempotencyKey).toBe(`connection:c-schedule/${validUntil}/expired`);
    expect(result).toEqual({ connectionId: 'c-schedule', status: 'expired', validUntil, renewals: 0 });
  });

  it('sends reminders given in seconds exactly that long before the deadline, each under its own key', async () => {
    const calls: Call[] = [];
    // Whole seconds: the recorded instants are to the second.
    const validUntilMs = Math.ceil(((await nowMs()) + 10 * DAY) / 1000) * 1000;
    const validUntil = new Date(validUntilMs).toISOString();
    const schedule = {
      ...DEFAULT_CONSENT_SCHEDULE,
      remindersBefore: [
        { ms: DAY, atLocalTime: true },
        { ms: 40_000, atLocalTime: false },
        { ms: 20_000, atLocalTime: false },
      ],
    };
    await withWorker(calls, (taskQueue) =>
      env.client.workflow.execute<typeof consentRenewalWorkflow>('consentRenewalWorkflow', {
        workflowId: consentRenewalWorkflowId('c-seconds'),
        taskQueue,
        args: [{ connectionId: 'c-seconds', validUntil, schedule }],
      }),
    );
    const due = [
      localTimeDaysBefore(validUntilMs, 1, '09:00', 'Europe/Brussels'),
      validUntilMs - 40_000,
      validUntilMs - 20_000,
    ];
    const sent = calls.filter((c) => c.activity === 'sendConsentReminder');
    expect(sent.map((c) => [c.args.daysBefore, c.args.beforeMs, c.args.idempotencyKey])).toEqual([
      // The one given in days still goes out at 09:00 Brussels the day before.
      [1, undefined, `connection:c-seconds/${validUntil}/reminder/1`],
      [1, 40_000, `connection:c-seconds/${validUntil}/reminder/40000ms`],
      [1, 20_000, `connection:c-seconds/${validUntil}/reminder/20000ms`],
    ]);
    sent.forEach((c, i) => expectScheduledAt(c.at, due[i]!, `reminder ${i + 1}`));
    const expiry = calls.filter((c) => c.activity === 'markConsentExpired');
    expect(expiry).toHaveLength(1);
    expectScheduledAt(expiry[0]!.at, validUntilMs, 'the expiry');
  });

  it('sends nothing before the first reminder, and re-plans from a renewal (continue-as-new)', async () => {
    const calls: Call[] = [];
    const start = await nowMs();
    const validUntil = new Date(start + 30 * DAY).toISOString();
    await withWorker(calls, async (taskQueue) => {
      const handle = await env.client.workflow.start<typeof consentRenewalWorkflow>('consentRenewalWorkflow', {
        workflowId: consentRenewalWorkflowId('c-renew'),
        taskQueue,
        args: [{ connectionId: 'c-renew', validUntil, schedule: DEFAULT_CONSENT_SCHEDULE }],
      });
      await env.sleep(13 * DAY);
      expect(calls).toEqual([]);
      await env.sleep(3 * DAY); // past the 15-day reminder
      expect(reminders(calls).map(([days]) => days)).toEqual([15]);

      const renewedUntil = new Date(start + 120 * DAY).toISOString();
      await handle.signal(consentRenewedSignal, { validUntil: renewedUntil });
      await env.sleep(20 * DAY); // past the old deadline: nothing for it
      expect(reminders(calls).map(([days]) => days)).toEqual([15]);
      expect(calls.some((c) => c.activity === 'markConsentExpired')).toBe(false);
      const state = await handle.query(consentStateQuery);
      expect(state).toMatchObject({ validUntil: renewedUntil, renewals: 1, phase: 'waiting', remindersSent: [] });
      expect(state.nextStep).toMatchObject({ kind: 'reminder', daysBefore: 15 });

      const result = await handle.result();
      expect(result).toMatchObject({ status: 'expired', validUntil: renewedUntil, renewals: 1 });
    });
    const after = calls.filter((c) => c.args.validUntil !== validUntil);
    expect(after.map((c) => c.activity)).toEqual([
      // The renewed run first lifts the deadline's statuses on the row.
      'applyConnectionStatus',
      'sendConsentReminder',
      'sendConsentReminder',
      'sendConsentReminder',
      'markConsentExpired',
    ]);
  });

  it('ignores a repeated or earlier deadline', async () => {
    const calls: Call[] = [];
    const start = await nowMs();
    const validUntil = new Date(start + 10 * DAY).toISOString();
    await withWorker(calls, async (taskQueue) => {
      const handle = await env.client.workflow.start<typeof consentRenewalWorkflow>('consentRenewalWorkflow', {
        workflowId: consentRenewalWorkflowId('c-stale'),
        taskQueue,
        args: [{ connectionId: 'c-stale', validUntil, schedule: DEFAULT_CONSENT_SCHEDULE }],
      });
      await handle.signal(consentRenewedSignal, { validUntil });
      await handle.signal(consentRenewedSignal, { validUntil: new Date(start + 5 * DAY).toISOString() });
      const result = await handle.result();
      expect(result).toMatchObject({ status: 'expired', validUntil, renewals: 0 });
    });
    // Registered with 10 days left: only the 3- and 1-day reminders were still ahead.
    expect(reminders(calls).map(([days]) => days)).toEqual([3, 1]);
    // The repeated deadline (a run started afresh by signal-with-start gets one) lifts the statuses once.
    expect(calls.filter((c) => c.activity === 'applyConnectionStatus').map((c) => c.args.change)).toEqual([
      { kind: 'renewed', validUntil },
    ]);
  });

  it('goes on when a reminder e-mail is rejected: the later reminders and the expiry still happen', async () => {
    const calls: Call[] = [];
    const start = await nowMs();
    const validUntil = new Date(start + 20 * DAY).toISOString();
    await withWorker(
      calls,
      async (taskQueue) => {
        const handle = await env.client.workflow.start<typeof consentRenewalWorkflow>('consentRenewalWorkflow', {
          workflowId: consentRenewalWorkflowId('c-rejected'),
          taskQueue,
          args: [{ connectionId: 'c-rejected', validUntil, schedule: DEFAULT_CONSENT_SCHEDULE }],
        });
        await env.sleep(18 * DAY); // past the 15- and 3-day reminders
        expect((await handle.query(consentStateQuery)).remindersSent).toEqual([3]);
        expect(await handle.result()).toMatchObject({ status: 'expired', validUntil });
      },
      { rejectDaysBefore: 15 },
    );
    expect(reminders(calls).map(([days]) => days)).toEqual([15, 3, 1]);
    expect(calls.filter((c) => c.activity === 'markConsentExpired')).toHaveLength(1);
  });
});

describe('manual actions (updates on the running workflow)', () => {
  it('remind now: at once, not twice within 24 h, again after; never for another deadline; counters survive a renewal', async () => {
    const calls: Call[] = [];
    const start = await nowMs();
    const validUntil = new Date(start + 10 * DAY).toISOString();
    await withWorker(calls, async (taskQueue) => {
      const handle = await env.client.workflow.start<typeof consentRenewalWorkflow>('consentRenewalWorkflow', {
        workflowId: consentRenewalWorkflowId('c-remind'),
        taskQueue,
        args: [{ connectionId: 'c-remind', validUntil, schedule: DEFAULT_CONSENT_SCHEDULE }],
      });
      const first = await handle.executeUpdate(remindNowUpdate, { args: [{ validUntil }] });
      expect(first).toMatchObject({ sent: true, daysBefore: 10 });
      if (!first.sent) throw new Error('not sent');
      expect(Date.parse(first.nextAllowedAt) - Date.parse(first.at)).toBe(DAY);
      expect(await handle.executeUpdate(remindNowUpdate, { args: [{ validUntil }] })).toEqual({
        sent: false,
        reason: 'too_soon',
        nextAllowedAt: first.nextAllowedAt,
      });
      // The caller saw another deadline than this run's: a renewal crossed the request.
      expect(
        await handle.executeUpdate(remindNowUpdate, {
          args: [{ validUntil: new Date(start + 5 * DAY).toISOString() }],
        }),
      ).toEqual({ sent: false, reason: 'renewed' });

      await env.sleep(DAY + 60_000);
      expect(await handle.executeUpdate(remindNowUpdate, { args: [{ validUntil }] })).toMatchObject({
        sent: true,
        daysBefore: 9,
      });

      const renewedUntil = new Date(start + 60 * DAY).toISOString();
      await handle.signal(consentRenewedSignal, { validUntil: renewedUntil });
      expect(await handle.executeUpdate(remindNowUpdate, { args: [{ validUntil }] })).toEqual({
        sent: false,
        reason: 'renewed',
      });
      // The next run keeps the last manual reminder: still too soon for the renewed consent.
      await waitFor(
        async () => ((await handle.query(consentStateQuery)).renewals === 1 ? true : undefined),
        'the renewed run',
      );
      expect(await handle.executeUpdate(remindNowUpdate, { args: [{ validUntil: renewedUntil }] })).toMatchObject({
        sent: false,
        reason: 'too_soon',
      });
      expect(await handle.executeUpdate(sendInvitationUpdate)).toMatchObject({ sent: true });
      await handle.terminate();
    });
    const manual = calls.filter((c) => c.activity === 'sendConsentReminder');
    expect(manual.map((c) => [c.args.manual, c.args.idempotencyKey])).toEqual([
      [{ sequence: 1 }, `connection:c-remind/${validUntil}/manual-reminder/1`],
      [{ sequence: 2 }, `connection:c-remind/${validUntil}/manual-reminder/2`],
    ]);
    const invitations = calls.filter((c) => c.activity === 'sendConnectionInvitation');
    // Keyed per workflow chain (its first run id): a chain started again after an expiry never reuses a key.
    expect(invitations.map((c) => [c.args.sequence, c.args.idempotencyKey])).toEqual([
      [1, expect.stringMatching(/^connection:c-remind\/[0-9a-f-]{36}\/invitation\/1$/)],
    ]);
  });
});

describe('the connection status (owned by the workflow)', () => {
  it('applies reports, a created journal and renewals through its activity, versions rising across runs', async () => {
    const calls: Call[] = [];
    const start = await nowMs();
    const validUntil = new Date(start + 60 * DAY).toISOString();
    const renewedUntil = new Date(start + 100 * DAY).toISOString();
    await withWorker(calls, async (taskQueue) => {
      const handle = await env.client.workflow.start<typeof consentRenewalWorkflow>('consentRenewalWorkflow', {
        workflowId: consentRenewalWorkflowId('c-status'),
        taskQueue,
        args: [{ connectionId: 'c-status', validUntil, schedule: DEFAULT_CONSENT_SCHEDULE, statusVersion: 4 }],
      });
      expect(await handle.executeUpdate(reportStatusUpdate, { args: [{ status: 'journal_missing' }] })).toEqual({
        applied: true,
        status: 'journal_missing',
      });
      expect(await handle.executeUpdate(journalCreatedUpdate)).toMatchObject({ applied: true });
      await handle.signal(consentRenewedSignal, { validUntil: renewedUntil });
      // The renewed run lifts the deadline's statuses first.
      await waitFor(
        async () => (calls.some((c) => (c.args.change as { kind?: string })?.kind === 'renewed') ? true : undefined),
        'the renewed run',
      );
      expect(await handle.executeUpdate(reportStatusUpdate, { args: [{ status: 'access_lost' }] })).toMatchObject({
        applied: true,
      });
      await handle.terminate();
    });
    const changes = calls.filter((c) => c.activity === 'applyConnectionStatus').map((c) => c.args);
    // Each change carries its workflow time, which the transition records.
    const anIsoTime = expect.stringMatching(/^\d{4}-\d\d-\d\dT/);
    expect(changes).toEqual([
      {
        connectionId: 'c-status',
        change: { kind: 'reported', status: 'journal_missing' },
        soon: false,
        at: anIsoTime,
        statusVersion: 5,
      },
      { connectionId: 'c-status', change: { kind: 'journal_created' }, soon: false, at: anIsoTime, statusVersion: 6 },
      {
        connectionId: 'c-status',
        change: { kind: 'renewed', validUntil: renewedUntil },
        soon: false,
        at: anIsoTime,
        statusVersion: 7,
      },
      // The next run (continue-as-new) goes on from the last version.
      {
        connectionId: 'c-status',
        change: { kind: 'reported', status: 'access_lost' },
        soon: false,
        at: anIsoTime,
        statusVersion: 8,
      },
    ]);
  });

  it('counts the expires-soon window from the deadline, by workflow time', async () => {
    const calls: Call[] = [];
    const start = await nowMs();
    await withWorker(calls, async (taskQueue) => {
      const handle = await env.client.workflow.start<typeof consentRenewalWorkflow>('consentRenewalWorkflow', {
        workflowId: consentRenewalWorkflowId('c-soon'),
        taskQueue,
        args: [
          {
            connectionId: 'c-soon',
            validUntil: new Date(start + 10 * DAY).toISOString(),
            schedule: DEFAULT_CONSENT_SCHEDULE,
          },
        ],
      });
      await handle.executeUpdate(journalCreatedUpdate);
      await handle.terminate();
    });
    expect(calls.find((c) => c.activity === 'applyConnectionStatus')?.args).toMatchObject({
      change: { kind: 'journal_created' },
      soon: true,
      statusVersion: 1,
    });
  });
});
