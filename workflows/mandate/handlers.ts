import { ApplicationFailure, log, setHandler } from '@temporalio/workflow';
import {
  ACTION_NOT_ALLOWED,
  archiveUpdate,
  clientUpdatedSignal,
  mandateReportSignal,
  mandateStatusQuery,
  markProblemUpdate,
  resendUpdate,
  resolveProblemUpdate,
  type Actor,
  type MandateProblemReason,
  type MandateState,
} from './contract.js';
import {
  allowsAction,
  isIn,
  PREPARING_MANDATE_STATES,
  PRESENTED_AGAIN_BY_CLIENT_EDIT,
  type MandateAction,
} from './rules.js';
import type { MandateCase } from './state.js';

const notAllowed = (what: string, state: MandateState) =>
  ApplicationFailure.create({
    type: ACTION_NOT_ALLOWED,
    message: `${what} is not possible while the mandate is ${state}`,
    nonRetryable: true,
  });

/**
 * The mandate's query, signals (external reports, client edits) and updates (the office's
 * actions). Each signal and update runs inside the case's mutex, in the order they arrived.
 */
export function handleMandateMessages(c: MandateCase): void {
  const { mandateId } = c.input;

  /** Work started by a signal has no caller to fail: its failure is logged, the queue goes on. */
  const inBackground = (what: string, fn: () => Promise<unknown>) =>
    void c
      .exclusive(fn)
      .catch((error: unknown) =>
        log.error('Mandate step failed', { mandateId, what, error: (error as Error).message }),
      );

  setHandler(mandateStatusQuery, () => c.status);
  setHandler(mandateReportSignal, ({ eventId, revision, report }) => {
    if (!c.firstSeen(eventId)) return;
    inBackground(report.type, async () => {
      if (revision !== undefined && revision !== c.status.revision) {
        return log.info('Report about an older presentation: ignored', {
          mandateId,
          report: report.type,
          revision,
          current: c.status.revision,
        });
      }
      await c.onReport(report);
    });
  });
  setHandler(clientUpdatedSignal, ({ actor }) => {
    inBackground('client edit', async () => {
      if (isIn(PRESENTED_AGAIN_BY_CLIENT_EDIT, c.status.state)) await c.present(actor, 'client data changed');
    });
  });

  /**
   * An action: the validator refuses it up front (nothing in history) unless the mandate is being
   * prepared, in which case it waits its turn and the handler decides on the state it then finds.
   */
  const guarded = <A extends { actor: Actor } = { actor: Actor }>(
    what: string,
    action: MandateAction,
    run: (args: A) => Promise<unknown>,
  ) => {
    const allowed = () => allowsAction(action, c.status.state, c.input.path);
    return {
      validator: (_args: A) => {
        if (!allowed() && !PREPARING_MANDATE_STATES.includes(c.status.state)) throw notAllowed(what, c.status.state);
      },
      handler: (args: A) =>
        c.exclusive(async () => {
          if (!allowed()) throw notAllowed(what, c.status.state);
          await run(args);
          return c.status;
        }),
    };
  };
  const resend = guarded('resend', 'resend', ({ actor }) => c.present(actor, 'resent'));
  const archive = guarded<{ actor: Actor; reason: string }>('archive', 'archive', ({ actor, reason }) =>
    c.transition('archived', actor, { archiveReason: reason }),
  );
  const markProblem = guarded<{ actor: Actor; reason: MandateProblemReason }>(
    'marking a problem',
    'mark_problem',
    ({ actor, reason }) => c.transition('problem', actor, { problemReason: reason }),
  );
  const resolve = guarded('resolving a problem', 'resolve_problem', ({ actor }) =>
    c.present(actor, 'problem resolved'),
  );
  setHandler(resendUpdate, resend.handler, { validator: resend.validator });
  setHandler(archiveUpdate, archive.handler, { validator: archive.validator });
  setHandler(markProblemUpdate, markProblem.handler, { validator: markProblem.validator });
  setHandler(resolveProblemUpdate, resolve.handler, { validator: resolve.validator });
}
