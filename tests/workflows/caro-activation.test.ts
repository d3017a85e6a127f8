import { Context } from '@temporalio/activity';
import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { createActivities } from '../../activities/index.js';
import {
  cancelOrderUpdate,
  CARO_PROBLEM_REASONS,
  CARO_STATUSES,
  caroActivationWorkflowId,
  caroOutcomeSignal,
  caroStateQuery,
  copyActivationLinkUpdate,
  DEFAULT_CARO_SCHEDULE,
  reactivateOrderUpdate,
  resendInvitationUpdate,
  retryActivationUpdate,
  type CaroChannel,
} from '../../workflows/caro-activation/contract.js';
import {
  CARO_CLOSED,
  CARO_HOLDS_REFERENCE,
  CARO_OPEN,
  CARO_REPLAYABLE,
  nextCaroStep,
  outcomeEffect,
  refusal as whyRefused,
  statementsFromDate,
  type CaroAction,
} from '../../workflows/caro-activation/plan.js';
import type { caroActivationWorkflow } from '../../workflows/caro-activation/workflow.js';
import { productBundle } from '../helpers/workflow-bundle.js';
import { createTimeSkippingEnv } from '../helpers/temporal.js';
import { waitFor } from '../helpers/wait.js';

type Activities = Pick<
  ReturnType<typeof createActivities>,
  'sendCaroInvitation' | 'sendCaroReminder' | 'activateCaroOrder' | 'recordCaroProblem' | 'closeCaroOrder'
>;
type Call = { activity: keyof Activities; atMs: number; args: Record<string, unknown> };

const DAY = 86_400_000;
const actor = { kind: 'api-key', id: 'key-1', role: 'accountant' } as const;
let env: TestWorkflowEnvironment;

beforeAll(async () => {
  env = await createTimeSkippingEnv();
});
afterAll(async () => {
  await env?.teardown();
});

/** Activity mocks recording the server time (to the second) at which each was scheduled. */
function recordingActivities(calls: Call[]): Activities {
  const record = (activity: keyof Activities, args: object) => {
    const scheduledMs = Context.current().info.currentAttemptScheduledTimestampMs;
    calls.push({ activity, atMs: Math.floor(scheduledMs / 1000) * 1000, args: { ...args } });
  };
  return {
    async sendCaroInvitation(req) {
      record('sendCaroInvitation', req);
      return { sent: true };
    },
    async sendCaroReminder(req) {
      record('sendCaroReminder', req);
      return { sent: true };
    },
    async activateCaroOrder(req) {
      record('activateCaroOrder', req);
      return { confirmed: true };
    },
    async recordCaroProblem(req) {
      record('recordCaroProblem', req);
      return { officeNotified: true };
    },
    async closeCaroOrder(req) {
      record('closeCaroOrder', req);
      return { purged: 1 };
    },
  };
}

/**
 * Runs `fn` with a worker and one order's workflow; terminates the workflow afterwards (it lives as long as the order).
 */
async function withOrder(
  orderId: string,
  fn: (ctx: {
    handle: WorkflowHandle<typeof caroActivationWorkflow>;
    calls: Call[];
    day: (call: Call) => number;
  }) => Promise<void>,
  channel: CaroChannel = 'link',
) {
  const calls: Call[] = [];
  const taskQueue = `caro-${Math.random().toString(36).slice(2)}`;
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: await productBundle(),
    activities: recordingActivities(calls),
  });
  const start = () =>
    env.client.workflow.start<typeof caroActivationWorkflow>('caroActivationWorkflow', {
      workflowId: caroActivationWorkflowId(orderId),
      taskQueue,
      args: [{ orderId, channel, schedule: DEFAULT_CARO_SCHEDULE, actor }],
    });
  await worker.runUntil(async () => {
    const handle = await start();
    await handle.query(caroStateQuery); // the first workflow task ran: the invitation is scheduled
    const t0 = Math.floor(((await env.currentTimeMs()) as number) / 1000) * 1000;
    try {
      // To the minute: an activity is scheduled a few ms after the workflow time that planned it.
      // `+ 0`: an activity scheduled in the minute before t0 is day 0, not -0 (toEqual tells them apart).
      await fn({ handle, calls, day: (call) => Math.round((call.atMs - t0) / 60_000) / 1440 + 0 });
    } finally {
      await handle.terminate('test over');
    }
  });
}

