import { WorkflowNotFoundError } from '@temporalio/client';
import { mandateReportSignal, type MandateReport } from '../../workflows/mandate/contract.js';
import { withTemporalDeadline, type AppDeps } from '../deps.js';
import { ApiError } from '../errors.js';
import type { Outcome, WebhookContext } from '../webhooks/define.js';

/**
 * Hands a provider's report to the mandate's workflow, which decides what it means in the
 * current state (a duplicate or a late report changes nothing). A mandate whose workflow has
 * ended (active, archived) keeps its final state: the report is recorded and ignored.
 */
export async function reportToMandate({ deps, log }: WebhookContext, mandateId: string, eventId: string, report: MandateReport): Promise<Outcome> {
  const mandate = await deps.prisma.mandate.findUnique({ where: { id: mandateId }, select: { id: true, workflowId: true, status: true } });
  if (!mandate) {
    throw new ApiError(422, 'unknown_mandate', 'no mandate with this id', { errors: [{ in: 'body', path: 'data.mandateId', message: 'no such mandate' }] });
  }
  const delivered = await signal(deps, mandate.workflowId, eventId, report);
  log.info({ mandateId, workflowId: mandate.workflowId, report: report.type, delivered }, 'mandate report');
  return { handled: true, details: { report: report.type, ...(delivered ? {} : { ignored: `the mandate is ${mandate.status}` }) } };
}

async function signal(deps: AppDeps, workflowId: string, eventId: string, report: MandateReport): Promise<boolean> {
  try {
    await withTemporalDeadline(deps, () => deps.temporal.workflow.getHandle(workflowId).signal(mandateReportSignal, { eventId, report }));
    return true;
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return false;
    throw error;
  }
}
