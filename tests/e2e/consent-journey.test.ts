import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { detailWithWorkflow } from '../helpers/cases.js';
import { createTimeSkippingEnv } from '../helpers/temporal.js';
import { startTestStack, type TestStack } from '../helpers/stack.js';
import { expectDeclaredResponse } from '../helpers/schemas.js';
import { waitFor } from '../helpers/wait.js';

const DAY = 86_400_000;
let temporal: TestWorkflowEnvironment;
let stack: TestStack;

beforeAll(async () => {
  temporal = await createTimeSkippingEnv();
  stack = await startTestStack(temporal);
});
afterAll(async () => {
  await stack?.stop();
  await temporal?.teardown();
});

/** `ownerEmail: null` registers a connection whose owner has no address. */
async function registerConnection(validUntil: Date, ownerEmail: string | null = 'owner@example.be') {
  const office = await stack.http('POST', '/v1/offices', {
    name: 'Fiduciaire Dupont',
    language: 'fr',
    contactEmail: 'office@example.be',
  });
  expect(office.status).toBe(201);
  const created = await stack.http('POST', '/v1/connections', {
    officeId: office.body.id,
    provider: 'ponto',
    ...(ownerEmail === null ? {} : { ownerEmail }),
    ownerLanguage: 'nl',
    ibans: ['BE68 5390 0754 7034'],
    validUntil: validUntil.toISOString(),
  });
  expect(created.status).toBe(202);
  expect(created.headers.get('location')).toBe(`/v1/connections/${created.body.id}`);
  return created.body as { id: string; workflowId: string };
}

