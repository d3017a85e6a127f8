/**
 * Support's replay of a failed CARO activation, one home for the API (per case, bulk in the request)
 * and the worker (the bulk-replay workflow's activity): how a case would be replayed, carrying it
 * out, and its audit row.
 */
import { randomUUID } from 'node:crypto';
import { WorkflowNotFoundError, WorkflowUpdateFailedError, type Client, type WorkflowHandle } from '@temporalio/client';
import type { CaroOrder, Prisma } from '../db/client.js';
import { retryActivationUpdate, type CaroActor } from '../../workflows/caro-activation/contract.js';
import { isCaroReplayable, refusal } from '../../workflows/caro-activation/plan.js';
import type { caroActivationWorkflow } from '../../workflows/caro-activation/workflow.js';

type Handle = WorkflowHandle<typeof caroActivationWorkflow>;
type ResetRequest = Parameters<Client['workflowService']['resetWorkflowExecution']>[0];

/** A Temporal client and the longest wait for one call. */
export interface ReplayDeps {
  temporal: Client;
  timeoutMs: number;
}

/** Who replays: an API key (a person acts through their principal key, `userId` naming them). */
export interface ReplayActor {
  keyId: string;
  role: string;
  userId?: string | undefined;
}

export type ReplayMechanism = 'retry-update' | 'reset';
export type ReplayDecision =
  { orderId: string; mechanism: ReplayMechanism; status: string } | { orderId: string; why: string };

/** A replay Temporal refused on its merits (no point to reset to): said in words, not retried. */
export class ReplayRefused extends Error {
  readonly code = 'caro_not_replayable';
}

export const caroActorOf = (actor: ReplayActor): CaroActor => ({ kind: 'api-key', id: actor.keyId, role: actor.role });
const channelOf = (order: Pick<CaroOrder, 'kbcGroup'>) => (order.kbcGroup ? ('bank-app' as const) : ('link' as const));
const handleOf = (deps: ReplayDeps, order: Pick<CaroOrder, 'workflowId'>): Handle =>
  deps.temporal.workflow.getHandle<typeof caroActivationWorkflow>(order.workflowId);
const withDeadline = <R>(deps: ReplayDeps, fn: () => Promise<R>) =>
  deps.temporal.withDeadline(Date.now() + deps.timeoutMs, fn);

/**
 * How a case would be replayed: a run that FAILED is reset to its last good point; a running case
 * in `problem` gets the retry update (fresh invitation and schedule); anything else is skipped.
 */
export async function decideReplay(deps: ReplayDeps, order: CaroOrder): Promise<ReplayDecision> {
  const description = await withDeadline(deps, async () => {
    try {
      return await handleOf(deps, order).describe();
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) return undefined;
      throw error;
    }
  });
  if (!description) return { orderId: order.id, why: 'no workflow for this order' };
  if (!isCaroReplayable(order.status))
    return { orderId: order.id, why: `nothing failed: the order is ${order.status}` };
  if (description.status.name === 'FAILED') return { orderId: order.id, mechanism: 'reset', status: order.status };
  if (description.status.name !== 'RUNNING')
    return { orderId: order.id, why: `workflow ${description.status.name.toLowerCase()}` };
  if (refusal({ status: order.status, channel: channelOf(order) }, 'retry'))
    return { orderId: order.id, why: `nothing failed: the order is ${order.status}` };
  return { orderId: order.id, mechanism: 'retry-update', status: order.status };
}

/**
 * The event to reset a failed run to, so that the step that failed it runs again: the workflow
 * task that scheduled the activity named as the cause of the run's failure. Earlier activity
 * failures the workflow tolerated (an undeliverable reminder) are not the point. Without such a
 * cause, the last WorkflowTaskCompleted before the run's failure.
 */
async function resetPoint(handle: Handle): Promise<number> {
  const history = await handle.fetchHistory();
  const events = history.events ?? [];
  const id = (e: (typeof events)[number]) => Number(e.eventId?.toString() ?? 0);
  const failed = events.findLast((e) => e.workflowExecutionFailedEventAttributes);
  // The run's failure is the ActivityFailure itself, or wraps it.
  const failure = failed?.workflowExecutionFailedEventAttributes?.failure;
  const activity = failure?.activityFailureInfo ?? failure?.cause?.activityFailureInfo;
  const scheduledEventId = Number(activity?.scheduledEventId?.toString() ?? 0);
  const scheduled = scheduledEventId ? events.find((e) => id(e) === scheduledEventId) : undefined;
  const scheduledBy = Number(
    scheduled?.activityTaskScheduledEventAttributes?.workflowTaskCompletedEventId?.toString() ?? 0,
  );
  if (scheduledBy > 0) return scheduledBy;
  const before = failed ? id(failed) : Number.POSITIVE_INFINITY;
  const point = events.filter((e) => e.workflowTaskCompletedEventAttributes && id(e) < before).at(-1);
  if (!point) throw new ReplayRefused('the failed run has no completed workflow task to reset to');
  return id(point);
}

/**
 * Carries out a replay decision; returns the new run id of a reset. The retry update's refusal
 * comes back as Temporal's WorkflowUpdateFailedError (the API puts it in words, see replayFailure).
 */
export async function replay(
  deps: ReplayDeps,
  order: CaroOrder,
  mechanism: ReplayMechanism,
  actor: ReplayActor,
): Promise<{ newRunId?: string }> {
  const handle = handleOf(deps, order);
  if (mechanism === 'retry-update') {
    await withDeadline(deps, () =>
      handle.executeUpdate(retryActivationUpdate, { args: [{ actor: caroActorOf(actor) }] }),
    );
    return {};
  }
  return withDeadline(deps, async () => {
    const description = await handle.describe();
    const workflowTaskFinishEventId = await resetPoint(handle);
    const request: ResetRequest = {
      namespace: deps.temporal.options.namespace,
      workflowExecution: { workflowId: order.workflowId, runId: description.runId },
      reason: actor.userId
        ? `support replay by user ${actor.userId} (${actor.role})`
        : `support replay by API key ${actor.keyId} (${actor.role})`,
      // protobufjs takes a plain number where its typings say Long (the SDK does not export Long).
      workflowTaskFinishEventId: workflowTaskFinishEventId as unknown as ResetRequest['workflowTaskFinishEventId'],
      requestId: randomUUID(),
    };
    const response = await deps.temporal.workflowService.resetWorkflowExecution(request);
    return response.runId ? { newRunId: response.runId } : {};
  });
}

/** Why a replay did not go through, in words for a per-case report (never an address: Temporal's messages only). */
export function replayFailure(error: unknown): string {
  if (error instanceof WorkflowUpdateFailedError)
    return `the action did not complete: ${error.cause?.message ?? 'unknown reason'}`;
  if (error instanceof WorkflowNotFoundError) return 'the workflow of this order is not running';
  return error instanceof Error ? error.message : String(error);
}

/** The audit row of one replayed case: who, how, and whether it was part of a bulk replay. */
export const replayAudit = (
  actor: ReplayActor,
  orderId: string,
  details: Record<string, unknown>,
): Prisma.AuditEventCreateManyInput => ({
  actorKeyId: actor.keyId,
  actorRole: actor.role,
  action: 'caro.replay',
  resourceType: 'caro_order',
  resourceId: orderId,
  details: details as Prisma.InputJsonObject,
});
