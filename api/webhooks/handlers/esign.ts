import { z } from 'zod';
import { idSchema } from '../../schemas/common.js';
import { reportToMandate } from '../../services/mandate-reports.js';
import { defineProvider, eventSchema } from '../define.js';

/**
 * Which presentation of the mandate was signed (the revision its link named); a report about an older one is ignored.
 */
const revision = z.number().int().min(1).optional();

/** The e-signature provider: the client signed the mandate, or the signature was rejected. */
export const esignEvents = defineProvider({
  events: [
    eventSchema('mandate.signed', { mandateId: idSchema, revision }),
    eventSchema('mandate.signature_rejected', {
      mandateId: idSchema,
      revision,
      reason: z.string().max(500).optional(),
    }),
  ],
  resource: (event) => ({ type: 'mandate', id: event.data.mandateId }),
  handle: (ctx, event) =>
    reportToMandate(
      ctx,
      { provider: 'esign', eventId: event.eventId, revision: event.data.revision },
      event.data.mandateId,
      {
        type: event.type === 'mandate.signed' ? 'signed' : 'signature_rejected',
      },
    ),
});
