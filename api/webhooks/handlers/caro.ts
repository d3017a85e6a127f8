import { WorkflowNotFoundError } from '@temporalio/client';
import { caroOutcomeSignal, type CaroOutcome } from '../../../workflows/caro-activation/contract.js';
import { withTemporalDeadline } from '../../deps.js';
import { ApiError } from '../../errors.js';
import { caroReasonSchema } from '../../schemas/caro.js';
import { idSchema } from '../../schemas/common.js';
import { caroHandle } from '../../services/caro.js';
import { defineProvider, eventSchema } from '../define.js';

/**
 * The CARO activation provider: the cardholder activated, or the activation failed. Card numbers
 * never reach us. Each outcome is signalled to the order's workflow, which decides: a repeated or
 * late callback (a failure after success) changes nothing.
 */
export const caroEvents = defineProvider({
  events: [
    eventSchema('caro.activated', { orderId: idSchema }),
    eventSchema('caro.activation_failed', { orderId: idSchema, reason: caroReasonSchema }),
  ],
  resource: (event) => ({ type: 'caro_order', id: event.data.orderId }),
  async handle({ deps, log }, event) {
    const order = await deps.prisma.caroOrder.findUnique({ where: { id: event.data.orderId } });
    if (!order) {
      throw new ApiError(422, 'unknown_caro_order', 'no CARO order with this id', {
        errors: [{ in: 'body', path: 'data.orderId', message: 'no such CARO order' }],
      });
    }
    const outcome: CaroOutcome =
      event.type === 'caro.activated'
        ? { outcome: 'activated', eventId: event.eventId, occurredAt: event.occurredAt }
        : { outcome: 'failed', eventId: event.eventId, occurredAt: event.occurredAt, reason: event.data.reason };
    try {
      await withTemporalDeadline(deps, () => caroHandle(deps, order).signal(caroOutcomeSignal, outcome));
    } catch (error) {
      if (!(error instanceof WorkflowNotFoundError)) throw error;
      // The run failed and waits for support: kept in the audit trail; the replayed run does not see it.
      log.warn({ status: order.status }, 'CARO outcome for an order whose workflow is not running');
      return {
        handled: false,
        details: { outcome: outcome.outcome, workflow: 'not_running' },
        reason: 'the order’s workflow is not running (it failed and waits for support to replay it)',
      };
    }
    log.info({ outcome: outcome.outcome }, 'CARO outcome signalled');
    return {
      handled: true,
      details: {
        outcome: outcome.outcome,
        ...(outcome.outcome === 'failed' ? { reason: outcome.reason } : {}),
        previous: order.status,
      },
    };
  },
});
