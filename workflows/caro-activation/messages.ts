import { ApplicationFailure, setHandler } from '@temporalio/workflow';
import {
  cancelOrderUpdate,
  caroOutcomeSignal,
  caroStateQuery,
  copyActivationLinkUpdate,
  reactivateOrderUpdate,
  resendInvitationUpdate,
  retryActivationUpdate,
  STATE_CONFLICT,
  type CaroActor,
} from './contract.js';
import type { CaroOrder } from './order.js';
import { refusal, type CaroAction } from './plan.js';

const conflict = (message: string) => ApplicationFailure.create({ type: STATE_CONFLICT, message, nonRetryable: true });

/**
 * The order's query, the provider's signal and the accountant's and support's updates. An action
 * is refused by its validator before it is recorded, and checked again once it holds the mutex.
 */
export function handleCaroMessages(order: CaroOrder): void {
  const { state } = order;
  const check = (action: CaroAction) => {
    const refused = refusal(state, action);
    if (refused) throw conflict(refused);
  };
  const action = (name: CaroAction, run: (actor: CaroActor) => Promise<void>) =>
    [
      ({ actor }: { actor: CaroActor }) =>
        order.exclusive(async () => {
          check(name);
          await run(actor);
          return state;
        }),
      { validator: (_request: { actor: CaroActor }) => check(name) },
    ] as const;

  // A provider delivers at least once: an event id seen before is dropped.
  const seenEvents = new Set<string>();
  setHandler(caroStateQuery, () => state);
  setHandler(caroOutcomeSignal, async (outcome) => {
    if (seenEvents.has(outcome.eventId)) return;
    seenEvents.add(outcome.eventId);
    await order.exclusive(() => order.onOutcome(outcome));
  });
  setHandler(resendInvitationUpdate, ...action('resend', (actor) => order.invite('resent', actor)));
  setHandler(cancelOrderUpdate, ...action('cancel', (actor) => order.close('cancelled', 'cancelled', actor)));
  setHandler(reactivateOrderUpdate, ...action('reactivate', (actor) => order.invite('reactivated', actor)));
  setHandler(retryActivationUpdate, ...action('retry', (actor) => order.invite('replayed', actor)));
  setHandler(copyActivationLinkUpdate, () => ({ linkVersion: state.linkVersion, expiresAt: state.expiresAt }), {
    validator: (_request: { actor: CaroActor }) => check('copyLink'),
  });
}
