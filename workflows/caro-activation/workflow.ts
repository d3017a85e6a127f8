import { allHandlersFinished, condition, continueAsNew, workflowInfo } from '@temporalio/workflow';
import type { CaroActivationInput, CaroState } from './contract.js';
import { handleCaroMessages } from './messages.js';
import { caroOrder } from './order.js';
import { nextCaroStep } from './plan.js';
import { endsOnMissingRow } from '../shared/row-missing.js';

/**
 * One CARO order, for as long as it exists: invitation (link or KBC/CBC bank-app steps), reminders
 * and expiry, the provider's outcomes, and the accountant's and support's actions (./order.ts, ./messages.ts).
 * This loop is the schedule: it sleeps until the next step is due, and plans again after any move.
 */
export async function caroActivationWorkflow(input: CaroActivationInput): Promise<CaroState> {
  const order = caroOrder(input);
  const { state } = order;
  handleCaroMessages(order);

  if (!input.carried) {
    try {
      await order.exclusive(() => order.invite('ordered', input.actor));
    } catch (error) {
      if (endsOnMissingRow(error, 'CaroOrderNotFound', { orderId: input.orderId })) return state;
      throw error;
    }
  }

  for (;;) {
    if (workflowInfo().continueAsNewSuggested) {
      await condition(() => order.idle() && allHandlersFinished());
      return continueAsNew<typeof caroActivationWorkflow>({ ...input, carried: state });
    }
    const step = nextCaroStep(state, input.schedule);
    state.nextStep = step;
    const seen = order.moves();
    const moved = () => order.moves() !== seen;
    const changed = step
      ? await condition(moved, Math.max(Date.parse(step.at) - Date.now(), 0))
      : await condition(moved).then(() => true);
    if (changed || !step) continue;
    await order.exclusive(async () => {
      if (moved()) return; // a move came first: plan again
      if (step.kind === 'expiry') return order.close('invitation_expired', 'expired', { kind: 'schedule' });
      await order.remind(step);
    });
  }
}
