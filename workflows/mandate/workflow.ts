import { allHandlersFinished, condition } from '@temporalio/workflow';
import type { MandateInput, MandateState, NextStep } from './contract.js';
import { handleMandateMessages } from './handlers.js';
import { endsOnMissingRow } from '../shared/row-missing.js';
import { nextMandateStep } from './plan.js';
import { openMandateCase, SYSTEM, type MandateCase } from './state.js';

/** The wait for the next timed step, or for the state to move. */
interface Waiting {
  step: Exclude<NextStep, null> | null;
  moved: () => boolean;
  /** `false` when the step is due; otherwise the state moved. */
  until: Promise<boolean | void>;
}

/**
 * Plans the next step from the current state and starts waiting for it; `undefined` once final.
 * Called at the end of the work it follows, before the mutex passes to whatever queued behind it:
 * the wait's timer then comes before that work's commands, as histories recorded so far have it.
 */
function waitForNext(c: MandateCase): Waiting | undefined {
  if (c.isFinal()) return undefined;
  const seen = c.version();
  const { status } = c;
  const step = nextMandateStep(c.input, {
    state: status.state,
    presentedAtMs: status.presentedAt === null ? null : Date.parse(status.presentedAt),
    remindersSent: status.reminders.length,
    stalledNoticeSent: status.stalledNoticeAt !== null,
    bankLinkIssueFlagged: status.bankLinkIssueAt !== null,
  });
  status.nextStep = step;
  const moved = () => c.version() !== seen || c.isFinal();
  const until = step === null ? condition(moved) : condition(moved, Math.max(Date.parse(step.at) - Date.now(), 0));
  return { step, moved, until };
}

/**
 * One mandate, from order to `active` or `archived` (docs/domain.md#journey-1-mandate-signing). External reports
 * (signals) and actions (updates) run one at a time through the case's mutex, so each sees the
 * state the previous one left; timed steps run between them and re-check that nothing moved.
 */
export async function mandateWorkflow(input: MandateInput): Promise<{ mandateId: string; state: MandateState }> {
  const c = openMandateCase(input);
  // Queued before any handler is registered: a signal or update delivered with the start (or
  // while no worker ran) goes after the first presentation, never before it.
  const ordered = c.exclusive(async () => {
    try {
      await c.present(SYSTEM, 'ordered');
    } catch (error) {
      if (endsOnMissingRow(error, 'MandateNotFound', { mandateId: input.mandateId })) return undefined;
      throw error;
    }
    return waitForNext(c);
  });
  handleMandateMessages(c);

  let waiting = await ordered;
  while (waiting) {
    const { step, moved, until } = waiting;
    const due = (await until) === false;
    waiting =
      due && step
        ? await c.exclusive(async () => {
            if (!moved()) await c.runStep(step);
            return waitForNext(c);
          })
        : waitForNext(c);
  }
  c.status.nextStep = null;
  // Let the transition that ended the case (and anything queued behind it) finish mirroring.
  await c.exclusive(async () => undefined);
  await condition(allHandlersFinished);
  return { mandateId: input.mandateId, state: c.status.state };
}
