import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consentScheduleFromEnv, loadApiEnv } from '../../api/env.js';
import { detailWithWorkflow } from '../helpers/cases.js';
import { startTestStack, type TestStack } from '../helpers/stack.js';
import { createTimeSkippingEnv } from '../helpers/temporal.js';
import { waitFor } from '../helpers/wait.js';

// CONSENT_REMINDERS_BEFORE in seconds, through the real API, worker, activities and outbox.
const DAY = 86_400_000;
let temporal: TestWorkflowEnvironment;
let stack: TestStack;

beforeAll(async () => {
  temporal = await createTimeSkippingEnv();
  const env = loadApiEnv({ DATABASE_URL: 'postgresql://unused@localhost/db', CONSENT_REMINDERS_BEFORE: '1d,30s' });
  stack = await startTestStack(temporal, { consentSchedule: consentScheduleFromEnv(env) });
});
afterAll(async () => {
  await stack?.stop();
  await temporal?.teardown();
});

describe('consent reminders given in seconds', () => {
  it('goes out under its own key, says "30 seconds", and shows on the case beside the one given in days', async () => {
    const office = await stack.http('POST', '/v1/offices', {
      name: 'Fiduciaire Dupont',
      language: 'fr',
      contactEmail: 'office@example.be',
    });
    const validUntilMs = Math.ceil(((await temporal.currentTimeMs()) as number) / 1000) * 1000 + 3 * DAY;
    const validUntil = new Date(validUntilMs).toISOString();
    const created = await stack.http('POST', '/v1/connections', {
      officeId: office.body.id,
      provider: 'ponto',
      ownerEmail: 'owner@example.be',
      ownerLanguage: 'en',
      ibans: ['BE68 5390 0754 7034'],
      validUntil,
    });
    expect(created.status).toBe(202);
    const id = created.body.id as string;

    await temporal.sleep(4 * DAY); // past the deadline
    const detail = await waitFor(async () => {
      const res = await detailWithWorkflow(stack, `/v1/connections/${id}`);
      return res.body.workflow.status === 'COMPLETED' ? res.body : undefined;
    }, 'the workflow to complete');

    const outbox = await stack.db.prisma.emailOutbox.findMany({
      where: { caseType: 'connection', caseId: id, template: 'consent.reminder' },
      orderBy: { createdAt: 'asc' },
    });
    expect(outbox.map((m) => [m.idempotencyKey.replace(/^.*\//, ''), m.subject])).toEqual([
      ['1', 'Your bank connection expires in 1 day'],
      ['30000ms', 'Your bank connection expires in 30 seconds'],
    ]);
    const rows = await stack.db.prisma.reminderSent.findMany({ where: { caseId: id }, orderBy: { sentAt: 'asc' } });
    expect(rows.map((r) => [r.kind, r.sequence])).toEqual([
      [`consent:${validUntil}`, 1],
      [`consent-exact:${validUntil}`, 30],
    ]);
    expect(detail.reminders.map((r: { kind: string; daysBefore: number }) => [r.kind, r.daysBefore])).toEqual([
      ['scheduled', 1],
      ['scheduled', 1],
    ]);
  });
});
