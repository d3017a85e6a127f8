import { z } from 'zod';
import { ApiError } from '../../errors.js';
import { idSchema } from '../../schemas/common.js';
import { containsCardNumber } from '../card-data.js';
import { defineProvider, eventSchema, notConsumedYet } from '../define.js';

/** Why an activation failed, as the CARO provider reports it (DOMAIN.md, journey 2). */
const failureReason = z.enum(['online_payments_disabled', 'card_not_linked_to_reference', 'debit_card', 'technical_or_data_error']);

/** The CARO activation provider: the cardholder activated, or the activation failed. Card numbers never reach us. */
export const caroEvents = defineProvider({
  events: [
    eventSchema('caro.activated', { orderId: idSchema }),
    eventSchema('caro.activation_failed', { orderId: idSchema, reason: failureReason }),
  ],
  screen: (raw) =>
    containsCardNumber(raw) ? new ApiError(400, 'card_data_refused', 'the payload looks like it carries a card number: refused, nothing was stored') : undefined,
  resource: (event) => ({ type: 'caro_order', id: event.data.orderId }),
  handle: notConsumedYet,
});
