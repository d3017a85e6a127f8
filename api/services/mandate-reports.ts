import { WorkflowNotFoundError } from '@temporalio/client';
import { mandateReportSignal, type MandateReport, type ReportEnvelope } from '../../workflows/mandate/contract.js';
import { withTemporalDeadline, type AppDeps } from '../deps.js';
import { ApiError } from '../errors.js';
import type { Outcome, WebhookContext } from '../webhooks/define.js';

/**
 * Hands a provider's report to the mandate's workflow, which decides what it means in the
 * current state (a duplicate or a late report changes nothing). A mandate whose workflow has
 * ended (active, archived) keeps its final state: the report is recorded and ignored.
 */
export async function reportToMandate(
  { deps, log }: WebhookContext,
  source: { provider: 'esign' | 'banklink'; eventId: string; revision?: number | undefined },
  mandateId: string,
  report: MandateReport,
): Promise<Outcome> {
  const mandate = await deps.prisma.mandate.findUnique({
    where: { id: mandateId },
    select: { id: true, workflowId: true, status: true },
  });
  if (!mandate) {
    throw new ApiError(422, 'unknown_mandate', 'no mandate with this id', {
      errors: [{ in: 'body', path: 'data.mandateId', message: 'no such mandate' }],
    });
  }
  // Event ids are unique per provider only: the workflow de-duplicates on both.
  const delivered = await signal(deps, mandate.workflowId, {
    eventId: `${source.provider}:${source.eventId}`,
    ...(source.revision === undefined ? {} : { revision: source.revision }),
    report,
  });
  log.info({ mandateId, workflowId: mandate.workflowId, report: report.type, delivered }, 'mandate report');
  return {
    handled: true,
    details: { report: report.type, ...(delivered ? {} : { ignored: `the mandate is ${mandate.status}` }) },
  };
}

async function signal(deps: AppDeps, workflowId: string, envelope: ReportEnvelope): Promise<boolean> {
  try {
    await withTemporalDeadline(deps, () =>
      deps.temporal.workflow.getHandle(workflowId).signal(mandateReportSignal, envelope),
    );
    return true;
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return false;
    throw error;
  }
}
