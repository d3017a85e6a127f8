/**
 * Starting a case's workflow, told apart by what the caller may do next. A start that timed out
 * is not a refusal: it may or may not have happened, so the case's row stays (with its
 * `pending_starts` row) and the start is tried again with the same workflow id by the reconciler
 * (workflows/reconciler). Only a definite refusal lets the caller remove what it wrote.
 */
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { NamespaceNotFoundError } from '@temporalio/common';
import type { Logger } from '../logger.js';
import { grpcCode } from './grpc-code.js';
import type { CaseType, Prisma, PrismaClient } from '../db/client.js';

export interface CaseStart {
  caseType: CaseType;
  caseId: string;
  /** The business-key id (`caro:<orderId>`, ...): a second start of the same case finds the first. */
  workflowId: string;
  workflowType: string;
  /** The workflow's single argument. */
  input: unknown;
}

export interface StartRefusal {
  code: 'namespace_not_found' | 'invalid_argument' | 'permission_denied' | 'failed_precondition' | 'not_implemented';
  message: string;
}

/**
 * - `created`: this call started the workflow; `existing`: it already ran (an earlier start,
 *   perhaps one that timed out, had worked); both confirmed, the pending row is gone.
 * - `pending_start`: unknown outcome (deadline exceeded, Temporal unavailable, connection reset):
 *   recorded, the reconciler starts it (or finds it started).
 * - `refused`: Temporal said no and nothing started: the caller may remove the case.
 */
export type StartOutcome =
  { outcome: 'created' | 'existing' | 'pending_start' } | { outcome: 'refused'; reason: StartRefusal };

export interface StartDeps {
  temporal: Client;
  prisma: PrismaClient;
  logger: Logger;
  taskQueue: string;
  /** Longest wait for one start: past it the outcome is `pending_start`. */
  timeoutMs: number;
}

/** The `pending_starts` row of a case, to write in the same transaction as the case's own row. */
export const pendingStartRow = (start: CaseStart): Prisma.PendingStartCreateManyInput => ({
  workflowId: start.workflowId,
  caseType: start.caseType,
  caseId: start.caseId,
  workflowType: start.workflowType,
  input: start.input as Prisma.InputJsonValue,
});

/** gRPC codes that mean the request was judged and refused: nothing started, the same request would fail again. */
const REFUSALS: Record<number, StartRefusal['code']> = {
  3: 'invalid_argument',
  5: 'namespace_not_found',
  7: 'permission_denied',
  9: 'failed_precondition',
  12: 'not_implemented',
  16: 'permission_denied',
};

/** Everything that is not a known refusal is an unknown outcome: the row is kept, the start retried. */
export function classifyStartError(error: unknown): StartOutcome {
  if (error instanceof WorkflowExecutionAlreadyStartedError) return { outcome: 'existing' };
  if (error instanceof NamespaceNotFoundError)
    return { outcome: 'refused', reason: { code: 'namespace_not_found', message: error.message } };
  const code = grpcCode(error);
  const refusal = code === undefined ? undefined : REFUSALS[code];
  return refusal
    ? { outcome: 'refused', reason: { code: refusal, message: (error as Error).message } }
    : { outcome: 'pending_start' };
}

/**
 * Starts the workflow of one case. The conflict policy is `FAIL` rather than `USE_EXISTING`:
 * both leave a running workflow of that id alone (idempotent), but only `FAIL` tells the SDK's
 * caller that it did (`WorkflowExecutionAlreadyStartedError` → `existing`; the 1.24 client drops
 * the server's `started` flag). `rejectDuplicate` also treats a closed run as `existing`
 * (the reconciler never runs a case twice).
 */
export async function startCase(
  deps: StartDeps,
  start: CaseStart,
  opts: { rejectDuplicate?: boolean } = {},
): Promise<StartOutcome> {
  const result = await tryStart(deps, start, opts);
  if (result.outcome === 'created' || result.outcome === 'existing') await confirmed(deps, start.workflowId);
  return result;
}

/** The start alone, its pending row left for the caller to clear. */
async function tryStart(deps: StartDeps, start: CaseStart, opts: { rejectDuplicate?: boolean }): Promise<StartOutcome> {
  let result: StartOutcome;
  try {
    await deps.temporal.withDeadline(Date.now() + deps.timeoutMs, () =>
      deps.temporal.workflow.start(start.workflowType, {
        workflowId: start.workflowId,
        taskQueue: deps.taskQueue,
        args: [start.input],
        workflowIdConflictPolicy: 'FAIL',
        ...(opts.rejectDuplicate ? { workflowIdReusePolicy: 'REJECT_DUPLICATE' as const } : {}),
      }),
    );
    result = { outcome: 'created' };
  } catch (error) {
    result = classifyStartError(error);
    if (result.outcome !== 'existing')
      deps.logger.warn(
        { workflowId: start.workflowId, outcome: result.outcome, err: { message: (error as Error).message } },
        'workflow start not confirmed',
      );
  }
  return result;
}

/**
 * The start is confirmed: the pending row goes. If the database fails here, the reconciler finds the workflow and
 * retries.
 */
async function confirmed(deps: StartDeps, workflowId: string): Promise<void> {
  try {
    await deps.prisma.pendingStart.deleteMany({ where: { workflowId } });
  } catch (error) {
    deps.logger.warn({ workflowId, err: { message: (error as Error).message } }, 'pending start not cleared');
  }
}

/**
 * At most this many starts of one request run at once, so each stays well inside its deadline: a
 * dev server on 2 cores answers a start in 10–30 ms under this load, far from the seconds of the deadline.
 */
export const START_CONCURRENCY = 16;

/**
 * Starts many cases, `START_CONCURRENCY` at a time; the outcomes in the order of `starts`. Once
 * one start came back with an unknown outcome, Temporal is not answering: the starts not yet
 * sent are left `pending_start` for the reconciler instead of each waiting out its deadline.
 * Each confirmed start's pending row goes as soon as it answers: what is left is what the reconciler
 * must finish, even if this process stops half-way.
 */
export async function startCases(
  deps: StartDeps,
  starts: CaseStart[],
  opts: { rejectDuplicate?: boolean } = {},
): Promise<StartOutcome[]> {
  const outcomes: StartOutcome[] = new Array<StartOutcome>(starts.length);
  let next = 0;
  let unanswered = false;
  const lane = async () => {
    while (next < starts.length) {
      const i = next++;
      outcomes[i] = unanswered ? { outcome: 'pending_start' } : await startCase(deps, starts[i]!, opts);
      if (outcomes[i].outcome === 'pending_start') unanswered = true;
    }
  };
  await Promise.all(Array.from({ length: Math.min(START_CONCURRENCY, starts.length) }, lane));
  return outcomes;
}
