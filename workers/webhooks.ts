import type { ActivityDeps } from '../activities/deps.js';
import type { PrismaClient } from '../lib/db/client.js';
import type { Logger } from '../lib/logger.js';
import { wakeEndpointWorkflow } from '../lib/webhooks/workflow.js';

/**
 * Starts the delivery workflow of every endpoint whose start the API could not confirm (Temporal
 * did not answer): every worker does this at boot; a second start finds the running one. A failure
 * is logged, never fatal: the next boot, or the next change of the endpoint, tries again.
 */
export async function ensureWebhookWorkflows(
  { client, taskQueue }: NonNullable<ActivityDeps['temporal']>,
  prisma: PrismaClient,
  logger: Logger,
): Promise<void> {
  try {
    const waiting = await prisma.webhookEndpoint.findMany({ where: { workflowStarted: false }, select: { id: true } });
    for (const { id } of waiting) await wakeEndpointWorkflow({ temporal: client, taskQueue, prisma }, id);
    if (waiting.length) logger.info({ count: waiting.length }, 'webhook delivery workflows started');
  } catch (error) {
    logger.warn({ err: { message: (error as Error).message } }, 'webhook delivery workflows not started');
  }
}