describe('consent journey through the HTTP API, the real worker and a real Temporal server', () => {
  it('starts a workflow over HTTP, reminds on schedule, and completes with the connection expired', async () => {
    const now = (await temporal.currentTimeMs()) as number;
    const connection = await registerConnection(new Date(now + 20 * DAY));
    expect(connection.workflowId).toBe(`connection:${connection.id}`);

    const running = await detailWithWorkflow(stack, `/v1/connections/${connection.id}`);
    expect(running.status).toBe(200);
    expect(running.body).toMatchObject({
      status: 'connected',
      action: 'none',
      workflow: { status: 'RUNNING', state: { phase: 'waiting' } },
    });
    expect(running.body.workflow.state.nextStep).toMatchObject({ kind: 'reminder', daysBefore: 15 });

    await temporal.sleep(6 * DAY); // past the 15-day reminder
    const first = await waitFor(async () => {
      const rows = await stack.db.prisma.emailOutbox.findMany({ where: { caseId: connection.id } });
      return rows.length === 1 ? rows[0] : undefined;
    }, 'the 15-day reminder');
    // No RESEND_API_KEY in tests: the development outbox is the delivery.
    expect(first).toMatchObject({
      template: 'consent.reminder',
      language: 'nl',
      toAddress: 'owner@example.be',
      status: 'sent',
      providerMessageId: null,
    });
    expect(first!.idempotencyKey).toMatch(new RegExp(`^connection:${connection.id}/.+/reminder/15$`));
    expect(first!.subject).toBe('Uw bankkoppeling verloopt over 15 dagen');
    expect(first!.text).toMatch(/geldig tot \d{1,2} \p{L}+ \d{4}/u);
    const soon = await stack.http('GET', `/v1/connections/${connection.id}`);
    expect(soon.body).toMatchObject({ status: 'expires_soon', action: 'renew the consent' });

    await temporal.sleep(15 * DAY); // past the deadline
    const done = await waitFor(async () => {
      const res = await detailWithWorkflow(stack, `/v1/connections/${connection.id}`);
      return res.body.workflow.status === 'COMPLETED' ? res : undefined;
    }, 'the workflow to complete');
    expect(done.body).toMatchObject({
      status: 'expired',
      action: 'renew the consent at the bank',
      workflow: { state: null },
    });

    // What an operator lists for this case through the API: newest first, every message of the run, no HTML.
    const outbox = await stack.http('GET', `/v1/outbox?caseType=connection&caseId=${connection.id}`);
    expect(outbox.status).toBe(200);
    const items = outbox.body.data as {
      template: string;
      language: string;
      status: string;
      idempotencyKey: string;
      subject: string;
    }[];
    expect(items.map((m) => [m.template, m.language, m.status]).reverse()).toEqual([
      ['consent.reminder', 'nl', 'sent'],
      ['consent.reminder', 'nl', 'sent'],
      ['consent.reminder', 'nl', 'sent'],
      ['consent.expired.owner', 'nl', 'sent'],
      ['consent.expired.office', 'fr', 'sent'],
    ]);
    expect(items.map((m) => m.idempotencyKey.replace(/^.*\//, '')).reverse()).toEqual([
      '15',
      '3',
      '1',
      'owner',
      'office',
    ]);
    expect(items[0]).not.toHaveProperty('html');
    expect(items[0]!.subject).toBe('Connexion bancaire expirée : BE68 •••• •••• 7034');
    const reminders = await stack.db.prisma.reminderSent.findMany({
      where: { caseId: connection.id },
      orderBy: { sentAt: 'asc' },
    });
    expect(reminders.map((r) => r.sequence)).toEqual([15, 3, 1]);
  });

  it('shows on the case the e-mail that did not go out: no address, or rejected by the provider', async () => {
    const now = (await temporal.currentTimeMs()) as number;
    const connection = await registerConnection(new Date(now + 20 * DAY), null);
    await temporal.sleep(6 * DAY); // past the 15-day reminder, which has nobody to go to
    const flagged = await waitFor(async () => {
      const res = await stack.http('GET', `/v1/connections/${connection.id}`);
      return res.body.emailProblems?.length ? res.body : undefined;
    }, 'the missing recipient to show on the case');
    expect(flagged.emailProblems).toEqual([
      {
        template: 'consent.reminder',
        problem: 'missing_recipient',
        reason: 'no e-mail address on file',
        at: expect.any(String),
      },
    ]);
    expect((await stack.http('GET', `/v1/connections/${connection.id}/workflow`)).body.status).toBe('RUNNING');

    // What a provider refusal leaves behind (the Resend path itself is tested in tests/email).
    await stack.db.prisma.emailOutbox.create({
      data: {
        idempotencyKey: `${connection.workflowId}/manual`,
        template: 'consent.expired.office',
        language: 'fr',
        toAddress: 'office@example.be',
        subject: 's',
        html: 'h',
        text: 't',
        status: 'rejected',
        error: 'invalid_to_address: The to field is invalid',
        caseType: 'connection',
        caseId: connection.id,
      },
    });
    const res = await stack.http('GET', `/v1/connections/${connection.id}`);
    expect(res.body.emailProblems).toContainEqual({
      template: 'consent.expired.office',
      problem: 'rejected',
      reason: 'invalid_to_address: The to field is invalid',
      at: expect.any(String),
    });
    expectDeclaredResponse('getConnection', 200, res.body);
  });

  it('answers 4xx with the offending field and writes nothing for bad input', async () => {
    const before = await stack.db.prisma.connection.count();
    const bad = await stack.http('POST', '/v1/connections', {
      officeId: 'nope',
      ownerLanguage: 'xx',
      ibans: ['BE00 0000 0000 0000'],
      validUntil: 'tomorrow',
    });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(bad.body.errors.map((e: { path: string }) => e.path)).toEqual(
      expect.arrayContaining(['officeId', 'ownerLanguage', 'ibans.0', 'validUntil', 'provider']),
    );
    const malformed = await stack.http('POST', '/v1/connections', '{"officeId": ');
    expect(malformed).toMatchObject({ status: 400, body: { code: 'malformed_body' } });
    const missing = await stack.http('GET', '/v1/connections/0193a8a4-0000-7000-8000-000000000000');
    expect(missing.status).toBe(404);
    expect(await stack.db.prisma.connection.count()).toBe(before);
  });
});
