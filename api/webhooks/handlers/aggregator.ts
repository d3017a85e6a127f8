import { z } from 'zod';
import type { PrismaClient } from '../../../lib/db/client.js';
import { REPORTED_STATUSES } from '../../../workflows/consent-renewal/rules.js';
import { ApiError } from '../../errors.js';
import { idSchema, instantSchema } from '../../schemas/common.js';
import { renewConsent, reportStatus } from '../../services/consent.js';
import { defineProvider, eventSchema } from '../define.js';

/** `expires_soon` and `expired` follow from the deadline: only the consent workflow sets them. */
const reportedStatus = z.enum(REPORTED_STATUSES);

async function findConnection(prisma: PrismaClient, id: string) {
  const connection = await prisma.connection.findUnique({ where: { id } });
  if (!connection) {
    throw new ApiError(422, 'unknown_connection', 'no connection with this id', {
      errors: [{ in: 'body', path: 'data.connectionId', message: 'no such connection' }],
    });
  }
  return connection;
}

/**
 * The PSD2 consent aggregator: renewed consents and connection status changes
 * (docs/domain.md#journey-3-consent-renewal).
 */
export const aggregatorEvents = defineProvider({
  events: [
    eventSchema('consent.renewed', { connectionId: idSchema, validUntil: instantSchema }),
    eventSchema('connection.status_changed', { connectionId: idSchema, status: reportedStatus }),
  ],
  resource: (event) => ({ type: 'connection', id: event.data.connectionId }),
  async handle({ deps, log }, event) {
    const connection = await findConnection(deps.prisma, event.data.connectionId);
    if (event.type === 'consent.renewed') {
      // An older deadline than the current one (out of order) changes nothing.
      const outcome = await renewConsent(deps, connection, new Date(event.data.validUntil));
      log.info({ outcome: outcome.kind }, 'consent renewal reported by the aggregator');
      return { handled: true, details: { validUntil: event.data.validUntil, outcome: outcome.kind } };
    }
    // The workflow owns the status: only a renewal lifts `expired`, and "connected" does not hide an
    // approaching deadline (rules.ts).
    const { applied } = await reportStatus(deps, connection, event.data.status);
    log.info({ status: event.data.status, applied }, 'connection status reported by the aggregator');
    return {
      handled: true,
      details: { status: event.data.status, previous: connection.status, applied },
      ...(applied ? {} : { reason: `the reported status does not apply to a ${connection.status} connection` }),
    };
  },
});
