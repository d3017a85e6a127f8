import { WorkflowNotFoundError } from '@temporalio/client';
import type { WebhookEndpoint } from '../../lib/db/client.js';
import { uuidv7 } from '../../lib/db/ids.js';
import { activeSecrets } from '../../lib/webhooks/secret.js';
import { DEV_WEBHOOK_SECRETS_KEY, secretBox, type SecretBox } from '../../lib/webhooks/secret-box.js';
import { postWebhook } from '../../lib/webhooks/send.js';
import { resolveTarget, TargetRefused, urlProblem } from '../../lib/webhooks/targets.js';
import { wakeEndpointWorkflow } from '../../lib/webhooks/workflow.js';
import { wakeSignal, webhookEndpointWorkflowId } from '../../workflows/webhook-delivery/contract.js';
import { withTemporalDeadline, type AppDeps } from '../deps.js';
import { ApiError, notFound } from '../errors.js';
import type { Actor } from '../http/route.js';
import { tenantScope } from '../http/scope.js';

/** Seals and opens the endpoints' secrets with the API's WEBHOOK_SECRETS_KEY. */
export const endpointSecretBox = (deps: AppDeps): SecretBox =>
  secretBox(deps.webhookSecretsKey ?? DEV_WEBHOOK_SECRETS_KEY);

/** An endpoint as the API shows it: never its secrets. */
export const presentEndpoint = (e: WebhookEndpoint) => ({
  id: e.id,
  officeId: e.officeId,
  url: e.url,
  eventTypes: e.eventTypes,
  enabled: e.enabled,
  description: e.description,
  disabledReason: e.disabledReason,
  disabledAt: e.disabledAt?.toISOString() ?? null,
  previousSecretExpiresAt:
    e.previousSecretExpiresAt && e.previousSecretExpiresAt > new Date()
      ? e.previousSecretExpiresAt.toISOString()
      : null,
  createdAt: e.createdAt.toISOString(),
  updatedAt: e.updatedAt.toISOString(),
});

/** The endpoint `id` if the actor may see it (an accountant: their office's), else 404. */
export async function findEndpoint(deps: AppDeps, actor: Actor, id: string): Promise<WebhookEndpoint> {
  const endpoint = await deps.prisma.webhookEndpoint.findFirst({
    where: { id, ...tenantScope(actor).webhookEndpoint },
  });
  if (!endpoint) throw notFound('webhook endpoint');
  return endpoint;
}

const refusedTarget = (message: string) =>
  new ApiError(422, 'webhook_target_refused', `url: ${message}`, { errors: [{ in: 'body', path: 'url', message }] });

/**
 * Refuses a URL the delivery would refuse: credentials in it; in production anything but https,
 * and a host that resolves to a loopback, private, link-local or reserved address (checked again at
 * every attempt: a name may resolve elsewhere later).
 */
export async function checkTarget(deps: AppDeps, url: string): Promise<void> {
  const policy = deps.webhookTargetPolicy ?? { publicOnly: false };
  const parsed = new URL(url);
  const problem = urlProblem(parsed, policy);
  if (problem) throw refusedTarget(problem);
  if (!policy.publicOnly) return;
  try {
    await resolveTarget(parsed, policy);
  } catch (error) {
    if (error instanceof TargetRefused) throw refusedTarget(error.message);
    throw error;
  }
}

/**
 * Wakes (or starts) the endpoint's delivery workflow. When Temporal does not answer, the change is
 * kept: the workflow sees it at its next look, and an endpoint never started is started by the
 * next worker boot.
 */
export async function wakeDelivery(deps: AppDeps, endpointId: string, eventIds?: string[]): Promise<boolean> {
  try {
    await withTemporalDeadline(deps, () =>
      wakeEndpointWorkflow(
        { temporal: deps.temporal, taskQueue: deps.taskQueue, prisma: deps.prisma },
        endpointId,
        eventIds,
      ),
    );
    return true;
  } catch (error) {
    deps.logger.warn({ endpointId, err: { message: (error as Error).message } }, 'webhook delivery workflow not woken');
    return false;
  }
}

/** Tells a deleted endpoint's workflow to look (and end); nothing to do if it does not run. */
export async function endDelivery(deps: AppDeps, endpointId: string): Promise<void> {
  try {
    await withTemporalDeadline(deps, () =>
      deps.temporal.workflow.getHandle(webhookEndpointWorkflowId(endpointId)).signal(wakeSignal),
    );
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return;
    deps.logger.warn({ endpointId, err: { message: (error as Error).message } }, 'webhook delivery workflow not told');
  }
}

/** The events whose last attempt since `since` failed (delivered again by `failedSince`). */
export async function failedSince(deps: AppDeps, endpointId: string, since: Date): Promise<string[]> {
  const rows = await deps.prisma.webhookDelivery.findMany({
    where: { endpointId, createdAt: { gte: since }, eventType: { not: TEST_EVENT_TYPE } },
    orderBy: { id: 'asc' },
    select: { eventId: true, status: true },
    take: 50_000,
  });
  const last = new Map<string, string>();
  for (const row of rows) last.set(row.eventId, row.status);
  return [...last].filter(([, status]) => status !== 'delivered').map(([eventId]) => eventId);
}

/** The test event's type: not in the catalogue, never in the feed. */
export const TEST_EVENT_TYPE = 'webhook.test';

/** Sends a test event to the endpoint now, signed like every delivery, and records the attempt. */
export async function sendTestEvent(deps: AppDeps, endpoint: WebhookEndpoint) {
  const id = uuidv7();
  const event = {
    id,
    type: TEST_EVENT_TYPE,
    occurredAt: new Date().toISOString(),
    officeId: endpoint.officeId,
    journey: null,
    subject: { type: 'webhook_endpoint', id: endpoint.id },
    caseId: null,
    clientId: null,
    sequence: 1,
    status: null,
    data: { test: true },
    cursor: null,
  };
  const outcome = await postWebhook({
    url: endpoint.url,
    msgId: id,
    body: JSON.stringify(event),
    secrets: activeSecrets(endpoint, endpointSecretBox(deps)),
    timeoutMs: 8_000,
    policy: deps.webhookTargetPolicy ?? { publicOnly: false },
  });
  await deps.prisma.webhookDelivery.create({
    data: { endpointId: endpoint.id, eventId: id, eventType: TEST_EVENT_TYPE, attempt: 1, ...outcome },
  });
  return { eventId: id, ...outcome };
}
