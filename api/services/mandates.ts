import {
  ApplicationFailure,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  type WorkflowHandle,
} from '@temporalio/client';
import type { Prisma } from '../../lib/db/client.js';
import {
  ACTION_NOT_ALLOWED,
  DEFAULT_MANDATE_SCHEDULE,
  FINAL_MANDATE_STATES,
  clientUpdatedSignal,
  mandateActions,
  type Actor as WorkflowActor,
  type MandateInput,
} from '../../workflows/mandate/contract.js';
import type { mandateWorkflow } from '../../workflows/mandate/workflow.js';
import { withTemporalDeadline, type AppDeps } from '../deps.js';
import { ApiError } from '../errors.js';
import type { Actor } from '../http/route.js';

export const mandateInclude = {
  bankAccount: { include: { client: { select: { id: true, officeId: true } } } },
} as const;
export type MandateRow = Prisma.MandateGetPayload<{ include: typeof mandateInclude }>;

/** The workflow records who acted: the role and the key id, never the key. */
export const workflowActor = (actor: Actor): WorkflowActor => ({ kind: actor.role, id: actor.keyId });

/** KBC/CBC accounts are linked in the bank app; every other bank's mandate is signed electronically. */
export const pathOf = (m: { bankAccount: { isKbcGroup: boolean } }): MandateInput['path'] =>
  m.bankAccount.isKbcGroup ? 'bank_link' : 'esign';

/** What presentMandate reads of the account and its client. */
export type PresentableMandate = Omit<MandateRow, 'bankAccount'> & {
  bankAccount: Pick<MandateRow['bankAccount'], 'iban' | 'bankName' | 'isKbcGroup'> & {
    client: MandateRow['bankAccount']['client'];
  };
};

/** A mandate as the API shows it: the row, its account, and the actions open to the office. */
export function presentMandate(m: PresentableMandate) {
  const { bankAccount, stateVersion: _version, ...row } = m;
  return {
    ...row,
    clientId: bankAccount.client.id,
    officeId: bankAccount.client.officeId,
    iban: bankAccount.iban,
    bankName: bankAccount.bankName,
    path: pathOf(m),
    /** What the office can do now (the workflow has the last word). */
    actions: mandateActions(m.status, pathOf(m)),
  };
}

export const mandateInput = (
  deps: Pick<AppDeps, 'mandateSchedule'>,
  m: Pick<MandateRow, 'id' | 'managementMode'> & { bankAccount: { isKbcGroup: boolean } },
): MandateInput => ({
  mandateId: m.id,
  path: pathOf(m),
  mode: m.managementMode,
  schedule: deps.mandateSchedule ?? DEFAULT_MANDATE_SCHEDULE,
});

/**
 * Runs an action on the mandate's workflow. A state that does not allow it, or a workflow that
 * has ended, is a 409 with the reason; anything else (Temporal down) goes to the error handler.
 */
export async function mandateAction<R>(
  deps: AppDeps,
  m: MandateRow,
  run: (handle: WorkflowHandle<typeof mandateWorkflow>) => Promise<R>,
): Promise<R> {
  if (FINAL_MANDATE_STATES.includes(m.status))
    throw new ApiError(409, 'action_not_allowed', `the mandate is ${m.status}: nothing more can be done with it`);
  try {
    return await withTemporalDeadline(deps, () =>
      run(deps.temporal.workflow.getHandle<typeof mandateWorkflow>(m.workflowId)),
    );
  } catch (error) {
    if (
      error instanceof WorkflowUpdateFailedError &&
      error.cause instanceof ApplicationFailure &&
      error.cause.type === ACTION_NOT_ALLOWED
    ) {
      throw new ApiError(409, 'action_not_allowed', error.cause.message);
    }
    if (error instanceof WorkflowNotFoundError && m.status === 'registered') {
      throw new ApiError(
        409,
        'mandate_not_started',
        'the mandate’s workflow has not started yet (Temporal was unavailable): it starts within minutes, or order it again',
      );
    }
    if (error instanceof WorkflowNotFoundError)
      throw new ApiError(409, 'action_not_allowed', 'the mandate workflow has ended: nothing more can be done with it');
    throw error;
  }
}

/**
 * A client edit presents every unsigned mandate again (docs/domain.md#client-edits): each workflow is told, and
 * regenerates its document and link. A mandate whose workflow could not be reached is reported
 * (`presentedAgain: false`) so the office can resend it; the edit itself is kept.
 */
export async function presentAgain(
  deps: AppDeps,
  actor: Actor,
  mandates: { id: string; workflowId: string }[],
): Promise<Map<string, boolean>> {
  const outcome = new Map<string, boolean>();
  for (const m of mandates) {
    try {
      await withTemporalDeadline(deps, () =>
        deps.temporal.workflow.getHandle(m.workflowId).signal(clientUpdatedSignal, { actor: workflowActor(actor) }),
      );
      outcome.set(m.id, true);
    } catch (error) {
      deps.logger.warn(
        { mandateId: m.id, workflowId: m.workflowId, err: { message: (error as Error).message } },
        'client edit not delivered to the mandate workflow',
      );
      outcome.set(m.id, false);
    }
  }
  return outcome;
}

/**
 * The Update id of an action: derived from the request's Idempotency-Key when it has one, so a
 * retry after a 503 (the Update may have been admitted) is the same Update, run once.
 */
export function updateIdOf(
  req: { get(name: string): string | undefined },
  actor: Actor,
  action: string,
): { updateId?: string } {
  const key = req.get('idempotency-key');
  return key ? { updateId: `${action}:${actor.keyId}:${key}` } : {};
}
