import { z } from 'zod';
import { MANDATE_PROBLEM_REASONS } from '../../../workflows/mandate/contract.js';
import { idSchema } from '../../schemas/common.js';
import { reportToMandate } from '../../services/mandate-reports.js';
import { defineProvider, eventSchema } from '../define.js';

/** KBC/CBC link reports: the client linked the service in the bank app; the bank accepted or rejected the mandate. */
export const banklinkEvents = defineProvider({
  events: [
    eventSchema('bank.link_created', { mandateId: idSchema }),
    eventSchema('bank.mandate_accepted', { mandateId: idSchema }),
    // Without a reason the bank is taken to find its data outdated.
    eventSchema('bank.mandate_rejected', {
      mandateId: idSchema,
      reason: z.enum(MANDATE_PROBLEM_REASONS).default('bank_data_outdated'),
    }),
  ],
  resource: (event) => ({ type: 'mandate', id: event.data.mandateId }),
  handle(ctx, event) {
    const report =
      event.type === 'bank.link_created'
        ? ({ type: 'bank_link_created' } as const)
        : event.type === 'bank.mandate_accepted'
          ? ({ type: 'bank_accepted' } as const)
          : ({ type: 'bank_rejected', reason: event.data.reason } as const);
    return reportToMandate(ctx, { provider: 'banklink', eventId: event.eventId }, event.data.mandateId, report);
  },
});
