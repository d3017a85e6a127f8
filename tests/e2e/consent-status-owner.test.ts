import { randomUUID } from 'node:crypto';
import type { temporal as proto } from '@temporalio/proto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConnectionActivities } from '../../activities/connections/activities.js';
import { createLinkBuilder } from '../../lib/links/links.js';
import { OutboxSender } from '../../activities/email/sender.js';
import { createLogger } from '../../lib/logger.js';
import { startTestStack, TEST_LINK_SECRET, TEST_PUBLIC_BASE_URL, type TestStack } from '../helpers/stack.js';
import { createTimeSkippingEnv } from '../helpers/temporal.js';
import { waitFor } from '../helpers/wait.js';

const DAY = 86_400_000;
let temporal: TestWorkflowEnvironment;
let stack: TestStack;
let officeId: string;

beforeAll(async () => {
  temporal = await createTimeSkippingEnv();
  stack = await startTestStack(temporal);
  officeId = (
    await stack.http('POST', '/v1/offices', {
      name: 'Fiduciaire Dupont',
      language: 'fr',
      contactEmail: 'office@example.be',
    })
  ).body.id;
});
afterAll(async () => {
  await stack?.stop();
  await temporal?.teardown();
});

async function register(days: number): Promise<{ id: string; workflowId: string }> {
  const now = (await temporal.currentTimeMs()) as number;
  const created = await stack.http('POST', '/v1/connections', {
    officeId,
    provider: 'ponto',
    ownerEmail: 'owner@example.be',
    ownerLanguage: 'nl',
    ibans: ['BE68539007547034'],
    validUntil: new Date(now + days * DAY).toISOString(),
  });
  expect(created.status).toBe(202);
  return created.body;
}

const row = (id: string) => stack.db.prisma.connection.findUniqueOrThrow({ where: { id } });
const report = (connectionId: string, status: string, eventId = `evt-${randomUUID()}`) =>
  stack.webhook('aggregator', {
    eventId,
    type: 'connection.status_changed',
    occurredAt: new Date().toISOString(),
    data: { connectionId, status },
  });
/** How many status changes the workflow asked its activity for, over all its runs (newest first, back to the first). */
async function statusActivities(workflowId: string): Promise<number> {
  let count = 0;
  let runId: string | undefined;
  do {
    const history: { events?: proto.api.history.v1.IHistoryEvent[] | null } = await temporal.client.workflow
      .getHandle(workflowId, runId)
      .fetchHistory();
    const events = history.events ?? [];
    count += events.filter(
      (e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'applyConnectionStatus',
    ).length;
    runId = events[0]?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId ?? undefined;
  } while (runId);
  return count;
}

describe('the connection status is written by the consent workflow only', () => {
  it('applies a status reported while the workflow runs, through its activity, with a rising version', async () => {
    const { id, workflowId } = await register(60);
    expect(await row(id)).toMatchObject({ status: 'connected', statusVersion: 0 });

    const sent = await report(id, 'access_lost');
    expect(sent.status).toBe(202);
    expect(await row(id)).toMatchObject({ status: 'access_lost', statusVersion: 1 });
    expect(await statusActivities(workflowId)).toBe(1);

    const journal = await report(id, 'journal_missing');
    expect(journal.status).toBe(202);
    const created = await stack.http('POST', `/v1/connections/${id}/journal-created`);
    expect(created.body).toMatchObject({ status: 'connected', action: 'none' });
    expect(await row(id)).toMatchObject({ status: 'connected', statusVersion: 3 });
    expect(await statusActivities(workflowId)).toBe(3);
  });

  it('changes nothing for a repeated event, and nothing that does not apply to the current status', async () => {
    const { id, workflowId } = await register(60);
    const eventId = `evt-${randomUUID()}`;
    expect((await report(id, 'no_authorised_iban', eventId)).status).toBe(202);
    expect((await report(id, 'no_authorised_iban', eventId)).status).toBe(200);
    expect(await row(id)).toMatchObject({ status: 'no_authorised_iban', statusVersion: 1 });
    expect(await statusActivities(workflowId)).toBe(1);

    // Not missing a journal: 409 as before, and the workflow is not even asked.
    const refused = await stack.http('POST', `/v1/connections/${id}/journal-created`);
    expect(refused.body).toMatchObject({ status: 409, code: 'journal_not_missing' });
    expect(await statusActivities(workflowId)).toBe(1);
  });

  it('lifts the deadline statuses on a renewal in the renewed run, and answers the status it sets', async () => {
    const { id, workflowId } = await register(60);
    expect((await report(id, 'no_authorised_iban')).status).toBe(202);
    const now = (await temporal.currentTimeMs()) as number;
    const renewed = await stack.http('POST', `/v1/connections/${id}/renewal`, {
      validUntil: new Date(now + 120 * DAY).toISOString(),
    });
    expect(renewed.status).toBe(202);
    expect(renewed.body).toMatchObject({ status: 'connected', action: 'none' });
    const mirrored = await waitFor(async () => {
      const current = await row(id);
      return current.statusVersion === 2 ? current : undefined;
    }, 'the renewed run to lift no_authorised_iban');
    expect(mirrored.status).toBe('connected');
    expect(await statusActivities(workflowId)).toBe(2);
  });

  it('keeps an expired consent expired when a status arrives after its workflow ended', async () => {
    const { id } = await register(2);
    await temporal.sleep(3 * DAY); // past the deadline: expired, the run ends
    await waitFor(async () => ((await row(id)).status === 'expired' ? true : undefined), 'the expiry');
    const before = await row(id);
    const late = await report(id, 'access_lost');
    expect(late.status).toBe(202);
    expect(await row(id)).toMatchObject({ status: 'expired', statusVersion: before.statusVersion });
    const audit = await stack.db.prisma.auditEvent.findFirst({
      where: { resourceId: id, action: 'webhook.aggregator.connection.status_changed' },
    });
    expect(audit?.details).toMatchObject({ status: 'access_lost', previous: 'expired', applied: false });
  });

  it('ignores a late attempt of an older change (the version guard)', async () => {
    const { id } = await register(60);
    expect((await report(id, 'access_lost')).status).toBe(202);
    expect((await report(id, 'journal_missing')).status).toBe(202);
    const activities = createConnectionActivities({
      prisma: stack.db.prisma,
      logger: createLogger({ service: 'test', level: 'silent' }),
      email: new OutboxSender(),
      links: createLinkBuilder({ publicBaseUrl: TEST_PUBLIC_BASE_URL, secret: TEST_LINK_SECRET }),
    });
    // The first report's attempt, arriving after the second one was stored.
    expect(
      await activities.applyConnectionStatus({
        connectionId: id,
        change: { kind: 'reported', status: 'access_lost' },
        soon: false,
        statusVersion: 1,
      }),
    ).toEqual({ applied: false, status: 'journal_missing' });
    expect(await row(id)).toMatchObject({ status: 'journal_missing', statusVersion: 2 });
  });
});
