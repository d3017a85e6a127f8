import {
  ActivityFailure,
  ApplicationFailure,
  allHandlersFinished,
  condition,
  isCancellation,
  log,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { createActivities } from '../../activities/index.js';
import {
  ACTION_NOT_ALLOWED,
  archiveUpdate,
  clientUpdatedSignal,
  FINAL_MANDATE_STATES,
  mandateReportSignal,
  mandateStatusQuery,
  markProblemUpdate,
  REPRESENTABLE,
  resendUpdate,
  resolveProblemUpdate,
  WHOSE_MOVE,
  type Actor,
  type MandateInput,
  type MandateProblemReason,
  type MandateReport,
  type MandateState,
  type MandateStatus,
  type NextStep,
} from './contract.js';
import { nextMandateStep, reminderTotal, signingLinkExpiry } from './plan.js';

type Activities = ReturnType<typeof createActivities>;

const { prepareMandate, mirrorMandateState, flagBankLinkMissing } = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '5 seconds', maximumInterval: '10 minutes' },
});
// E-mail: few attempts, the provider's own idempotency does the rest.
const { sendMandateInvitation, sendMandateReminder, notifyMandateStalled } = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '30 seconds', maximumAttempts: 5 },
});

const SYSTEM: Actor = { kind: 'system' };
/** States an action may be taken from: resend presents again, archive and problem end or pause the case. */
const RESENDABLE: readonly MandateState[] = ['available_online', 'sent_to_client', 'awaiting_bank_link', 'problem'];
const PREPARING: readonly MandateState[] = ['registered', 'in_preparation'];
/** Problems a new signature answers: the client may still sign the same document. */
const SIGNATURE_PROBLEMS: readonly (MandateProblemReason | null)[] = [
  'signature_rejected',
  'several_signatures_required',
];
const UNSIGNED: readonly MandateState[] = [
  'registered',
  'in_preparation',
  'available_online',
  'sent_to_client',
  'awaiting_bank_link',
];

const notAllowed = (what: string, state: MandateState) =>
  ApplicationFailure.create({
    type: ACTION_NOT_ALLOWED,
    message: `${what} is not possible while the mandate is ${state}`,
    nonRetryable: true,
  });

/**
 * One mandate, from order to `active` or `archived` (DOMAIN.md, journey 1). External reports
 * (signals) and actions (updates) run one at a time through `serialize`, so each sees the
 * state the previous one left; timers only run between them and re-check that nothing moved.
 * Every transition is mirrored to the database with a version, so a retried mirror never
 * goes back in time.
 */
