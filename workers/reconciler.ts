import { Client, WorkflowExecutionAlreadyStartedError, type ConnectionLike } from '@temporalio/client';
import type { ActivityDeps } from '../activities/deps.js';
import type { Logger } from '../lib/logger.js';
import { RECONCILER_WORKFLOW_ID, type ReconcilerInput } from '../workflows/reconciler/contract.js';
import type { reconcilerWorkflow } from '../workflows/reconciler/workflow.js';

/** Longest wait for one start by the reconciler: past it the case stays pending for the next round. */
const RECONCILER_START_TIMEOUT_MS = 10_000;

/** The worker's Temporal client, on the worker's connection: for the reconciler and its activity. */
export const reconcilerDeps = (
  connection: ConnectionLike,
  namespace: string,
  taskQueue: string,
): NonNullable<ActivityDeps['temporal']> => ({
  client: new Client({ connection, namespace }),
  taskQueue,
  timeoutMs: RECONCILER_START_TIMEOUT_MS,
});

/**
 * Starts the reconciler (workflows/reconciler) if it does not run: every worker calls this at
 * boot, the first start wins and the others find it (USE_EXISTING: a running reconciler keeps
 * the rounds it was started with, `input`, across its continue-as-new). A failure is logged, never
 * fatal: the next worker boot tries again.
 */
export async function ensureReconciler(
  { client, taskQueue }: NonNullable<ActivityDeps['temporal']>,
  logger: Logger,
  input: ReconcilerInput = {},
): Promise<void> {
  try {
    await client.workflow.start<typeof reconcilerWorkflow>('reconcilerWorkflow', {
      workflowId: RECONCILER_WORKFLOW_ID,
      taskQueue,
      args: [input],
      workflowIdConflictPolicy: 'USE_EXISTING',
    });
    logger.info({ workflowId: RECONCILER_WORKFLOW_ID }, 'reconciler running');
  } catch (error) {
    if (error instanceof WorkflowExecutionAlreadyStartedError) return;
    logger.warn({ err: { message: (error as Error).message } }, 'reconciler not started');
  }
}
