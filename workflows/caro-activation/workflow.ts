import {
  ActivityFailure,
  ApplicationFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  isCancellation,
  log,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { createActivities } from '../../activities/index.js';
import {
  cancelOrderUpdate,
  caroOutcomeSignal,
  caroStateQuery,
  copyActivationLinkUpdate,
  reactivateOrderUpdate,
  resendInvitationUpdate,
  retryActivationUpdate,
  STATE_CONFLICT,
  type CaroActivationInput,
  type CaroActor,
  type CaroOutcome,
  type CaroProblemReason,
  type CaroState,
  type CaroStatus,
  type CaroTransition,
} from './contract.js';
import { daysAfter, nextCaroStep, reminderTotal, statementsFromDate } from './plan.js';

type Activities = ReturnType<typeof createActivities>;

const { activateCaroOrder, recordCaroProblem, closeCaroOrder } = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '5 seconds', maximumInterval: '10 minutes' },
});
// E-mail to the cardholder: few attempts, the provider's own idempotency does the rest.
const { sendCaroInvitation, sendCaroReminder } = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '30 seconds', maximumAttempts: 5 },
});

const OPEN: CaroStatus[] = ['invitation_sent', 'problem'];
const conflict = (message: string) => ApplicationFailure.create({ type: STATE_CONFLICT, message, nonRetryable: true });
const allow = (state: CaroState, allowed: CaroStatus[], action: string) => {
  if (!allowed.includes(state.status)) throw conflict(`cannot ${action} an order in state ${state.status} (allowed in: ${allowed.join(', ')})`);
};
/** An update validator: refuses the action, before anything is recorded, when the state does not allow it. */
const only = (state: CaroState, allowed: CaroStatus[], action: string) => (_request: { actor: CaroActor }) => allow(state, allowed, action);

/**
 * One CARO order, for as long as it exists: invitation (link or KBC/CBC bank-app steps), reminders
 * and expiry, the provider's outcomes, and the accountant's and support's actions. The state lives
 * here; activities mirror it to the database. Every change runs under one lock, so a webhook and
 * an accountant acting at once are applied one after the other.
 */