/** The message of the ApplicationFailure a refused update carries (what the API answers 409 with). */
async function refusal(update: Promise<unknown>): Promise<string> {
  const error = await update.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(WorkflowUpdateFailedError);
  return ((error as WorkflowUpdateFailedError).cause?.message ?? '') as string;
}

const sent = (calls: Call[], activity: keyof Activities) => calls.filter((c) => c.activity === activity);

describe('CARO schedule (pure)', () => {
  it('plans reminders 14, 28, 42 days after the invitation, then the expiry on day 56', () => {
    const invitedAt = '2027-01-01T10:00:00.000Z';
    const base = { status: 'invitation_sent' as const, invitedAt, expiresAt: '2027-02-26T10:00:00.000Z' };
    expect(nextCaroStep({ ...base, reminders: [] }, DEFAULT_CARO_SCHEDULE)).toEqual({
      kind: 'reminder',
      number: 1,
      at: '2027-01-15T10:00:00.000Z',
    });
    expect(
      nextCaroStep(
        {
          ...base,
          reminders: [
            { number: 1, at: '' },
            { number: 2, at: '' },
          ],
        },
        DEFAULT_CARO_SCHEDULE,
      ),
    ).toEqual({ kind: 'reminder', number: 3, at: '2027-02-12T10:00:00.000Z' });
    expect(
      nextCaroStep({ ...base, reminders: [1, 2, 3].map((number) => ({ number, at: '' })) }, DEFAULT_CARO_SCHEDULE),
    ).toEqual({ kind: 'expiry', at: base.expiresAt });
    expect(nextCaroStep({ ...base, status: 'active', reminders: [] }, DEFAULT_CARO_SCHEDULE)).toBeNull();
  });

  it('allows each action only in its states, and says why otherwise', () => {
    expect(whyRefused({ status: 'invitation_sent', channel: 'link' }, 'resend')).toBeUndefined();
    expect(whyRefused({ status: 'problem', channel: 'link' }, 'resend')).toBe(
      'cannot resend the invitation of an order in state problem (allowed in: invitation_sent)',
    );
    expect(whyRefused({ status: 'invitation_sent', channel: 'bank-app' }, 'copyLink')).toMatch(/KBC\/CBC/);
    expect(whyRefused({ status: 'active', channel: 'link' }, 'cancel')).toBeUndefined();
    expect(whyRefused({ status: 'invitation_expired', channel: 'link' }, 'reactivate')).toBeUndefined();
    expect(whyRefused({ status: 'invitation_sent', channel: 'link' }, 'retry')).toMatch(/allowed in: problem/);
  });

  it('keeps each set of states once, and the actions and the API checks read them', () => {
    const allowed = (action: CaroAction) =>
      CARO_STATUSES.filter((status) => whyRefused({ status, channel: 'link' }, action) === undefined);
    // The link opens, the schedule runs and callbacks count while the invitation is open (also in
    // problem, so the cardholder can retry); resend and copy link are the accountant's actions
    // while it is sent (docs/domain.md#journey-2-caro-activation).
    expect(CARO_OPEN).toEqual(['invitation_sent', 'problem']);
    const invitation = { invitedAt: '2027-01-01T10:00:00.000Z', expiresAt: '2027-02-26T10:00:00.000Z', reminders: [] };
    expect(CARO_STATUSES.filter((status) => nextCaroStep({ ...invitation, status }, DEFAULT_CARO_SCHEDULE))).toEqual(
      CARO_OPEN,
    );
    expect(allowed('resend')).toEqual(['invitation_sent']);
    expect(allowed('copyLink')).toEqual(['invitation_sent']);
    // Only a closed order is reactivated; an order holds its reference until it is closed, and
    // can be cancelled until then (the create and reactivate routes check the same set).
    expect(allowed('reactivate')).toEqual([...CARO_CLOSED]);
    expect([...CARO_HOLDS_REFERENCE].sort()).toEqual(
      CARO_STATUSES.filter((status) => !(CARO_CLOSED as readonly string[]).includes(status)).sort(),
    );
    expect(allowed('cancel').sort()).toEqual([...CARO_HOLDS_REFERENCE].sort());
    // Support replays open cases only (a closed order is not revived by a reset); the retry update is for a problem.
    expect(CARO_REPLAYABLE).toEqual(CARO_OPEN);
    expect(allowed('retry')).toEqual(['problem']);
  });

  it('a callback activates or fails an open invitation only; late and repeated ones change nothing', () => {
    const ok = { outcome: 'activated', eventId: 'e', occurredAt: '' } as const;
    const debit = { outcome: 'failed', eventId: 'e', occurredAt: '', reason: 'debit_card' } as const;
    expect(outcomeEffect({ status: 'invitation_sent', reason: null }, ok)).toBe('activate');
    expect(outcomeEffect({ status: 'problem', reason: 'debit_card' }, ok)).toBe('activate');
    expect(outcomeEffect({ status: 'active', reason: null }, debit)).toBe('ignore');
    expect(outcomeEffect({ status: 'problem', reason: 'debit_card' }, debit)).toBe('ignore');
    expect(outcomeEffect({ status: 'problem', reason: 'technical_or_data_error' }, debit)).toBe('fail');
    expect(outcomeEffect({ status: 'cancelled', reason: null }, ok)).toBe('ignore');
  });

  it('dates statements from the first day of the month after enrolment (Brussels calendar)', () => {
    expect(statementsFromDate('2026-11-24T10:00:00Z')).toBe('2026-12-01T00:00:00.000Z');
    expect(statementsFromDate('2026-12-31T23:30:00Z')).toBe('2027-02-01T00:00:00.000Z'); // already 1 January in Brussels
    expect(statementsFromDate('2027-12-15T12:00:00Z')).toBe('2028-01-01T00:00:00.000Z');
  });
});

