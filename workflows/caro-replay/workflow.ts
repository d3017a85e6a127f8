import { continueAsNew, proxyActivities, sleep } from '@temporalio/workflow';
import type { createCaroReplayActivities } from '../../activities/caro-replay/activities.js';
import { CHUNKS_PER_RUN, type CaroReplayInput } from './contract.js';

const { startReplayBatch, replayCaroChunk, finishReplayBatch } = proxyActivities<
  ReturnType<typeof createCaroReplayActivities>
>({
  // A chunk replays each case with Temporal's deadline (10 s a call): heartbeats say it is alive.
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '1 minute',
  // Database or Temporal down: try again, without a limit; a case already recorded is never replayed twice.
  retry: { initialInterval: '5 seconds', maximumInterval: '1 minute' },
});

/**
 * Works through the cases the batch's preview froze, `chunkSize` per activity with a pause between
 * chunks; each case is re-decided at replay time, replayed in the confirmer's name and recorded
 * (activities/caro-replay). Continues as new every CHUNKS_PER_RUN chunks; done when none is pending.
 */
export async function caroReplayWorkflow(input: CaroReplayInput): Promise<void> {
  await startReplayBatch(input.batchId);
  for (let chunk = 0; chunk < CHUNKS_PER_RUN; chunk++) {
    const result = await replayCaroChunk({ batchId: input.batchId, limit: input.chunkSize });
    if (result.remaining === 0) {
      await finishReplayBatch(input.batchId);
      return;
    }
    if (input.pauseMs > 0) await sleep(input.pauseMs);
  }
  await continueAsNew<typeof caroReplayWorkflow>(input);
}
