import { ApplicationFailure } from '@temporalio/common';
import {
  ActivityFailure,
  WithStartWorkflowOperation,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  type UpdateDefinition,
  type WorkflowHandle,
} from '@temporalio/client';
import { caroGuidance } from '../../lib/email/templates/caro-failure.js';
import type { CaroOrder } from '../../lib/db/client.js';
import {
  caroStateQuery,
  DEFAULT_CARO_SCHEDULE,
  STATE_CONFLICT,
  type CaroActivationInput,
  type CaroActor,
  type CaroChannel,
  type CaroState,
} from '../../workflows/caro-activation/contract.js';
import { CARO_HOLDS_REFERENCE, isCaroOpen, refusal, type CaroAction } from '../../workflows/caro-activation/plan.js';
import type { caroActivationWorkflow } from '../../workflows/caro-activation/workflow.js';
import {
  decideReplay as decideCaroReplay,
  replay as replayCaro,
  ReplayRefused,
  type ReplayDeps,
  type ReplayMechanism,
} from '../../lib/caro/replay.js';
import { parseCaroLinkSubject } from '../../lib/links/subjects.js';
import { withTemporalDeadline, type AppDeps } from '../deps.js';
import { ApiError } from '../errors.js';
import type { Actor } from '../http/route.js';

type Handle = WorkflowHandle<typeof caroActivationWorkflow>;

export const caroActor = (actor: Actor): CaroActor => ({ kind: 'api-key', id: actor.keyId, role: actor.role });
export const caroChannel = (order: Pick<CaroOrder, 'kbcGroup'>): CaroChannel => (order.kbcGroup ? 'bank-app' : 'link');

export const caroInput = (
  deps: Pick<AppDeps, 'caroSchedule'>,
  order: Pick<CaroOrder, 'id' | 'kbcGroup'>,
  actor: Actor,
): CaroActivationInput => ({
  orderId: order.id,
  channel: caroChannel(order),
  schedule: deps.caroSchedule ?? DEFAULT_CARO_SCHEDULE,
  actor: caroActor(actor),
});

export const caroHandle = (deps: AppDeps, order: Pick<CaroOrder, 'workflowId'>): Handle =>
  deps.temporal.workflow.getHandle<typeof caroActivationWorkflow>(order.workflowId);

/**
 * What an opened activation link leads to (its token already checked by `GET /l/:token`): the order, if of
 * the order's current link version, and the invitation is still open (the cardholder may retry
 * after a failure). A link replaced by a resend, replay or reactivation answers 410.
 */
export async function resolveActivationLink(deps: AppDeps, subject: string) {
  const parsed = parseCaroLinkSubject(subject);
  const order =
    parsed &&
    (await deps.prisma.caroOrder.findUnique({
      where: { id: parsed.orderId },
      include: { client: { include: { office: true } } },
    }));
  if (!parsed || !order) throw new ApiError(404, 'not_found', 'no such link');
  if (order.linkVersion !== parsed.linkVersion)
    throw new ApiError(
      410,
      'link_superseded',
      'a newer invitation replaced this link: use the link of the latest e-mail',
    );
  if (!isCaroOpen(order.status))
    throw new ApiError(410, 'link_closed', `this activation is no longer open (${order.status})`);
  return {
    orderId: order.id,
    clientReference: order.clientReference,
    companyName: order.client.companyName,
    officeName: order.client.office.name,
    linkExpiresAt: order.linkExpiresAt,
  };
}

/** The 409 of an action the order's state (as mirrored) does not allow, in the workflow's own words. */
export function assertCaroAllowed(order: Pick<CaroOrder, 'status' | 'kbcGroup'>, action: CaroAction): void {
  const refused = refusal({ status: order.status, channel: caroChannel(order) }, action);
  if (refused) throw new ApiError(409, 'caro_state_conflict', refused);
}

/**
 * One order at a time per client reference: the 409 when another order (not `except`) still
 * holds one of these references.
 */
export async function assertReferencesFree(
  deps: AppDeps,
  references: { clientId: string; clientReference: string }[],
  except?: string,
): Promise<void> {
  const open = await deps.prisma.caroOrder.findFirst({
    where: {
      OR: references.map(({ clientId, clientReference }) => ({ clientId, clientReference })),
      status: { in: [...CARO_HOLDS_REFERENCE] },
      ...(except ? { id: { not: except } } : {}),
    },
  });
  if (open)
    throw new ApiError(
      409,
      'caro_reference_in_use',
      `client reference ${open.clientReference} already has an open CARO order (${open.id}): cancel it first`,
    );
}