describe('CARO activation workflow (time-skipping)', () => {
  it('invites, reminds on days 14, 28 and 42 and nothing in between, expires on day 56', async () => {
    await withOrder('00000000-0000-7000-8000-000000000001', async ({ handle, calls, day }) => {
      await env.sleep(13 * DAY);
      expect(calls.map((c) => c.activity)).toEqual(['sendCaroInvitation']);
      expect(calls[0]!.args).toMatchObject({
        linkVersion: 1,
        idempotencyKey: expect.stringMatching(/^caro:00000000-0000-7000-8000-000000000001\/v1\/invitation\//),
      });
      await env.sleep(2 * DAY);
      expect(sent(calls, 'sendCaroReminder').map(day)).toEqual([14]);
      await env.sleep(12 * DAY); // day 27
      expect(sent(calls, 'sendCaroReminder')).toHaveLength(1);
      await env.sleep(2 * DAY); // day 29
      expect(sent(calls, 'sendCaroReminder').map(day)).toEqual([14, 28]);
      const midway = await handle.query(caroStateQuery);
      expect(midway.reminders.map((r) => r.number)).toEqual([1, 2]);
      expect(midway.nextStep).toMatchObject({ kind: 'reminder', number: 3 });
      await env.sleep(26 * DAY); // day 55
      expect(sent(calls, 'sendCaroReminder').map(day)).toEqual([14, 28, 42]);
      expect(sent(calls, 'sendCaroReminder').map((c) => [c.args.number, c.args.of])).toEqual([
        [1, 3],
        [2, 3],
        [3, 3],
      ]);
      expect(sent(calls, 'closeCaroOrder')).toEqual([]);
      await env.sleep(2 * DAY); // day 57
      expect(sent(calls, 'closeCaroOrder').map((c) => [day(c), c.args.status])).toEqual([[56, 'invitation_expired']]);
      const state = await handle.query(caroStateQuery);
      expect(state).toMatchObject({ status: 'invitation_expired', nextStep: null });
      expect(state.history.map((t) => [t.event, t.to, t.actor.kind])).toEqual([
        ['ordered', 'invitation_sent', 'api-key'],
        ['expired', 'invitation_expired', 'schedule'],
      ]);
      await env.sleep(60 * DAY);
      expect(calls).toHaveLength(5);
    });
  });

  it('a resend issues link version 2 and restarts the schedule from its own day', async () => {
    await withOrder('00000000-0000-7000-8000-000000000002', async ({ handle, calls, day }) => {
      await env.sleep(20 * DAY); // reminder 1 went out on day 14
      const after = await handle.executeUpdate(resendInvitationUpdate, { args: [{ actor }] });
      expect(after).toMatchObject({ status: 'invitation_sent', linkVersion: 2, reminders: [] });
      expect(Date.parse(after.expiresAt) - Date.parse(after.invitedAt)).toBe(56 * DAY);
      await env.sleep(80 * DAY);
      const invitations = sent(calls, 'sendCaroInvitation');
      expect(invitations.map((c) => [Math.round(day(c)), c.args.linkVersion])).toEqual([
        [0, 1],
        [20, 2],
      ]);
      const resentDay = day(invitations[1]!);
      // Reminder 1 of the first invitation on day 14; then 14, 28, 42 days after the resend; no day-28 reminder of the
      // old schedule.
      expect(
        sent(calls, 'sendCaroReminder').map((c) => [
          day(c) - (c.args.linkVersion === 2 ? resentDay : 0),
          c.args.linkVersion,
        ]),
      ).toEqual([
        [14, 1],
        [14, 2],
        [28, 2],
        [42, 2],
      ]);
      expect(sent(calls, 'closeCaroOrder').map((c) => day(c) - resentDay)).toEqual([56]);
    });
  });

  it('sends nothing after an activation; statements from the month after; late and repeated callbacks change nothing', async () => {
    await withOrder('00000000-0000-7000-8000-000000000003', async ({ handle, calls }) => {
      await env.sleep(3 * DAY);
      await handle.signal(caroOutcomeSignal, {
        outcome: 'activated',
        eventId: 'e1',
        occurredAt: '2026-11-27T10:00:00Z',
      });
      await handle.signal(caroOutcomeSignal, {
        outcome: 'activated',
        eventId: 'e1',
        occurredAt: '2026-11-27T10:00:00Z',
      });
      await handle.signal(caroOutcomeSignal, {
        outcome: 'failed',
        eventId: 'e2',
        occurredAt: '2026-11-27T09:00:00Z',
        reason: 'debit_card',
      });
      await env.sleep(100 * DAY);
      expect(calls.map((c) => c.activity)).toEqual(['sendCaroInvitation', 'activateCaroOrder']);
      expect(calls[1]!.args).toMatchObject({
        statementsFrom: '2026-12-01T00:00:00.000Z',
        idempotencyKey: 'caro:00000000-0000-7000-8000-000000000003/v1/confirmation',
      });
      const state = await handle.query(caroStateQuery);
      expect(state).toMatchObject({
        status: 'active',
        reason: null,
        statementsFrom: '2026-12-01T00:00:00.000Z',
        nextStep: null,
      });
      expect(state.history.at(-1)).toMatchObject({
        event: 'activated',
        from: 'invitation_sent',
        to: 'active',
        actor: { kind: 'webhook', id: 'e1' },
      });
      await expect(handle.executeUpdate(resendInvitationUpdate, { args: [{ actor }] })).rejects.toThrow(
        WorkflowUpdateFailedError,
      );
    });
  });

  it.each(CARO_PROBLEM_REASONS)(
    'a %s failure puts the order in problem with that reason; a later success ends active',
    async (reason) => {
      await withOrder(
        `00000000-0000-7000-8001-${String(CARO_PROBLEM_REASONS.indexOf(reason)).padStart(12, '0')}`,
        async ({ handle, calls }) => {
          await handle.signal(caroOutcomeSignal, {
            outcome: 'failed',
            eventId: `f-${reason}`,
            occurredAt: '2026-11-25T10:00:00Z',
            reason,
          });
          await handle.signal(caroOutcomeSignal, {
            outcome: 'failed',
            eventId: `f2-${reason}`,
            occurredAt: '2026-11-25T10:05:00Z',
            reason,
          });
          await env.sleep(60_000);
          const problem = await handle.query(caroStateQuery);
          expect(problem).toMatchObject({ status: 'problem', reason });
          expect(sent(calls, 'recordCaroProblem').map((c) => c.args.reason)).toEqual([reason]); // the same failure twice: told once
          await handle.signal(caroOutcomeSignal, {
            outcome: 'activated',
            eventId: `a-${reason}`,
            occurredAt: '2026-11-25T10:30:00Z',
          });
          await env.sleep(DAY);
          expect(await handle.query(caroStateQuery)).toMatchObject({ status: 'active', reason: null });
          expect(sent(calls, 'activateCaroOrder')).toHaveLength(1);
        },
      );
    },
  );

  it('cancel stops the schedule; reactivate sends a new invitation with a fresh schedule', async () => {
    await withOrder('00000000-0000-7000-8000-000000000004', async ({ handle, calls, day }) => {
      await env.sleep(15 * DAY);
      const cancelled = await handle.executeUpdate(cancelOrderUpdate, { args: [{ actor }] });
      expect(cancelled).toMatchObject({ status: 'cancelled', nextStep: null });
      await env.sleep(60 * DAY);
      expect(calls.map((c) => c.activity)).toEqual(['sendCaroInvitation', 'sendCaroReminder', 'closeCaroOrder']);
      expect(await refusal(handle.executeUpdate(cancelOrderUpdate, { args: [{ actor }] }))).toMatch(
        /cannot cancel an order in state cancelled/,
      );
      expect(await refusal(handle.executeUpdate(copyActivationLinkUpdate, { args: [{ actor }] }))).toMatch(
        /cannot copy the activation link of an order in state cancelled/,
      );
      const reactivated = await handle.executeUpdate(reactivateOrderUpdate, { args: [{ actor }] });
      expect(reactivated).toMatchObject({ status: 'invitation_sent', linkVersion: 2 });
      await env.sleep(15 * DAY);
      const again = sent(calls, 'sendCaroInvitation').at(-1)!;
      expect(sent(calls, 'sendCaroReminder').map((c) => Math.round(day(c) - day(again)))).toEqual([-61, 14]);
      expect((await handle.query(caroStateQuery)).history.map((t) => t.event)).toEqual([
        'ordered',
        'cancelled',
        'reactivated',
      ]);
      // Each mirror carries the transition count, so the database never goes back to an older state.
      expect(calls.map((c) => [c.activity, c.args.version])).toEqual([
        ['sendCaroInvitation', 1],
        ['sendCaroReminder', 1],
        ['closeCaroOrder', 2],
        ['sendCaroInvitation', 3],
        ['sendCaroReminder', 3],
      ]);
    });
  });

  it('support replay (retry update) of a problem sends a fresh invitation; refused outside problem', async () => {
    await withOrder('00000000-0000-7000-8000-000000000005', async ({ handle, calls }) => {
      expect(await refusal(handle.executeUpdate(retryActivationUpdate, { args: [{ actor }] }))).toMatch(
        /cannot replay the activation of an order in state invitation_sent/,
      );
      await handle.signal(caroOutcomeSignal, {
        outcome: 'failed',
        eventId: 'r1',
        occurredAt: '2026-11-25T10:00:00Z',
        reason: 'technical_or_data_error',
      });
      // Support replays a case it sees in problem: wait until the workflow has recorded it.
      await waitFor(
        async () => ((await handle.query(caroStateQuery)).status === 'problem' ? true : undefined),
        'the problem',
      );
      const replayed = await handle.executeUpdate(retryActivationUpdate, {
        args: [{ actor: { kind: 'api-key', id: 'support-key', role: 'support' } }],
      });
      expect(replayed).toMatchObject({ status: 'invitation_sent', reason: null, linkVersion: 2 });
      expect(replayed.history.at(-1)).toMatchObject({ event: 'replayed', from: 'problem', actor: { role: 'support' } });
      expect(sent(calls, 'sendCaroInvitation').map((c) => c.args.linkVersion)).toEqual([1, 2]);
    });
  });

  it('a KBC/CBC order has no activation link to copy', async () => {
    await withOrder(
      '00000000-0000-7000-8000-000000000006',
      async ({ handle }) => {
        expect(await refusal(handle.executeUpdate(copyActivationLinkUpdate, { args: [{ actor }] }))).toMatch(
          /KBC\/CBC order has no activation link/,
        );
      },
      'bank-app',
    );
    await withOrder('00000000-0000-7000-8000-000000000007', async ({ handle }) => {
      expect(await handle.executeUpdate(copyActivationLinkUpdate, { args: [{ actor }] })).toMatchObject({
        linkVersion: 1,
      });
    });
  });
});
