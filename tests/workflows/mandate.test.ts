import { Context } from '@temporalio/activity';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import type { WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { createMandateActivities } from '../../activities/mandates/activities.js';
import {
  ACTION_NOT_ALLOWED,
  archiveUpdate,
  clientUpdatedSignal,
  DEFAULT_MANDATE_SCHEDULE,
  mandateReportSignal,
  mandateStatusQuery,
  mandateWorkflowId,
  markProblemUpdate,
  resendUpdate,
  resolveProblemUpdate,
  type MandateInput,
  type MandateReport,
  type ReportEnvelope,
} from '../../workflows/mandate/contract.js';
import type { mandateWorkflow } from '../../workflows/mandate/workflow.js';
import { productBundle } from '../helpers/workflow-bundle.js';
import { createTimeSkippingEnv } from '../helpers/temporal.js';
import { waitFor } from '../helpers/wait.js';

type Activities = ReturnType<typeof createMandateActivities>;
type Call = { activity: keyof Activities; atMs: number; args: Record<string, unknown> };

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

/** Activity mocks that record the server-time instant each was scheduled at. */
function recordingActivities(calls: Call[]): Activities {
  const record = (activity: keyof Activities, args: object) =>
    calls.push({ activity, atMs: Context.current().info.currentAttemptScheduledTimestampMs, args: { ...args } });
  return {
    async prepareMandate(req) {
      record('prepareMandate', req);
    },
    async mirrorMandateState(req) {
      record('mirrorMandateState', req);
      return { applied: true };
    },
    async flagBankLinkMissing(req) {
      record('flagBankLinkMissing', req);
      return { flagged: true };
    },
    async sendMandateInvitation(req) {
      record('sendMandateInvitation', req);
      return { sent: true };
    },
    async sendMandateReminder(req) {
      record('sendMandateReminder', req);
      return { sent: true };
    },
    async notifyMandateStalled(req) {
      record('notifyMandateStalled', req);
      return { sent: true };
    },
  };
}

let counter = 0;
/** Starts a mandate workflow with a recording worker, runs `fn`, then shuts the worker down. */
async function withMandate<R>(
  input: Partial<MandateInput>,
  fn: (ctx: { handle: WorkflowHandle<typeof mandateWorkflow>; calls: Call[]; startMs: number }) => Promise<R>,
): Promise<R> {
  const calls: Call[] = [];
  const taskQueue = `mandate-${Math.random().toString(36).slice(2)}`;
  const mandateId = `m-${++counter}`;
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: bundle,
    activities: recordingActivities(calls),
  });
  const start = () =>
    env.client.workflow.start<typeof mandateWorkflow>('mandateWorkflow', {
      workflowId: mandateWorkflowId(mandateId),
      taskQueue,
      args: [{ mandateId, path: 'esign', mode: 'service', schedule: DEFAULT_MANDATE_SCHEDULE, ...input }],
    });
  return worker.runUntil(async () => {
    const startMs = (await env.currentTimeMs()) as number;
    const handle = await start();
    try {
      await waitFor(
        async () => (calls.some((c) => c.activity === 'mirrorMandateState' && c.args.version === 2) ? true : undefined),
        'the first presentation',
      );
      return await fn({ handle, calls, startMs });
    } catch (error) {
      // A run left open with its worker gone holds the time-skipping server's clock: the next test's
      // env.sleep would then wait in real time (a failure here timed the next test out).
      await handle.terminate('the test failed').catch(() => undefined);
      throw error;
    }
  });
}

/** Days (to the minute) from `fromMs` at which each call of `activity` was scheduled. */
const daysOf = (calls: Call[], activity: keyof Activities, fromMs: number) =>
  calls.filter((c) => c.activity === activity).map((c) => Math.round((c.atMs - fromMs) / 60_000) / 1440);
const states = (calls: Call[]) => calls.filter((c) => c.activity === 'mirrorMandateState').map((c) => c.args.state);
const report = (eventId: string, r: MandateReport) => ({ eventId, report: r });
const operator = { kind: 'operator' as const, id: 'key-1' };

