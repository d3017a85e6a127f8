// Starting and waking an endpoint's delivery workflow (workflows/webhook-delivery), from the API
// (create, change, redeliver) and the worker (at boot, the endpoints whose start was not confirmed).
import type { Client } from '@temporalio/client';
import type { PrismaClient } from '../db/client.js';
import { redeliverSignal, wakeSignal, webhookEndpointWorkflowId } from '../../workflows/webhook-delivery/contract.js';
import type { webhookEndpointWorkflow } from '../../workflows/webhook-delivery/workflow.js';

export interface WorkflowTarget {
  temporal: Client;
  taskQueue: string;
  prisma: PrismaClient;
}

/**
 * Wakes the endpoint's workflow, starting it if it does not run (signal-with-start: one workflow
 * per endpoint, whoever calls first), with `eventIds` to deliver again if given; then records that
 * it runs.
 */
export async function wakeEndpointWorkflow(t: WorkflowTarget, endpointId: string, eventIds?: string[]) {
  const common = {
    workflowId: webhookEndpointWorkflowId(endpointId),
    taskQueue: t.taskQueue,
    args: [{ endpointId }] as [{ endpointId: string }],
  };
  if (eventIds)
    await t.temporal.workflow.signalWithStart<typeof webhookEndpointWorkflow, [{ eventIds: string[] }]>(
      'webhookEndpointWorkflow',
      { ...common, signal: redeliverSignal, signalArgs: [{ eventIds }] },
    );
  else
    await t.temporal.workflow.signalWithStart<typeof webhookEndpointWorkflow, []>('webhookEndpointWorkflow', {
      ...common,
      signal: wakeSignal,
      signalArgs: [],
    });
  await t.prisma.webhookEndpoint.updateMany({
    where: { id: endpointId, workflowStarted: false },
    data: { workflowStarted: true },
  });
}
