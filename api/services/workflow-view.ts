import { WorkflowNotFoundError, type QueryDefinition } from '@temporalio/client';
import { withTemporalDeadline, type AppDeps } from '../deps.js';

/** The longest a status query may take before the case is shown without its live state. */
const QUERY_DEADLINE_MS = 2_000;

export interface WorkflowView<S> {
  workflowId: string;
  /** RUNNING, COMPLETED, FAILED…, or NOT_FOUND. */
  status: string;
  /** Live state from the workflow's query; null when it has ended or no worker answered in time. */
  state: S | null;
}

/**
 * A case's workflow as the API shows it: its status, and while it runs the answer of its
 * status query. A missing worker gives `state: null` after a short wait, never a hang; an
 * unreachable Temporal goes to the error handler (503).
 */
export async function workflowView<S>(
  deps: AppDeps,
  log: { warn: (o: object, m: string) => void },
  workflowId: string,
  query: QueryDefinition<S>,
): Promise<WorkflowView<S>> {
  const handle = deps.temporal.workflow.getHandle(workflowId);
  const description = await withTemporalDeadline(deps, async () => {
    try {
      return await handle.describe();
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) return undefined;
      throw error;
    }
  });
  let state: S | null = null;
  if (description?.status.name === 'RUNNING') {
    try {
      state = await deps.temporal.withDeadline(Date.now() + Math.min(deps.temporalTimeoutMs, QUERY_DEADLINE_MS), () =>
        handle.query(query),
      );
    } catch (error) {
      log.warn({ workflowId, err: { message: (error as Error).message } }, 'status query not answered');
    }
  }
  return { workflowId, status: description?.status.name ?? 'NOT_FOUND', state };
}
