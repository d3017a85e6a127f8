/**
 * Starting a confirmed bulk replay's workflow (`caro-replay:<batchId>`), for the API's confirm and
 * the reconciler. A batch is `confirmed` before its start is sent: a start that timed out leaves it
 * so, and a second confirm or the reconciler's next round starts it (or finds it started).
 */
import type { Client } from '@temporalio/client';
import type { CaroReplayBatch } from '../db/client.js';
import type { Logger } from '../logger.js';
import { classifyStartError, type StartOutcome } from '../temporal/start-case.js';
import type { CaroReplayInput } from '../../workflows/caro-replay/contract.js';

export interface ReplayStartDeps {
  temporal: Client;
  taskQueue: string;
  timeoutMs: number;
  logger: Logger;
}

export const caroReplayInput = (batch: Pick<CaroReplayBatch, 'id' | 'chunkSize' | 'pauseMs'>): CaroReplayInput => ({
  batchId: batch.id,
  chunkSize: batch.chunkSize,
  pauseMs: batch.pauseMs,
});

/**
 * Starts the batch's workflow once: a workflow of that id, running or closed, counts as started
 * (`existing`), so a second confirm never replays the batch again.
 */
export async function startReplayWorkflow(
  deps: ReplayStartDeps,
  batch: Pick<CaroReplayBatch, 'id' | 'workflowId' | 'chunkSize' | 'pauseMs'>,
): Promise<StartOutcome> {
  try {
    await deps.temporal.withDeadline(Date.now() + deps.timeoutMs, () =>
      deps.temporal.workflow.start('caroReplayWorkflow', {
        workflowId: batch.workflowId,
        taskQueue: deps.taskQueue,
        args: [caroReplayInput(batch)],
        workflowIdConflictPolicy: 'FAIL',
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
      }),
    );
    return { outcome: 'created' };
  } catch (error) {
    const outcome = classifyStartError(error);
    if (outcome.outcome !== 'existing')
      deps.logger.warn(
        { batchId: batch.id, outcome: outcome.outcome, err: { message: (error as Error).message } },
        'bulk replay start not confirmed',
      );
    return outcome;
  }
}
