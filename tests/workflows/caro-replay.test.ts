import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ApplicationFailure } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import type { WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { createActivities } from '../../activities/index.js';
import {
  cancelOrderUpdate,
  caroActivationWorkflowId,
  caroOutcomeSignal,
  caroStateQuery,
  copyActivationLinkUpdate,
  DEFAULT_CARO_SCHEDULE,
  reactivateOrderUpdate,
  resendInvitationUpdate,
  retryActivationUpdate,
  type CaroProblemReason,
} from '../../workflows/caro-activation/contract.js';
import type { caroActivationWorkflow } from '../../workflows/caro-activation/workflow.js';
import { productBundle } from '../helpers/stack.js';
import { createTimeSkippingEnv } from '../helpers/temporal.js';

// Histories recorded by earlier versions of the CARO workflow (one file per scenario) must replay
// with the current code: the orders sleep for weeks. `RECORD_CARO_HISTORIES=1` records them anew.
const dir = fileURLToPath(new URL('../fixtures/histories/caro', import.meta.url));
const DAY = 86_400_000;
const actor = { kind: 'api-key', id: 'key-1', role: 'accountant' } as const;
type Activities = Pick<
  ReturnType<typeof createActivities>,
  'sendCaroInvitation' | 'sendCaroReminder' | 'activateCaroOrder' | 'recordCaroProblem' | 'closeCaroOrder'
>;
type Handle = WorkflowHandle<typeof caroActivationWorkflow>;

/** A real-time pause inside an activity, so that a message arrives while a move is in flight. */
const pause = () => new Promise((resolve) => setTimeout(resolve, 300));

const activities: Activities = {
  sendCaroInvitation: async (req) => {
    if (req.orderId.endsWith('-concurrent') && req.linkVersion === 1) await pause();
    return { sent: true };
  },
  // Reminder 2 of the first invitation is undeliverable: the schedule goes on.
  sendCaroReminder: async (req) => {
    if (req.number === 2 && req.linkVersion === 1)
      throw ApplicationFailure.create({ type: 'EmailRejected', message: 'refused', nonRetryable: true });
    return { sent: true };
  },
  activateCaroOrder: async () => ({ confirmed: true }),
  recordCaroProblem: async (req) => {
    if (req.orderId.endsWith('-concurrent')) await pause();
    return { officeNotified: true };
  },
  closeCaroOrder: async () => ({ purged: 1 }),
};

const failed = (eventId: string, reason: CaroProblemReason = 'debit_card') => ({
  outcome: 'failed' as const,
  eventId,
  occurredAt: '2026-11-20T10:00:00Z',
  reason,
});
const activated = (eventId: string) => ({
  outcome: 'activated' as const,
  eventId,
  occurredAt: '2026-11-27T10:00:00Z',
});

/** Scenarios that together take every handler, timer and activity of the workflow. */
const scenarios: Record<string, (env: TestWorkflowEnvironment, handle: Handle) => Promise<void>> = {
  // Reminders (one undeliverable), expiry, reactivation, activation.
  'expiry-reactivate-activate': async (env, handle) => {
    await env.sleep(57 * DAY);
    await handle.executeUpdate(reactivateOrderUpdate, { args: [{ actor }] });
    await env.sleep(15 * DAY);
    await handle.signal(caroOutcomeSignal, activated('a1'));
    await env.sleep(DAY);
  },
  // Resend, copy link, failure, the same failure again (ignored), a repeated event id, replay,
  // activation, a late failure (ignored), cancel of the active order.
  'resend-fail-replay-cancel': async (env, handle) => {
    await env.sleep(20 * DAY);
    await handle.executeUpdate(resendInvitationUpdate, { args: [{ actor }] });
    await handle.executeUpdate(copyActivationLinkUpdate, { args: [{ actor }] });
    await env.sleep(3 * DAY);
    await handle.signal(caroOutcomeSignal, failed('f1'));
    await handle.signal(caroOutcomeSignal, failed('f2'));
    await handle.signal(caroOutcomeSignal, failed('f1'));
    await env.sleep(DAY);
    await handle.executeUpdate(retryActivationUpdate, { args: [{ actor }] });
    await env.sleep(15 * DAY);
    await handle.signal(caroOutcomeSignal, activated('a1'));
    await handle.signal(caroOutcomeSignal, failed('f3', 'technical_or_data_error'));
    await env.sleep(DAY);
    await handle.executeUpdate(cancelOrderUpdate, { args: [{ actor }] });
    await env.sleep(DAY);
  },
};

/** Scenarios whose messages arrive while another move is in flight (their activities pause). */
const concurrent: Record<string, (env: TestWorkflowEnvironment, handle: Handle) => Promise<void>> = {
  // A resend while the first invitation is still being sent; then a replay while the failure is
  // being recorded (the schedule and the replay wake at the same point).
  'moves-while-busy-concurrent': async (env, handle) => {
    await handle.executeUpdate(resendInvitationUpdate, { args: [{ actor }] });
    await env.sleep(20 * DAY);
    await handle.signal(caroOutcomeSignal, failed('f1'));
    await handle.executeUpdate(retryActivationUpdate, { args: [{ actor }] });
    await env.sleep(15 * DAY);
    await handle.signal(caroOutcomeSignal, activated('a1'));
    await env.sleep(DAY);
  },
};
Object.assign(scenarios, concurrent);

async function record(env: TestWorkflowEnvironment): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (const [name, run] of Object.entries(scenarios)) {
    const taskQueue = `caro-record-${name}`;
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle: await productBundle(),
      activities,
    });
    await worker.runUntil(async () => {
      const handle = await env.client.workflow.start<typeof caroActivationWorkflow>('caroActivationWorkflow', {
        workflowId: caroActivationWorkflowId(`order-${name}`),
        taskQueue,
        args: [{ orderId: `order-${name}`, channel: 'link', schedule: DEFAULT_CARO_SCHEDULE, actor }],
      });
      if (!name.endsWith('-concurrent')) await handle.query(caroStateQuery);
      await run(env, handle);
      await handle.query(caroStateQuery);
      const history = await handle.fetchHistory();
      await handle.terminate('recorded');
      await writeFile(join(dir, `${name}.json`), JSON.stringify(history, null, 1) + '\n');
    });
  }
}

describe('CARO workflow replays recorded histories', () => {
  let env: TestWorkflowEnvironment | undefined;
  beforeAll(async () => {
    if (process.env.RECORD_CARO_HISTORIES === '1') {
      env = await createTimeSkippingEnv();
      await record(env);
    }
  });
  afterAll(async () => {
    await env?.teardown();
  });

  it('replays every recorded history without a nondeterminism error', async () => {
    const files = (await readdir(dir)).filter((f) => f.endsWith('.json')).sort();
    expect(files).toEqual(
      Object.keys(scenarios)
        .map((name) => `${name}.json`)
        .sort(),
    );
    const histories = await Promise.all(
      files.map(async (f) => ({
        workflowId: f,
        history: temporal.api.history.v1.History.fromObject(JSON.parse(await readFile(join(dir, f), 'utf8'))),
      })),
    );
    const results = [];
    for await (const result of Worker.runReplayHistories({ workflowBundle: await productBundle() }, histories))
      results.push({ workflowId: result.workflowId, error: result.error });
    expect(results).toEqual(files.map((f) => ({ workflowId: f, error: undefined })));
  });
});
