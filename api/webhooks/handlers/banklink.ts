import { idSchema } from '../../schemas/common.js';
import { defineProvider, eventSchema, notConsumedYet } from '../define.js';

/** KBC/CBC link reports: the client linked the service in the bank app; the bank accepted or rejected the mandate. */
export const banklinkEvents = defineProvider({
  events: [
    eventSchema('bank.link_created', { mandateId: idSchema }),
    eventSchema('bank.mandate_accepted', { mandateId: idSchema }),
    eventSchema('bank.mandate_rejected', { mandateId: idSchema }),
  ],
  resource: (event) => ({ type: 'mandate', id: event.data.mandateId }),
  handle: notConsumedYet,
});
