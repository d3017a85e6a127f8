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
import { endsOnMissingRow } from '../shared/row-missing.js';
import {
  daysAfter,
  nextCaroStep,
  outcomeEffect,
  refusal,
  reminderTotal,
  statementsFromDate,
  type CaroAction,
} from './plan.js';

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

const conflict = (message: string) => ApplicationFailure.create({ type: STATE_CONFLICT, message, nonRetryable: true });

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
    state.history.push({
      at: now(),
      from: state.history.length === 0 ? null : state.status,
      to,
      event,
      actor,
      ...(reason ? { reason } : {}),
    });
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
    await sendCaroInvitation({
      orderId,
      linkVersion: state.linkVersion,
      linkExpiresAt: state.expiresAt,
      idempotencyKey: `${workflowId}/v${state.linkVersion}/invitation/${workflowInfo().runId}`,
    });
  };

  const close = async (to: 'invitation_expired' | 'cancelled', event: CaroTransition['event'], actor: CaroActor) => {
    transition(to, event, actor);
    await closeCaroOrder({ orderId, status: to });
  };

  const onOutcome = async (outcome: CaroOutcome) => {
    const actor: CaroActor = { kind: 'webhook', id: outcome.eventId };
    const effect = outcomeEffect(state, outcome);
    if (effect === 'ignore')
      return log.info('CARO callback changes nothing', { orderId, status: state.status, outcome: outcome.outcome });
    if (outcome.outcome === 'activated') {
      state.statementsFrom = statementsFromDate(outcome.occurredAt);
      transition('active', 'activated', actor);
      await activateCaroOrder({
        orderId,
        statementsFrom: state.statementsFrom,
        activatedAt: outcome.occurredAt,
        idempotencyKey: `${workflowId}/v${state.linkVersion}/confirmation`,
      });
      return;
    }
    transition('problem', 'failed', actor, outcome.reason);
    const failures = state.history.filter((t) => t.event === 'failed').length;
    await recordCaroProblem({
      orderId,
      reason: outcome.reason,
      at: outcome.occurredAt,
      idempotencyKey: `${workflowId}/v${state.linkVersion}/failure/${failures}`,
    });
  };

  const check = (action: CaroAction) => {
    const refused = refusal(state, action);
    if (refused) throw conflict(refused);
  };
  /** An accountant's or support's action: refused by the validator before it is recorded, checked again under the lock. */
  const action = (name: CaroAction, run: (actor: CaroActor) => Promise<void>) => ({
    handler: ({ actor }: { actor: CaroActor }) =>
      locked(async () => {
        check(name);
        await run(actor);
        return state;
      }),
    options: { validator: (_request: { actor: CaroActor }) => check(name) },
  });
  const resend = action('resend', (actor) => invite('resent', actor));
  const cancel = action('cancel', (actor) => close('cancelled', 'cancelled', actor));
  const reactivate = action('reactivate', (actor) => invite('reactivated', actor));
  const retry = action('retry', (actor) => invite('replayed', actor));

  setHandler(caroStateQuery, () => state);
  setHandler(caroOutcomeSignal, async (outcome) => {
    if (seenEvents.has(outcome.eventId)) return;
    seenEvents.add(outcome.eventId);
    await locked(() => onOutcome(outcome));
  });
  setHandler(resendInvitationUpdate, resend.handler, resend.options);
  setHandler(cancelOrderUpdate, cancel.handler, cancel.options);
  setHandler(reactivateOrderUpdate, reactivate.handler, reactivate.options);
  setHandler(retryActivationUpdate, retry.handler, retry.options);
  setHandler(copyActivationLinkUpdate, () => ({ linkVersion: state.linkVersion, expiresAt: state.expiresAt }), {
    validator: (_request: { actor: CaroActor }) => check('copyLink'),
  });

  if (!input.carried) {
    try {
      await locked(() => invite('ordered', input.actor));
    } catch (error) {
      if (endsOnMissingRow(error, 'CaroOrderNotFound', { orderId })) return state;
      throw error;
    }
  }

  for (;;) {
    if (workflowInfo().continueAsNewSuggested) {
      await condition(() => !busy && allHandlersFinished());
      return continueAsNew<typeof caroActivationWorkflow>({ ...input, carried: state });
    }
    const step = nextCaroStep(state, schedule);
    state.nextStep = step;
    const seen = generation;
    const changed = step
      ? await condition(() => generation !== seen, Math.max(Date.parse(step.at) - Date.now(), 0))
      : await condition(() => generation !== seen).then(() => true);
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