export async function mandateWorkflow(input: MandateInput): Promise<{ mandateId: string; state: MandateState }> {
  const { mandateId } = input;
  const workflowId = workflowInfo().workflowId;
  const status: MandateStatus = {
    mandateId,
    state: 'registered',
    problemReason: null,
    archiveReason: null,
    whoseMove: WHOSE_MOVE.registered,
    revision: 0,
    presentedAt: null,
    reminders: [],
    stalledNoticeAt: null,
    bankLinkIssueAt: null,
    nextStep: null,
    history: [],
  };
  let version = 0;
  let signedAt: string | null = null;
  /** The bank already refused this presentation: a late "signed" must not reopen it. */
  let bankRefused = false;
  const seenEvents = new Set<string>();

  let chain: Promise<unknown> = Promise.resolve();
  const serialize = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = chain.then(fn);
    chain = run.catch(() => undefined);
    return run;
  };

  const now = () => new Date(Date.now()).toISOString();
  const isFinal = () => FINAL_MANDATE_STATES.includes(status.state);

  async function transition(
    to: MandateState,
    actor: Actor,
    extra: { problemReason?: MandateProblemReason; archiveReason?: string; note?: string } = {},
  ) {
    const at = now();
    status.history.push({ at, from: status.state, to, actor, ...(extra.note ? { note: extra.note } : {}) });
    status.state = to;
    status.whoseMove = WHOSE_MOVE[to];
    status.problemReason = to === 'problem' ? (extra.problemReason ?? status.problemReason) : null;
    if (to === 'archived') status.archiveReason = extra.archiveReason ?? null;
    if ((to === 'signed' || to === 'bank_processing') && signedAt === null) signedAt = at;
    version += 1;
    await mirrorMandateState({
      mandateId,
      version,
      state: to,
      problemReason: status.problemReason,
      archiveReason: status.archiveReason,
      signedAt,
      at,
    });
  }

  /** Tolerates an undeliverable e-mail (recorded on the case's outbox): the journey goes on. */
  async function deliver<T>(what: string, send: () => Promise<T>): Promise<T | undefined> {
    try {
      return await send();
    } catch (error) {
      if (isCancellation(error) || !(error instanceof ActivityFailure)) throw error;
      const failure = error.cause instanceof ApplicationFailure ? error.cause.type : error.cause?.name;
      log.warn('Mandate e-mail not delivered: continuing', { mandateId, what, failure });
      return undefined;
    }
  }

  /** Presents the mandate (again) with the client's current data; the plan counts from here. */
  async function present(actor: Actor, note: string) {
    status.revision += 1;
    const revision = status.revision;
    signedAt = null;
    await transition('in_preparation', actor, { note });
    // One instant for the row (link expiry) and the plan (reminders).
    const presentedAt = now();
    await prepareMandate({
      mandateId,
      revision,
      presentedAt,
      linkExpiresAt: signingLinkExpiry(presentedAt, input.schedule),
    });
    status.presentedAt = presentedAt;
    status.reminders = [];
    status.stalledNoticeAt = null;
    status.bankLinkIssueAt = null;
    bankRefused = false;
    if (input.mode === 'service') {
      await deliver('invitation', () =>
        sendMandateInvitation({ mandateId, revision, idempotencyKey: `${workflowId}/r${revision}/invitation` }),
      );
    }
    const target: MandateState =
      input.path === 'bank_link'
        ? 'awaiting_bank_link'
        : input.mode === 'office'
          ? 'available_online'
          : 'sent_to_client';
    await transition(target, SYSTEM);
  }

  async function onReport(report: MandateReport) {
    const { state } = status;
    if (isFinal()) return log.info('Report after the end: ignored', { mandateId, report: report.type, state });
    switch (report.type) {
      case 'signed':
        if (
          input.path !== 'esign' ||
          !(
            UNSIGNED.includes(state) ||
            (state === 'problem' && !bankRefused && SIGNATURE_PROBLEMS.includes(status.problemReason))
          )
        )
          break;
        await transition('signed', { kind: 'client' });
        return transition('bank_processing', SYSTEM, { note: 'sent to the bank' });
      case 'signature_rejected':
        if (input.path !== 'esign' || !UNSIGNED.includes(state)) break;
        return transition('problem', { kind: 'client' }, { problemReason: 'signature_rejected' });
      case 'bank_link_created':
        if (input.path !== 'bank_link' || !(UNSIGNED.includes(state) || (state === 'problem' && !bankRefused))) break;
        return transition('bank_processing', { kind: 'client' }, { note: 'linked in the bank app' });
      case 'bank_accepted':
        // Delivered before the signature report: the bank only accepts what was signed or linked.
        if (state !== 'signed' && state !== 'bank_processing') {
          await transition('bank_processing', { kind: 'bank' }, { note: 'signature implied by the bank acceptance' });
        }
        return transition('active', { kind: 'bank' });
      case 'bank_rejected':
        bankRefused = true;
        if (state === 'problem' && status.problemReason === report.reason) break;
        return transition('problem', { kind: 'bank' }, { problemReason: report.reason });
    }
    log.info('Report does not apply in this state: ignored', { mandateId, report: report.type, state });
  }

  async function runStep(step: Exclude<NextStep, null>) {
    const revision = status.revision;
    if (step.kind === 'bank_link_check') {
      await flagBankLinkMissing({ mandateId, revision, at: now() });
      status.bankLinkIssueAt = now();
      return;
    }
    if (step.kind === 'reminder') {
      const outcome = await deliver('reminder', () =>
        sendMandateReminder({
          mandateId,
          revision,
          number: step.number,
          of: reminderTotal(input.schedule),
          idempotencyKey: `${workflowId}/r${revision}/reminder/${step.number}`,
          at: now(),
        }),
      );
      // Counted even when undeliverable: the plan moves on, the outbox shows the problem.
      status.reminders.push({ number: step.number, at: now() });
      if (outcome && !outcome.sent)
        log.info('Mandate reminder not sent', { mandateId, number: step.number, reason: outcome.reason });
      return;
    }
    await deliver('stalled notice', () =>
      notifyMandateStalled({ mandateId, revision, idempotencyKey: `${workflowId}/r${revision}/stalled`, at: now() }),
    );
    status.stalledNoticeAt = now();
  }

  /** Work started by a signal has no caller to fail: its failure is logged, the queue goes on. */
  const inBackground = (what: string, fn: () => Promise<unknown>) =>
    void serialize(fn).catch((error: unknown) =>
      log.error('Mandate step failed', { mandateId, what, error: (error as Error).message }),
    );

  // Queued before any handler is registered: a signal or update delivered with the start (or
  // while no worker ran) goes after the first presentation, never before it.
  const ordered = serialize(() => present(SYSTEM, 'ordered'));

  setHandler(mandateStatusQuery, () => status);
  setHandler(mandateReportSignal, ({ eventId, revision, report }) => {
    if (seenEvents.has(eventId)) return;
    seenEvents.add(eventId);
    inBackground(report.type, async () => {
      if (revision !== undefined && revision !== status.revision) {
        return log.info('Report about an older presentation: ignored', {
          mandateId,
          report: report.type,
          revision,
          current: status.revision,
        });
      }
      await onReport(report);
    });
  });
  setHandler(clientUpdatedSignal, ({ actor }) => {
    inBackground('client edit', async () => {
      if (REPRESENTABLE.includes(status.state)) await present(actor, 'client data changed');
    });
  });

  /**
   * An action: the validator refuses it up front (nothing in history) unless the mandate is being
   * prepared, in which case it waits its turn and the handler decides on the state it then finds.
   */
  const guarded = <A extends { actor: Actor } = { actor: Actor }>(
    what: string,
    allowed: (state: MandateState) => boolean,
    run: (args: A) => Promise<unknown>,
  ) => ({
    validator: (_args: A) => {
      if (!allowed(status.state) && !PREPARING.includes(status.state)) throw notAllowed(what, status.state);
    },
    handler: (args: A) =>
      serialize(async () => {
        if (!allowed(status.state)) throw notAllowed(what, status.state);
        await run(args);
        return status;
      }),
  });
  const resend = guarded(
    'resend',
    (s) => RESENDABLE.includes(s),
    ({ actor }) => present(actor, 'resent'),
  );
  const archive = guarded<{ actor: Actor; reason: string }>(
    'archive',
    () => !isFinal(),
    ({ actor, reason }) => transition('archived', actor, { archiveReason: reason }),
  );
  const markProblem = guarded<{ actor: Actor; reason: MandateProblemReason }>(
    'marking a problem',
    (s) => !isFinal() && s !== 'problem',
    ({ actor, reason }) => transition('problem', actor, { problemReason: reason }),
  );
  const resolve = guarded(
    'resolving a problem',
    (s) => s === 'problem',
    ({ actor }) => present(actor, 'problem resolved'),
  );
  setHandler(resendUpdate, resend.handler, { validator: resend.validator });
  setHandler(archiveUpdate, archive.handler, { validator: archive.validator });
  setHandler(markProblemUpdate, markProblem.handler, { validator: markProblem.validator });
  setHandler(resolveProblemUpdate, resolve.handler, { validator: resolve.validator });

  await ordered;

  while (!isFinal()) {
    const seen = version;
    const step = nextMandateStep(input, {
      state: status.state,
      presentedAtMs: status.presentedAt === null ? null : Date.parse(status.presentedAt),
      remindersSent: status.reminders.length,
      stalledNoticeSent: status.stalledNoticeAt !== null,
      bankLinkIssueFlagged: status.bankLinkIssueAt !== null,
    });
    status.nextStep = step;
    const moved = () => version !== seen || isFinal();
    if (step === null) {
      await condition(moved);
      continue;
    }
    if (await condition(moved, Math.max(Date.parse(step.at) - Date.now(), 0))) continue;
    await serialize(async () => {
      if (!moved()) await runStep(step);
    });
  }
  status.nextStep = null;
  // Let the transition that ended the case (and anything queued behind it) finish mirroring.
  await serialize(async () => undefined);
  await condition(allHandlersFinished);
  return { mandateId, state: status.state };
}
