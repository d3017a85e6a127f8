import { z } from 'zod';
import { idSchema } from '../../schemas/common.js';
import { reportToMandate } from '../../services/mandate-reports.js';
import { defineProvider, eventSchema } from '../define.js';

/** The e-signature provider: the client signed the mandate, or the signature was rejected. */
export const esignEvents = defineProvider({
  events: [
    eventSchema('mandate.signed', { mandateId: idSchema }),
    eventSchema('mandate.signature_rejected', { mandateId: idSchema, reason: z.string().max(500).optional() }),
  ],
  resource: (event) => ({ type: 'mandate', id: event.data.mandateId }),
  handle: (ctx, event) => reportToMandate(ctx, event.data.mandateId, event.eventId, { type: event.type === 'mandate.signed' ? 'signed' : 'signature_rejected' }),
});
