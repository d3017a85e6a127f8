import { WorkflowNotFoundError } from '@temporalio/client';
import type { Connection } from '../../lib/db/client.js';
import { consentRenewedSignal, type ConsentRenewalInput } from '../../workflows/consent-renewal/contract.js';
import type { consentRenewalWorkflow } from '../../workflows/consent-renewal/workflow.js';
import { withTemporalDeadline, type AppDeps } from '../deps.js';

export const consentInput = (deps: AppDeps, connectionId: string, validUntil: Date): ConsentRenewalInput => ({
  connectionId,
  validUntil: validUntil.toISOString(),
  schedule: deps.consentSchedule,
});

export type RenewalOutcome = { kind: 'stale' | 'renewed'; connection: Connection };

/**
 * A new consent deadline, from the aggregator's webhook or an operator. Older than the
 * current one: nothing changes. Otherwise the database first (a reminder racing this reads
 * the new deadline and stays silent), then the workflow; an equal deadline is signalled
 * again (the workflow ignores it), so a retry after a 503 is never lost.
 */
export async function renewConsent(deps: AppDeps, connection: Connection, validUntil: Date): Promise<RenewalOutcome> {
  if (validUntil.getTime() < connection.validUntil.getTime()) return { kind: 'stale', connection };
  // Guarded update: of two renewals racing, the later deadline wins whatever the order.
  await deps.prisma.connection.updateMany({ where: { id: connection.id, validUntil: { lt: validUntil } }, data: { validUntil, status: 'connected' } });
  const updated = await deps.prisma.connection.findUniqueOrThrow({ where: { id: connection.id } });
  await withTemporalDeadline(deps, async () => {
    try {
      await deps.temporal.workflow.getHandle(connection.workflowId).signal(consentRenewedSignal, { validUntil: validUntil.toISOString() });
    } catch (error) {
      if (!(error instanceof WorkflowNotFoundError)) throw error;
      // The previous consent already expired and its run ended: the renewal starts a new one.
      await deps.temporal.workflow.start<typeof consentRenewalWorkflow>('consentRenewalWorkflow', {
        workflowId: connection.workflowId,
        taskQueue: deps.taskQueue,
        args: [consentInput(deps, connection.id, validUntil)],
        workflowIdConflictPolicy: 'USE_EXISTING',
      });
    }
  });
  return { kind: 'renewed', connection: updated };
}
