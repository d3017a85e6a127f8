import { WorkflowNotFoundError, type QueryDefinition } from '@temporalio/client';
import { withTemporalDeadline, type AppDeps } from '../deps.js';

/** The longest a status query may take before the case is shown without its live state. */
export const QUERY_DEADLINE_MS = 2_000;

export interface WorkflowView<S> {
  workflowId: string;
  /** RUNNING, COMPLETED, FAILED…, or NOT_FOUND. */
  status: string;
  /** Live state from the workflow's query; null when it has ended or no worker answered in time. */
  state: S | null;
  /** False when the live state is missing because nobody answered in time; `reason` says what. */
  available: boolean;
  reason: string | null;
  /** The workflow in the Temporal Web UI (TEMPORAL_UI_URL), null when none is configured. */
  webUiUrl: string | null;
}

/** `<TEMPORAL_UI_URL>/namespaces/<namespace>/workflows/<workflowId>`: the Web UI's page of one workflow. */
export const webUiUrl = (deps: AppDeps, workflowId: string): string | null =>
  deps.temporalUiUrl
    ? `${deps.temporalUiUrl.replace(/\/+$/, '')}/namespaces/${encodeURIComponent(deps.temporal.options.namespace)}/workflows/${encodeURIComponent(workflowId)}`
    : null;

type Log = { warn: (o: object, m: string) => void };

/**
 * A case's workflow as the debug view shows it: its status, and while it runs the answer of its
 * status query. A missing worker gives `state: null, available: false` after at most 2 s, never a
 * hang; an unreachable Temporal goes to the error handler (503). Never on a detail's path: the
 * database has the case (api/services/cases/).
 */
export async function workflowView<S>(
  deps: AppDeps,
  log: Log,
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
  const status = description?.status.name ?? 'NOT_FOUND';
  const link = webUiUrl(deps, workflowId);
  if (status !== 'RUNNING') return { workflowId, status, state: null, available: true, reason: null, webUiUrl: link };
  const deadlineMs = Math.min(deps.temporalTimeoutMs, QUERY_DEADLINE_MS);
  try {
    const state = await deps.temporal.withDeadline(Date.now() + deadlineMs, () => handle.query(query));
    return { workflowId, status, state, available: true, reason: null, webUiUrl: link };
  } catch (error) {
    log.warn({ workflowId, err: { message: (error as Error).message } }, 'status query not answered');
    const reason = `no worker answered the status query within ${deadlineMs / 1000} s`;
    return { workflowId, status, state: null, available: false, reason, webUiUrl: link };
  }
}

/**
 * The same view for a page that must answer whatever Temporal does (the timeline): within 2 s in
 * all, and an unreachable Temporal is a missing part (`available: false` with the reason), not a 503.
 */
export async function workflowViewOrMissing<S>(
  deps: AppDeps,
  log: Log,
  workflowId: string,
  query: QueryDefinition<S>,
): Promise<WorkflowView<S>> {
  const quick = { ...deps, temporalTimeoutMs: Math.min(deps.temporalTimeoutMs, QUERY_DEADLINE_MS) };
  try {
    return await workflowView(quick, log, workflowId, query);
  } catch (error) {
    log.warn({ workflowId, err: { message: (error as Error).message } }, 'workflow not described');
    const reason = `Temporal did not answer within ${QUERY_DEADLINE_MS / 1000} s: ${(error as Error).message}`;
    return {
      workflowId,
      status: 'UNKNOWN',
      state: null,
      available: false,
      reason,
      webUiUrl: webUiUrl(deps, workflowId),
    };
  }
}
