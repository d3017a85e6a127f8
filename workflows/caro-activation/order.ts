import { ApplicationFailure, log, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import { Mutex } from 'async-mutex';
import type { createActivities } from '../../activities/index.js';
import { unlessUndeliverable } from '../shared/undeliverable.js';
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
  type CaroEvent,
  type CaroOutcome,
  type CaroProblemReason,
  type CaroState,
  type CaroStatus,
} from './contract.js';
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

export type ReminderStep = { kind: 'reminder'; number: number };

/**
 * One CARO order's state and every move on it. The state lives here; each transition is mirrored
 * to the database with its version (the number of transitions so far), so a retried or late
 * mirror never takes the order back. Every move runs under one mutex: a webhook and an accountant
 * acting at once are applied one after the other.
 */
export function caroOrder(input: CaroActivationInput) {
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
  const mutex = new Mutex();
  /** Moves finished: the schedule plans again after each. */
  let moves = 0;
  const exclusive = <T>(fn: () => Promise<T>): Promise<T> =>
    mutex.runExclusive(async () => {
      try {
        return await fn();
      } finally {
        moves += 1;
      }
    });
  const version = () => state.history.length;

  const transition = (to: CaroStatus, event: CaroEvent, actor: CaroActor, reason?: CaroProblemReason) => {
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
  const invite = async (event: CaroEvent, actor: CaroActor) => {
    state.linkVersion += 1;
    state.invitedAt = now();
    state.expiresAt = daysAfter(state.invitedAt, schedule.expiryDays);
    state.reminders = [];
    transition('invitation_sent', event, actor);
    await sendCaroInvitation({
      orderId,
      version: version(),
      linkVersion: state.linkVersion,
      linkExpiresAt: state.expiresAt,
      idempotencyKey: `${workflowId}/v${state.linkVersion}/invitation/${workflowInfo().runId}`,
    });
  };

  const close = async (to: 'invitation_expired' | 'cancelled', event: CaroEvent, actor: CaroActor) => {
    transition(to, event, actor);
    await closeCaroOrder({ orderId, version: version(), status: to });
  };

  const remind = async (step: ReminderStep) => {
    await unlessUndeliverable('CARO reminder', { orderId, number: step.number }, async () => {
      const outcome = await sendCaroReminder({
        orderId,
        version: version(),
        linkVersion: state.linkVersion,
        linkExpiresAt: state.expiresAt,
        number: step.number,
        of: reminderTotal(schedule),
        idempotencyKey: `${workflowId}/v${state.linkVersion}/reminder/${step.number}`,
      });
      log.info('CARO reminder', { orderId, number: step.number, sent: outcome.sent });
    });
    // An undeliverable reminder is on the case's outbox; the schedule goes on.
    state.reminders.push({ number: step.number, at: now() });
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
        version: version(),
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
      version: version(),
      reason: outcome.reason,
      at: outcome.occurredAt,
      idempotencyKey: `${workflowId}/v${state.linkVersion}/failure/${failures}`,
    });
  };

  const check = (action: CaroAction) => {
    const refused = refusal(state, action);
    if (refused) throw conflict(refused);
  };
  /** An accountant's or support's action: refused by the validator before it is recorded, checked again under the mutex. */
  const action = (name: CaroAction, run: (actor: CaroActor) => Promise<void>) =>
    [
      ({ actor }: { actor: CaroActor }) =>
        exclusive(async () => {
          check(name);
          await run(actor);
          return state;
        }),
      { validator: (_request: { actor: CaroActor }) => check(name) },
    ] as const;

  /** Registers the query, the provider's signal and the actions' updates. */
  function handleMessages() {
    const seenEvents = new Set<string>();
    setHandler(caroStateQuery, () => state);
    setHandler(caroOutcomeSignal, async (outcome) => {
      if (seenEvents.has(outcome.eventId)) return;
      seenEvents.add(outcome.eventId);
      await exclusive(() => onOutcome(outcome));
    });
    setHandler(resendInvitationUpdate, ...action('resend', (actor) => invite('resent', actor)));
    setHandler(cancelOrderUpdate, ...action('cancel', (actor) => close('cancelled', 'cancelled', actor)));
    setHandler(reactivateOrderUpdate, ...action('reactivate', (actor) => invite('reactivated', actor)));
    setHandler(retryActivationUpdate, ...action('retry', (actor) => invite('replayed', actor)));
    setHandler(copyActivationLinkUpdate, () => ({ linkVersion: state.linkVersion, expiresAt: state.expiresAt }), {
      validator: (_request: { actor: CaroActor }) => check('copyLink'),
    });
  }

  return {
    state,
    handleMessages,
    exclusive,
    invite,
    close,
    remind,
    /** How many moves finished so far. */
    moves: () => moves,
    /** No move runs or waits. */
    idle: () => !mutex.isLocked(),
  };
}
