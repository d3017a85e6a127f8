// A transient fault never fails a journey: an activity that keeps failing with a retryable error
// (database unreachable, the e-mail provider's 5xx) is retried for as long as it lasts, well past
// the five attempts e-mail activities once had; only a typed non-retryable failure stops it.
import { ApplicationFailure } from '@temporalio/activity';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { createActivities } from '../../activities/index.js';
import {
  caroActivationWorkflowId,
  caroStateQuery,
  DEFAULT_CARO_SCHEDULE,
} from '../../workflows/caro-activation/contract.js';
import type { caroActivationWorkflow } from '../../workflows/caro-activation/workflow.js';
import { DATABASE_ACTIVITY, EMAIL_ACTIVITY } from '../../workflows/shared/retry.js';
import { productBundle } from '../helpers/workflow-bundle.js';
import { createTimeSkippingEnv } from '../helpers/temporal.js';
import { waitFor } from '../helpers/wait.js';

type Activities = Pick<
  ReturnType<typeof createActivities>,
  'sendCaroInvitation' | 'sendCaroReminder' | 'activateCaroOrder' | 'recordCaroProblem' | 'closeCaroOrder'
>;
const actor = { kind: 'api-key', id: 'key-1', role: 'accountant' } as const;
let env: TestWorkflowEnvironment;

beforeAll(async () => {
  env = await createTimeSkippingEnv();
});
afterAll(async () => {
  await env?.teardown();
});

describe('transient faults', () => {
  it('no journey activity has an attempt limit', () => {
    for (const options of [DATABASE_ACTIVITY, EMAIL_ACTIVITY]) {
      expect(options.retry?.maximumAttempts).toBeUndefined();
      expect(options.startToCloseTimeout).toBeDefined();
    }
  });

  it('a CARO invitation failing 12 times (provider down) is sent on the 13th attempt: the order runs on', async () => {
    let attempts = 0;
    const fail = async () => {
      throw new Error('unexpected call');
    };
    const activities: Activities = {
      async sendCaroInvitation() {
        attempts += 1;
        if (attempts <= 12) throw ApplicationFailure.retryable('provider answered 503', 'ProviderUnavailable');
        return { sent: true };
      },
      sendCaroReminder: fail,
      activateCaroOrder: fail,
      recordCaroProblem: fail,
      closeCaroOrder: fail,
    };
    const taskQueue = `transient-${Math.random().toString(36).slice(2)}`;
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle: await productBundle(),
      activities,
    });
    await worker.runUntil(async () => {
      const handle = await env.client.workflow.start<typeof caroActivationWorkflow>('caroActivationWorkflow', {
        workflowId: caroActivationWorkflowId('transient-1'),
        taskQueue,
        args: [{ orderId: 'transient-1', channel: 'link', schedule: DEFAULT_CARO_SCHEDULE, actor }],
      });
      // The retries' backoff (5 s doubling up to 10 min) passes on the test server's clock.
      await env.sleep('3 hours');
      await waitFor(async () => (attempts > 12 ? true : undefined), 'the thirteenth attempt', 60_000);
      const { status } = await handle.describe();
      expect(status.name).toBe('RUNNING');
      expect(await handle.query(caroStateQuery)).toMatchObject({ status: 'invitation_sent', linkVersion: 1 });
      expect(attempts).toBe(13);
      await handle.terminate('test over');
    });
  });
});
