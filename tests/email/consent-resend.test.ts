import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listOutbox } from '../../lib/email/outbox.js';
import { ResendSender } from '../../activities/email/resend-sender.js';
import { createTimeSkippingEnv } from '../helpers/temporal.js';
import { startTestStack, type TestStack } from '../helpers/stack.js';
import { waitFor } from '../helpers/wait.js';
import { startFakeResend, validationError, type FakeResend } from './fake-resend.js';

const DAY = 86_400_000;
let temporal: TestWorkflowEnvironment;
let stack: TestStack;
let fake: FakeResend;

beforeAll(async () => {
  [temporal, fake] = await Promise.all([createTimeSkippingEnv(), startFakeResend()]);
  stack = await startTestStack(temporal, {
    email: new ResendSender({ apiKey: fake.apiKey, from: 'Bankfeed <no-reply@bankfeed.example>', baseUrl: fake.url }),
  });
});
afterAll(async () => {
  await stack?.stop();
  await temporal?.teardown();
  await fake?.close();
});

describe('consent journey with Resend (local fake): Temporal retries, the provider dedupes, rejections do not stop the journey', () => {
  it('a lost answer is retried without a second message; a rejected reminder shows on the case; the journey completes', async () => {
    // Call 1 (15-day reminder): accepted, answer lost. Call 2: its retry. Call 3 (3-day reminder): refused.
    fake.script('accept-then-drop');
    const now = (await temporal.currentTimeMs()) as number;
    const office = await stack.http('POST', '/v1/offices', {
      name: 'Fiduciaire Dupont',
      language: 'fr',
      contactEmail: 'office@example.be',
    });
    const created = await stack.http('POST', '/v1/connections', {
      officeId: office.body.id,
      provider: 'ponto',
      ownerEmail: 'owner@example.be',
      ownerLanguage: 'en',
      ibans: ['BE68 5390 0754 7034'],
      validUntil: new Date(now + 20 * DAY).toISOString(),
    });
    expect(created.status).toBe(202);
    const id = created.body.id as string;

    await temporal.sleep(6 * DAY); // past the 15-day reminder, and its retry
    const first = await waitFor(async () => {
      const rows = await stack.db.prisma.emailOutbox.findMany({ where: { caseId: id, status: 'sent' } });
      return rows[0];
    }, 'the 15-day reminder, after its retry');
    expect(fake.requests).toHaveLength(2);
    expect(fake.requests[1]!.idempotencyKey).toBe(first.idempotencyKey);
    expect(fake.requests[1]!.body).toEqual(fake.requests[0]!.body);
    expect(fake.messages).toHaveLength(1);
    expect(first.providerMessageId).toBe(fake.messages[0]!.id);

    fake.script(validationError('The `to` address is not valid.'));
    await temporal.sleep(15 * DAY); // past the deadline
    await waitFor(async () => {
      const res = await stack.http('GET', `/v1/connections/${id}/workflow`);
      return res.body.status === 'COMPLETED' ? res : undefined;
    }, 'the workflow to complete');

    const { items } = await listOutbox(stack.db.prisma, { caseType: 'connection', caseId: id, limit: 10 });
    expect(items.map((m) => [m.idempotencyKey.replace(/^.*\//, ''), m.status, m.error]).reverse()).toEqual([
      ['15', 'sent', null],
      ['3', 'rejected', 'validation_error: The `to` address is not valid.'],
      ['1', 'sent', null],
      ['owner', 'sent', null],
      ['office', 'sent', null],
    ]);
    expect(fake.messages.map((m) => m.body.to)).toEqual([
      'owner@example.be',
      'owner@example.be',
      'owner@example.be',
      'office@example.be',
    ]);
    const reminders = await stack.db.prisma.reminderSent.findMany({
      where: { caseId: id },
      orderBy: { sentAt: 'asc' },
    });
    expect(reminders.map((r) => r.sequence)).toEqual([15, 1]);
  });
});
