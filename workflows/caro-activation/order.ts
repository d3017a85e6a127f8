import { condition, log, proxyActivities, workflowInfo } from '@temporalio/workflow';
import { Mutex } from 'async-mutex';
import type { createActivities } from '../../activities/index.js';
import { DATABASE_ACTIVITY, EMAIL_ACTIVITY } from '../shared/retry.js';
import { unlessUndeliverable } from '../shared/undeliverable.js';
import type { CaroActivationInput, CaroActor, CaroEvent, CaroOutcome, CaroProblemReason } from './contract.js';
import type { CaroState, CaroStatus } from './contract.js';
import { applyTransition, invitationExpiry, outcomeEffect, reminderTotal, statementsFromDate } from './plan.js';

type Activities = ReturnType<typeof createActivities>;

// Activation and problem also e-mail (the confirmation, the office's guidance): e-mail's policy.
const { activateCaroOrder, recordCaroProblem } = proxyActivities<Activities>(EMAIL_ACTIVITY);
const { closeCaroOrder } = proxyActivities<Activities>(DATABASE_ACTIVITY);
// E-mail to the cardholder: retried through any outage of the provider; a refused address fails it for good.
const { sendCaroInvitation, sendCaroReminder } = proxyActivities<Activities>(EMAIL_ACTIVITY);

/**
 * One CARO order's state and every move on it (the handlers that call them: ./messages.ts). The
 * state lives here; each transition is mirrored to the database with its version (the number of
 * transitions so far), so a retried or late mirror never takes the order back. Every move runs
 * under one mutex: a webhook and an accountant acting at once are applied one after the other.
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
    expiresAt: invitationExpiry(now(), schedule),
    statementsFrom: null,
    reminders: [],
    nextStep: null,
    history: [],
  };
  const mutex = new Mutex();
  /** Moves finished: the schedule plans again after each. */
  let moves = 0;
  // A move waits (a condition) until none runs, then takes the mutex: woken at the same point of
  // the workflow task as ever, so that recorded histories replay.
  const exclusive = async <T>(fn: () => Promise<T>): Promise<T> => {
    await condition(() => !mutex.isLocked());
    return mutex.runExclusive(async () => {
      try {
        return await fn();
      } finally {
        moves += 1;
      }
    });
  };
  const version = () => state.history.length;
  /** The version just made, with its transition for the case's timeline. */
  const mirrored = () => ({ version: version(), transition: state.history[state.history.length - 1]! });

  const transition = (to: CaroStatus, event: CaroEvent, actor: CaroActor, reason?: CaroProblemReason) =>
    applyTransition(state, schedule, { at: now(), to, event, actor, ...(reason ? { reason } : {}) });

  // A fresh link version, expiry and reminder schedule, then the e-mail. The run id in the key: a
  // run reset by support after a rejected invitation sends it again, under a new outbox row.
  const invite = async (event: CaroEvent, actor: CaroActor) => {
    state.linkVersion += 1;
    state.invitedAt = now();
    state.expiresAt = invitationExpiry(state.invitedAt, schedule);
    state.reminders = [];
    transition('invitation_sent', event, actor);
    await sendCaroInvitation({
      orderId,
      ...mirrored(),
      linkVersion: state.linkVersion,
      linkExpiresAt: state.expiresAt,
      idempotencyKey: `${workflowId}/v${state.linkVersion}/invitation/${workflowInfo().runId}`,
    });
  };

  const close = async (to: 'invitation_expired' | 'cancelled', event: CaroEvent, actor: CaroActor) => {
    transition(to, event, actor);
    await closeCaroOrder({ orderId, ...mirrored(), status: to });
  };

  const remind = async (step: { number: number }) => {
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
        ...mirrored(),
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
      ...mirrored(),
      reason: outcome.reason,
      at: outcome.occurredAt,
      idempotencyKey: `${workflowId}/v${state.linkVersion}/failure/${failures}`,
    });
  };

  return {
    state,
    exclusive,
    invite,
    close,
    remind,
    onOutcome,
    moves: () => moves,
    /** No move runs. */
    idle: () => !mutex.isLocked(),
  };
}
export type CaroOrder = ReturnType<typeof caroOrder>;