describe('mandate workflow (time-skipping)', () => {
  it('sends nothing before day 14, reminds on days 14, 28 and 42, then tells the office on day 56', async () => {
    await withMandate({}, async ({ handle, calls, startMs }) => {
      expect(states(calls)).toEqual(['in_preparation', 'sent_to_client']);
      expect(daysOf(calls, 'sendMandateInvitation', startMs)).toEqual([0]);
      const first = await handle.query(mandateStatusQuery);
      expect(first).toMatchObject({
        state: 'sent_to_client',
        whoseMove: 'client',
        revision: 1,
        reminders: [],
        nextStep: { kind: 'reminder', number: 1 },
      });
      expect(Date.parse(first.nextStep!.at) - Date.parse(first.presentedAt!)).toBe(14 * DAY);

      await env.sleep(14 * DAY - 60_000);
      expect(daysOf(calls, 'sendMandateReminder', startMs)).toEqual([]);
      await env.sleep(60 * DAY);
      await waitFor(
        async () => (calls.some((c) => c.activity === 'notifyMandateStalled') ? true : undefined),
        'the stalled notice',
      );
      expect(daysOf(calls, 'sendMandateReminder', startMs)).toEqual([14, 28, 42]);
      expect(daysOf(calls, 'notifyMandateStalled', startMs)).toEqual([56]);
      expect(
        calls
          .filter((c) => c.activity === 'sendMandateReminder')
          .map((c) => [c.args.number, c.args.of, c.args.idempotencyKey]),
      ).toEqual([
        [1, 3, `${handle.workflowId}/r1/reminder/1`],
        [2, 3, `${handle.workflowId}/r1/reminder/2`],
        [3, 3, `${handle.workflowId}/r1/reminder/3`],
      ]);
      const stalled = await handle.query(mandateStatusQuery);
      expect(stalled).toMatchObject({ state: 'sent_to_client', nextStep: null });
      expect(stalled.reminders.map((r) => r.number)).toEqual([1, 2, 3]);
      expect(stalled.stalledNoticeAt).not.toBeNull();

      await handle.executeUpdate(archiveUpdate, { args: [{ actor: operator, reason: 'client left the office' }] });
      expect(await handle.result()).toMatchObject({ state: 'archived' });
      expect(states(calls).at(-1)).toBe('archived');
      expect(calls.find((c) => c.args.state === 'archived')!.args.archiveReason).toBe('client left the office');
    });
  });

  it('stops reminding once signed, then goes through the bank to active', async () => {
    await withMandate({}, async ({ handle, calls, startMs }) => {
      await env.sleep(15 * DAY);
      await waitFor(
        async () => (daysOf(calls, 'sendMandateReminder', startMs).length === 1 ? true : undefined),
        'the first reminder',
      );
      await handle.signal(mandateReportSignal, report('e1', { type: 'signed' }));
      await waitFor(
        async () => ((await handle.query(mandateStatusQuery)).state === 'bank_processing' ? true : undefined),
        'bank processing',
      );
      const status = await handle.query(mandateStatusQuery);
      expect(status).toMatchObject({ whoseMove: 'bank', nextStep: null });
      await env.sleep(60 * DAY);
      expect(daysOf(calls, 'sendMandateReminder', startMs)).toEqual([14]);
      expect(calls.some((c) => c.activity === 'notifyMandateStalled')).toBe(false);

      await handle.signal(mandateReportSignal, report('e2', { type: 'bank_accepted' }));
      expect(await handle.result()).toMatchObject({ state: 'active' });
      expect(states(calls)).toEqual(['in_preparation', 'sent_to_client', 'signed', 'bank_processing', 'active']);
      expect(calls.find((c) => c.args.state === 'bank_processing')!.args.signedAt).toEqual(expect.any(String));
    });
  });

  it('restarts the plan after a client edit: a new revision, reminders counted from the new presentation', async () => {
    await withMandate({}, async ({ handle, calls, startMs }) => {
      await env.sleep(20 * DAY);
      await waitFor(
        async () => (daysOf(calls, 'sendMandateReminder', startMs).length === 1 ? true : undefined),
        'the first reminder',
      );
      await handle.signal(clientUpdatedSignal, { actor: { kind: 'accountant', id: 'key-2' } });
      await waitFor(async () => {
        const s = await handle.query(mandateStatusQuery);
        return s.revision === 2 && s.state === 'sent_to_client' ? true : undefined;
      }, 'the new presentation');
      const editMs = (await env.currentTimeMs()) as number;
      const status = await handle.query(mandateStatusQuery);
      expect(status).toMatchObject({
        state: 'sent_to_client',
        revision: 2,
        reminders: [],
        nextStep: { kind: 'reminder', number: 1 },
      });
      expect(status.history.map((h) => [h.to, h.actor.kind, h.note])).toContainEqual([
        'in_preparation',
        'accountant',
        'client data changed',
      ]);
      expect(calls.filter((c) => c.activity === 'sendMandateInvitation').map((c) => c.args.idempotencyKey)).toEqual([
        `${handle.workflowId}/r1/invitation`,
        `${handle.workflowId}/r2/invitation`,
      ]);

      await env.sleep(50 * DAY);
      await waitFor(
        async () => (daysOf(calls, 'sendMandateReminder', startMs).length === 4 ? true : undefined),
        'the restarted reminders',
      );
      // Day 14 of the first presentation, then days 14, 28, 42 of the second.
      expect(daysOf(calls, 'sendMandateReminder', editMs).map(Math.round)).toEqual([-6, 14, 28, 42]);
      expect(
        calls.filter((c) => c.activity === 'sendMandateReminder').map((c) => [c.args.revision, c.args.number]),
      ).toEqual([
        [1, 1],
        [2, 1],
        [2, 2],
        [2, 3],
      ]);
      await handle.executeUpdate(archiveUpdate, { args: [{ actor: operator, reason: 'done' }] });
    });
  });

  it('KBC/CBC: awaiting the bank link, a detected issue on day 7, then the link and the bank activate it', async () => {
    await withMandate({ path: 'bank_link' }, async ({ handle, calls, startMs }) => {
      expect(states(calls)).toEqual(['in_preparation', 'awaiting_bank_link']);
      // The mirror was called; the workflow plans its next step once it has the activity's result.
      const planned = await waitFor(
        async () => (await handle.query(mandateStatusQuery)).nextStep ?? undefined,
        'a plan',
      );
      expect(planned).toMatchObject({ kind: 'bank_link_check' });
      await env.sleep(7 * DAY - 60_000);
      expect(calls.some((c) => c.activity === 'flagBankLinkMissing')).toBe(false);
      await env.sleep(2 * DAY);
      await waitFor(
        async () => (calls.some((c) => c.activity === 'flagBankLinkMissing') ? true : undefined),
        'the detected issue',
      );
      expect(daysOf(calls, 'flagBankLinkMissing', startMs)).toEqual([7]);
      expect((await handle.query(mandateStatusQuery)).nextStep).toMatchObject({ kind: 'reminder', number: 1 });

      // The e-signature report does not apply to a bank-app link.
      await handle.signal(mandateReportSignal, report('e1', { type: 'signed' }));
      await handle.signal(mandateReportSignal, report('e2', { type: 'bank_link_created' }));
      await waitFor(
        async () => ((await handle.query(mandateStatusQuery)).state === 'bank_processing' ? true : undefined),
        'the link',
      );
      await handle.signal(mandateReportSignal, report('e3', { type: 'bank_accepted' }));
      expect(await handle.result()).toMatchObject({ state: 'active' });
      expect(states(calls)).toEqual(['in_preparation', 'awaiting_bank_link', 'bank_processing', 'active']);
    });
  });

  it('KBC/CBC: a client edit leaves a mandate awaiting the bank link as it is, and presents one in problem again', async () => {
    await withMandate({ path: 'bank_link' }, async ({ handle, calls }) => {
      await handle.signal(clientUpdatedSignal, { actor: operator });
      await handle.executeUpdate(markProblemUpdate, { args: [{ actor: operator, reason: 'bank_data_outdated' }] });
      // Unsigned, but not among the states a client edit presents again: still the first presentation.
      expect((await handle.query(mandateStatusQuery)).revision).toBe(1);
      await handle.signal(clientUpdatedSignal, { actor: operator });
      // The query shows the new state as soon as the workflow holds it; its mirror activity may still be running.
      await waitFor(async () => {
        const s = await handle.query(mandateStatusQuery);
        return s.revision === 2 && s.state === 'awaiting_bank_link' && states(calls).length === 5 ? true : undefined;
      }, 'the new presentation, mirrored');
      expect(states(calls)).toEqual([
        'in_preparation',
        'awaiting_bank_link',
        'problem',
        'in_preparation',
        'awaiting_bank_link',
      ]);
      await handle.executeUpdate(archiveUpdate, { args: [{ actor: operator, reason: 'done' }] });
    });
  });

  it('office mode: available online, no e-mail and no reminder', async () => {
    await withMandate({ mode: 'office' }, async ({ handle, calls }) => {
      expect(states(calls)).toEqual(['in_preparation', 'available_online']);
      expect((await handle.query(mandateStatusQuery)).whoseMove).toBe('office');
      await env.sleep(70 * DAY);
      expect(calls.filter((c) => c.activity.startsWith('send') || c.activity === 'notifyMandateStalled')).toEqual([]);
      await handle.executeUpdate(archiveUpdate, { args: [{ actor: operator, reason: 'done' }] });
    });
  });

  it('takes reports duplicated and out of order: "bank accepted" before "signed" is not lost', async () => {
    await withMandate({}, async ({ handle, calls }) => {
      await handle.signal(mandateReportSignal, report('b1', { type: 'bank_accepted' }));
      await handle.signal(mandateReportSignal, report('b1', { type: 'bank_accepted' }));
      await handle.signal(mandateReportSignal, report('s1', { type: 'signed' }));
      expect(await handle.result()).toMatchObject({ state: 'active' });
      expect(states(calls)).toEqual(['in_preparation', 'sent_to_client', 'bank_processing', 'active']);
    });
  });

  it('keeps a bank rejection when the signature report arrives after it', async () => {
    await withMandate({}, async ({ handle }) => {
      await handle.signal(
        mandateReportSignal,
        report('r1', { type: 'bank_rejected', reason: 'signer_not_authorised' }),
      );
      await handle.signal(mandateReportSignal, report('s1', { type: 'signed' }));
      await handle.signal(mandateReportSignal, report('s1', { type: 'signed' }));
      await waitFor(
        async () => ((await handle.query(mandateStatusQuery)).state === 'problem' ? true : undefined),
        'the problem',
      );
      const status = await handle.query(mandateStatusQuery);
      expect(status).toMatchObject({ state: 'problem', problemReason: 'signer_not_authorised', whoseMove: 'office' });
      const resolved = await handle.executeUpdate(resolveProblemUpdate, { args: [{ actor: operator }] });
      expect(resolved).toMatchObject({ state: 'sent_to_client', revision: 2, problemReason: null });
      await handle.executeUpdate(archiveUpdate, { args: [{ actor: operator, reason: 'done' }] });
    });
  });

  it('ignores a report about an older presentation, and a signature while the office holds a non-signature problem', async () => {
    await withMandate({}, async ({ handle }) => {
      await handle.signal(clientUpdatedSignal, { actor: operator });
      await waitFor(
        async () =>
          ((s) => (s.revision === 2 && s.state === 'sent_to_client' ? true : undefined))(
            await handle.query(mandateStatusQuery),
          ),
        'revision 2',
      );
      await handle.signal(mandateReportSignal, { eventId: 'esign:old', revision: 1, report: { type: 'signed' } });
      await handle.executeUpdate(markProblemUpdate, { args: [{ actor: operator, reason: 'wrong_enterprise_number' }] });
      await handle.signal(mandateReportSignal, { eventId: 'esign:new', revision: 2, report: { type: 'signed' } });
      const status = await handle.query(mandateStatusQuery);
      expect(status).toMatchObject({ state: 'problem', problemReason: 'wrong_enterprise_number' });
      expect(status.history.map((h) => h.to)).not.toContain('signed');
      await handle.executeUpdate(archiveUpdate, { args: [{ actor: operator, reason: 'done' }] });
    });
  });

  it('runs an Update once per update id: a retried resend does not present twice', async () => {
    await withMandate({}, async ({ handle }) => {
      const first = await handle.executeUpdate(resendUpdate, {
        updateId: 'resend:key-1:idem-1',
        args: [{ actor: operator }],
      });
      const retried = await handle.executeUpdate(resendUpdate, {
        updateId: 'resend:key-1:idem-1',
        args: [{ actor: operator }],
      });
      expect(first.revision).toBe(2);
      expect(retried.revision).toBe(2);
      expect((await handle.query(mandateStatusQuery)).revision).toBe(2);
      await handle.executeUpdate(archiveUpdate, { args: [{ actor: operator, reason: 'done' }] });
    });
  });

  it('handles a report delivered with the start only after the first presentation', async () => {
    const calls: Call[] = [];
    const taskQueue = `mandate-${Math.random().toString(36).slice(2)}`;
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle: bundle,
      activities: recordingActivities(calls),
    });
    await worker.runUntil(async () => {
      const handle = await env.client.workflow.signalWithStart<typeof mandateWorkflow, [ReportEnvelope]>(
        'mandateWorkflow',
        {
          workflowId: mandateWorkflowId('m-early'),
          taskQueue,
          args: [{ mandateId: 'm-early', path: 'esign', mode: 'service', schedule: DEFAULT_MANDATE_SCHEDULE }],
          signal: mandateReportSignal,
          signalArgs: [{ eventId: 'banklink:early', report: { type: 'bank_accepted' } }],
        },
      );
      expect(await handle.result()).toMatchObject({ state: 'active' });
    });
    expect(states(calls)).toEqual(['in_preparation', 'sent_to_client', 'bank_processing', 'active']);
  });

  it('refuses actions the state does not allow, with ActionNotAllowed', async () => {
    await withMandate({}, async ({ handle }) => {
      const refused = await handle
        .executeUpdate(resolveProblemUpdate, { args: [{ actor: operator }] })
        .catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(WorkflowUpdateFailedError);
      expect((refused as WorkflowUpdateFailedError).cause).toMatchObject({
        type: ACTION_NOT_ALLOWED,
        message: 'resolving a problem is not possible while the mandate is sent_to_client',
      });
      const problem = await handle.executeUpdate(markProblemUpdate, {
        args: [{ actor: operator, reason: 'wrong_enterprise_number' }],
      });
      expect(problem).toMatchObject({ state: 'problem', problemReason: 'wrong_enterprise_number' });
      const again = await handle
        .executeUpdate(markProblemUpdate, { args: [{ actor: operator, reason: 'bank_data_outdated' }] })
        .catch((e: unknown) => e);
      expect((again as WorkflowUpdateFailedError).cause).toMatchObject({ type: ACTION_NOT_ALLOWED });
      const resent = await handle.executeUpdate(resendUpdate, { args: [{ actor: operator }] });
      expect(resent).toMatchObject({ state: 'sent_to_client', revision: 2 });
      await handle.signal(mandateReportSignal, report('s', { type: 'signed' }));
      await waitFor(
        async () => ((await handle.query(mandateStatusQuery)).state === 'bank_processing' ? true : undefined),
        'signed',
      );
      const late = await handle.executeUpdate(resendUpdate, { args: [{ actor: operator }] }).catch((e: unknown) => e);
      expect((late as WorkflowUpdateFailedError).cause).toMatchObject({
        type: ACTION_NOT_ALLOWED,
        message: 'resend is not possible while the mandate is bank_processing',
      });
      const history = (await handle.query(mandateStatusQuery)).history;
      expect(history.map((h) => h.to)).toEqual([
        'in_preparation',
        'sent_to_client',
        'problem',
        'in_preparation',
        'sent_to_client',
        'signed',
        'bank_processing',
      ]);
      expect(history[2]!.actor).toEqual(operator);
      await handle.executeUpdate(archiveUpdate, { args: [{ actor: operator, reason: 'done' }] });
    });
  });
});