export async function caroActivationWorkflow(input: CaroActivationInput): Promise<CaroState> {
  const { orderId, channel, schedule } = input;
  const workflowId = workflowInfo().workflowId;
  const now = () => new Date().toISOString();
  const state: CaroState = input.carried ?? {
    orderId,
    channel,
    status: 'invitation_sent',
    reason: null,
    linkVersion: 0,
    invitedAt: now(),
    expiresAt: daysAfter(now(), schedule.expiryDays),
    statementsFrom: null,
    reminders: [],
    nextStep: null,
    history: [],
  };
  let busy = false;
  let generation = 0;
  const seenEvents = new Set<string>();

  const locked = async <T>(fn: () => Promise<T>): Promise<T> => {
    await condition(() => !busy);
    busy = true;
    try {
      return await fn();
    } finally {
      busy = false;
      generation += 1;
    }
  };

  const transition = (to: CaroStatus, event: CaroTransition['event'], actor: CaroActor, reason?: CaroProblemReason) => {
    state.history.push({ at: now(), from: state.history.length === 0 ? null : state.status, to, event, actor, ...(reason ? { reason } : {}) });
    state.status = to;
    state.reason = reason ?? null;
    state.nextStep = nextCaroStep(state, schedule);
  };

  // A fresh link version, expiry and reminder schedule, then the e-mail. The run id in the key: a
  // run reset by support after a rejected invitation sends it again, under a new outbox row.
  const invite = async (event: CaroTransition['event'], actor: CaroActor) => {
    state.linkVersion += 1;
    state.invitedAt = now();
    state.expiresAt = daysAfter(state.invitedAt, schedule.expiryDays);
    state.reminders = [];
    transition('invitation_sent', event, actor);
    await sendCaroInvitation({ orderId, linkVersion: state.linkVersion, linkExpiresAt: state.expiresAt, idempotencyKey: `${workflowId}/v${state.linkVersion}/invitation/${workflowInfo().runId}` });
  };

  const close = async (to: 'invitation_expired' | 'cancelled', event: CaroTransition['event'], actor: CaroActor) => {
    transition(to, event, actor);
    await closeCaroOrder({ orderId, status: to });
  };

  const onOutcome = async (outcome: CaroOutcome) => {
    const actor: CaroActor = { kind: 'webhook', id: outcome.eventId };
    if (outcome.outcome === 'activated') {
      // A success while the invitation is open (also after a failed attempt); anything else is late or repeated.
      if (!OPEN.includes(state.status)) return log.info('CARO activation ignored', { orderId, status: state.status });
      state.statementsFrom = statementsFromDate(outcome.occurredAt);
      transition('active', 'activated', actor);
      await activateCaroOrder({ orderId, statementsFrom: state.statementsFrom, activatedAt: outcome.occurredAt, idempotencyKey: `${workflowId}/v${state.linkVersion}/confirmation` });
      return;
    }
    // A failure after success (out of order) or repeating the current problem changes nothing.
    if (!OPEN.includes(state.status) || (state.status === 'problem' && state.reason === outcome.reason)) {
      return log.info('CARO failure ignored', { orderId, status: state.status, reason: outcome.reason });
    }
    transition('problem', 'failed', actor, outcome.reason);
    const failures = state.history.filter((t) => t.event === 'failed').length;
    await recordCaroProblem({ orderId, reason: outcome.reason, at: outcome.occurredAt, idempotencyKey: `${workflowId}/v${state.linkVersion}/failure/${failures}` });
  };

  setHandler(caroStateQuery, () => state);
  setHandler(caroOutcomeSignal, async (outcome) => {
    if (seenEvents.has(outcome.eventId)) return;
    seenEvents.add(outcome.eventId);
    await locked(() => onOutcome(outcome));
  });
  setHandler(
    resendInvitationUpdate,
    ({ actor }) =>
      locked(async () => {
        allow(state, ['invitation_sent'], 'resend the invitation of');
        await invite('resent', actor);
        return state;
      }),
    { validator: only(state, ['invitation_sent'], 'resend the invitation of') },
  );
  setHandler(
    copyActivationLinkUpdate,
    () => ({ linkVersion: state.linkVersion, expiresAt: state.expiresAt }),
    {
      validator: (_request: { actor: CaroActor }) => {
        if (channel !== 'link') throw conflict('a KBC/CBC order has no activation link: the cardholder activates in the bank app');
        allow(state, ['invitation_sent'], 'copy the activation link of');
      },
    },
  );
  setHandler(
    cancelOrderUpdate,
    ({ actor }) =>
      locked(async () => {
        allow(state, ['invitation_sent', 'problem', 'active'], 'cancel');
        await close('cancelled', 'cancelled', actor);
        return state;
      }),
    { validator: only(state, ['invitation_sent', 'problem', 'active'], 'cancel') },
  );
  setHandler(
    reactivateOrderUpdate,
    ({ actor }) =>
      locked(async () => {
        allow(state, ['cancelled', 'invitation_expired'], 'reactivate');
        await invite('reactivated', actor);
        return state;
      }),
    { validator: only(state, ['cancelled', 'invitation_expired'], 'reactivate') },
  );
  setHandler(
    retryActivationUpdate,
    ({ actor }) =>
      locked(async () => {
        allow(state, ['problem'], 'replay the activation of');
        await invite('replayed', actor);
        return state;
      }),
    { validator: only(state, ['problem'], 'replay the activation of') },
  );

  if (!input.carried) await locked(() => invite('ordered', input.actor));

  for (;;) {
    if (workflowInfo().continueAsNewSuggested) {
      await condition(() => !busy && allHandlersFinished());
      return continueAsNew<typeof caroActivationWorkflow>({ ...input, carried: state });
    }
    const step = nextCaroStep(state, schedule);
    state.nextStep = step;
    const seen = generation;
    const changed = step ? await condition(() => generation !== seen, Math.max(Date.parse(step.at) - Date.now(), 0)) : await condition(() => generation !== seen).then(() => true);
    if (changed || !step) continue;
    await locked(async () => {
      if (generation !== seen) return; // an event came first: plan again
      if (step.kind === 'expiry') return close('invitation_expired', 'expired', { kind: 'schedule' });
      try {
        const outcome = await sendCaroReminder({
          orderId,
          linkVersion: state.linkVersion,
          linkExpiresAt: state.expiresAt,
          number: step.number,
          of: reminderTotal(schedule),
          idempotencyKey: `${workflowId}/v${state.linkVersion}/reminder/${step.number}`,
        });
        log.info('CARO reminder', { orderId, number: step.number, sent: outcome.sent });
      } catch (error) {
        // An undeliverable reminder is on the case's outbox; the schedule goes on.
        if (isCancellation(error) || !(error instanceof ActivityFailure)) throw error;
        const failure = error.cause instanceof ApplicationFailure ? error.cause.type : error.cause?.name;
        log.warn('CARO reminder not delivered: continuing', { orderId, number: step.number, failure });
      }
      state.reminders.push({ number: step.number, at: now() });
    });
  }
}
