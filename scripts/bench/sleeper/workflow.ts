// The one-line sleeping workflow of bench sleeping's limit: what a bare SDK worker does per first task
// when the workflow has nothing else to do (no handler, no interceptor, no activity).
import { sleep } from '@temporalio/workflow';

export async function sleeperWorkflow(): Promise<void> {
  await sleep('75 days');
}
