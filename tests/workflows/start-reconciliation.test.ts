import { ApplicationFailure } from '@temporalio/activity';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { createConnectionActivities } from '../../activities/connections/activities.js';
import type { createReconcilerActivities } from '../../activities/reconciler/activities.js';
import { DEFAULT_CONSENT_SCHEDULE } from '../../workflows/consent-renewal/contract.js';
import type { ReconcileRequest } from '../../workflows/reconciler/contract.js';
import { productBundle } from '../helpers/workflow-bundle.js';
import { createTimeSkippingEnv } from '../helpers/temporal.js';

type Activities = ReturnType<typeof createReconcilerActivities> & ReturnType<typeof createConnectionActivities>;

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

async function withWorker<R>(activities: Activities, fn: (taskQueue: string) => Promise<R>): Promise<R> {
  const taskQueue = `reconcile-${Math.random().toString(36).slice(2)}`;
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: bundle,
    activities,
  });
  return worker.runUntil(fn(taskQueue));
}

const unexpected = (name: string) => async () => {
  throw new Error(`${name} was not expected`);
};
const activities = (overrides: Partial<Activities>): Activities => ({
  reconcilePendingStarts: unexpected('reconcilePendingStarts'),
  applyConnectionStatus: unexpected('applyConnectionStatus'),
  sendConsentReminder: unexpected('sendConsentReminder'),
  sendConnectionInvitation: unexpected('sendConnectionInvitation'),
  markConsentExpired: unexpected('markConsentExpired'),
  ...overrides,
});

describe('reconciler workflow (time-skipping)', () => {
  it('runs a round every minute, for pending starts older than a minute, and continues as new', async () => {
    const rounds: ReconcileRequest[] = [];
    const mocks = activities({
      async reconcilePendingStarts(req) {
        rounds.push(req);
        return { created: 0, existing: 0, pending: 0, refused: 0, dropped: 0 };
      },
    });
    await withWorker(mocks, async (taskQueue) => {
      const handle = await env.client.workflow.start('reconcilerWorkflow', {
        workflowId: `reconciler-${taskQueue}`,
        taskQueue,
        args: [{}],
      });
      await env.sleep(5 * 60_000 + 1_000);
      expect(rounds.length).toBeGreaterThanOrEqual(5);
      expect(rounds.length).toBeLessThanOrEqual(7);
      expect(rounds[0]).toEqual({ olderThanMs: 60_000, limit: 500 });
      // 200 rounds make a run: the next one is a new run of the same workflow, its history short.
      await env.sleep(200 * 60_000);
      const described = await handle.describe();
      expect(described.status.name).toBe('RUNNING');
      expect(described.runId).not.toBe(handle.firstExecutionRunId);
      await handle.terminate('test over');
    });
  });
});

describe('a consent workflow whose connection row is missing (time-skipping)', () => {
  it('ends cleanly at its first reminder: row_missing, nothing more scheduled', async () => {
    const calls: string[] = [];
    const mocks = activities({
      async sendConsentReminder(req) {
        calls.push(`reminder ${req.daysBefore}`);
        throw ApplicationFailure.create({
          type: 'ConnectionNotFound',
          message: `connection ${req.connectionId} not found`,
          nonRetryable: true,
        });
      },
    });
    const result = await withWorker(mocks, async (taskQueue) => {
      const now = (await env.currentTimeMs()) as number;
      const handle = await env.client.workflow.start('consentRenewalWorkflow', {
        workflowId: `connection:missing-${taskQueue}`,
        taskQueue,
        args: [
          {
            connectionId: 'missing',
            validUntil: new Date(now + 30 * DAY).toISOString(),
            schedule: DEFAULT_CONSENT_SCHEDULE,
          },
        ],
      });
      return handle.result();
    });
    expect(result).toMatchObject({ connectionId: 'missing', status: 'row_missing' });
    expect(calls).toEqual(['reminder 15']);
  });
});