/**
 * A run that FAILED (e.g. its invitation was refused) cannot take an update, and the workflow is
 * the only writer of the order's status: the order's workflow starts again from the failed run's
 * last state (a closed run still answers its query) with the update as its first message
 * (update-with-start: no step of the old schedule runs before it). Answers undefined when the run
 * did not fail.
 */
export async function updateFailedRun(
  deps: AppDeps,
  order: CaroOrder,
  actor: Actor,
  update: UpdateDefinition<CaroState, [{ actor: CaroActor }]>,
): Promise<CaroState | undefined> {
  const handle = caroHandle(deps, order);
  const description = await withTemporalDeadline(deps, () => handle.describe());
  if (description.status.name !== 'FAILED') return undefined;
  const carried = await withTemporalDeadline(deps, () => handle.query(caroStateQuery));
  const startWorkflowOperation = new WithStartWorkflowOperation<typeof caroActivationWorkflow>(
    'caroActivationWorkflow',
    {
      workflowId: order.workflowId,
      taskQueue: deps.taskQueue,
      args: [{ ...caroInput(deps, order, actor), carried }],
      // Two requests at once: the second finds the run the first started, and its update is refused.
      workflowIdConflictPolicy: 'USE_EXISTING',
    },
  );
  return caroAction(deps, () =>
    deps.temporal.workflow.executeUpdateWithStart(update, {
      args: [{ actor: caroActor(actor) }],
      startWorkflowOperation,
    }),
  );
}

/**
 * The order as the API shows it: with the accountant's guidance for a problem, in the office's
 * language; without the workflow's mirror version (internal bookkeeping, not part of the contract).
 */
export const withGuidance = ({ stateVersion: _version, ...order }: CaroOrder, officeLanguage: string) => ({
  ...order,
  guidance:
    order.status === 'problem' && order.problemReason ? caroGuidance(order.problemReason, officeLanguage) : null,
});

/**
 * Runs an action on the order's workflow. A refusal by its validator (the state does not allow
 * it) is a 409 with the workflow's own message; a workflow that is not running is a 409 too.
 */
export async function caroAction<R>(deps: AppDeps, run: () => Promise<R>): Promise<R> {
  try {
    return await withTemporalDeadline(deps, run);
  } catch (error) {
    if (
      error instanceof WorkflowUpdateFailedError &&
      error.cause instanceof ApplicationFailure &&
      error.cause.type === STATE_CONFLICT
    ) {
      throw new ApiError(409, 'caro_state_conflict', error.cause.message);
    }
    // The invitation an action sends was refused by the e-mail provider (e.g. a bad address).
    if (
      error instanceof WorkflowUpdateFailedError &&
      error.cause instanceof ActivityFailure &&
      error.cause.cause instanceof ApplicationFailure &&
      error.cause.cause.type === 'EmailRejected'
    ) {
      throw new ApiError(
        422,
        'email_rejected',
        `the e-mail provider refused the invitation: ${error.cause.cause.message}; check the cardholder address`,
      );
    }
    if (error instanceof WorkflowUpdateFailedError)
      throw new ApiError(
        409,
        'caro_action_failed',
        `the action did not complete: ${error.cause?.message ?? 'unknown reason'}`,
      );
    if (error instanceof WorkflowNotFoundError) {
      throw new ApiError(
        409,
        'caro_workflow_not_running',
        'the workflow of this order is not running (it failed): support can replay it',
      );
    }
    throw error;
  }
}

export type { ReplayDecision } from '../../lib/caro/replay.js';
export { replayAudit } from '../../lib/caro/replay.js';

/** The API's Temporal client and deadline, as the replay rules (lib/caro/replay.ts) take them. */
export const replayDeps = (deps: AppDeps): ReplayDeps => ({
  temporal: deps.temporal,
  timeoutMs: deps.temporalTimeoutMs,
});

/** How a case would be replayed (lib/caro/replay.ts), with the API's deadline. */
export const decideReplay = (deps: AppDeps, order: CaroOrder) => decideCaroReplay(replayDeps(deps), order);

/** Carries out a replay decision; a refusal is a 409 in words, as any CARO action's. */
export async function replay(
  deps: AppDeps,
  order: CaroOrder,
  mechanism: ReplayMechanism,
  actor: Actor,
): Promise<{ newRunId?: string }> {
  try {
    return await caroAction(deps, () => replayCaro(replayDeps(deps), order, mechanism, actor));
  } catch (error) {
    if (error instanceof ReplayRefused) throw new ApiError(409, error.code, error.message);
    throw error;
  }
}
