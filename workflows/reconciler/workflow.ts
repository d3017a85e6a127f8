import { continueAsNew, log, proxyActivities, sleep } from '@temporalio/workflow';
import type { createReconcilerActivities } from '../../activities/reconciler/activities.js';
import type { ReconcilerInput } from './contract.js';

const { reconcilePendingStarts } = proxyActivities<ReturnType<typeof createReconcilerActivities>>({
  startToCloseTimeout: '2 minutes',
  heartbeatTimeout: '30 seconds',
  // A round that fails (database or Temporal down) is tried again, without a limit: the next rounds wait.
  retry: { initialInterval: '5 seconds', maximumInterval: '1 minute' },
});

const MINUTE = 60_000;
/** Rounds per run before continue-as-new, so the history stays short (about 7 events a round). */
const ROUNDS_PER_RUN = 200;

/**
 * Finishes the starts the API could not confirm (issue 17): every minute, the cases recorded in
 * `pending_starts` for more than a minute get their workflow started with the same business-key
 * id (a workflow that already exists, running or closed, is left alone), for all three journeys.
 */
export async function reconcilerWorkflow(input: ReconcilerInput = {}): Promise<void> {
  const intervalMs = input.intervalMs ?? MINUTE;
  const olderThanMs = input.olderThanMs ?? MINUTE;
  for (let round = 0; round < ROUNDS_PER_RUN; round++) {
    const result = await reconcilePendingStarts({ olderThanMs, limit: 500 });
    if (result.created + result.existing + result.pending + result.refused + result.dropped > 0)
      log.info('pending starts reconciled', { ...result });
    await sleep(intervalMs);
  }
  await continueAsNew<typeof reconcilerWorkflow>(input);
}
