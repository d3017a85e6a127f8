import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ResendSender } from '../../activities/email/resend-sender.js';
import { startFakeResend, validationError, type FakeResend } from '../email/fake-resend.js';
import { startTestStack, type TestStack } from '../helpers/stack.js';
import { createTimeSkippingEnv } from '../helpers/temporal.js';
import { waitFor } from '../helpers/wait.js';

// The real resend SDK against a local fake Resend: a refused address during an accountant's
// action is a clear 422, never a 500.
let temporal: TestWorkflowEnvironment;
let stack: TestStack;
let resend: FakeResend;

beforeAll(async () => {
  temporal = await createTimeSkippingEnv();
  resend = await startFakeResend();
  stack = await startTestStack(temporal, {
    email: new ResendSender({
      apiKey: resend.apiKey,
      from: 'Bankfeed <no-reply@bankfeed.example>',
      baseUrl: resend.url,
    }),
  });
});
afterAll(async () => {
  await stack?.stop();
  await resend?.close();
  await temporal?.teardown();
});

describe('CARO reactivation with an address the e-mail provider refuses', () => {
  it('answers 422 email_rejected with the provider’s reason', async () => {
    const officeId = (
      await stack.http('POST', '/v1/offices', {
        name: 'Fiduciaire Dupont',
        language: 'fr',
        contactEmail: 'office@example.be',
      })
    ).body.id;
    const clientId = (
      await stack.http('POST', '/v1/clients', {
        officeId,
        companyName: 'Garage Martin SRL',
        clientCode: `C-${randomUUID()}`,
        language: 'fr',
      })
    ).body.id;
    const bankAccountId = (
      await stack.http('POST', `/v1/clients/${clientId}/bank-accounts`, { iban: 'BE35 3101 2345 6737' })
    ).body.id;
    const ordered = await stack.http('POST', '/v1/caro-orders', {
      orders: [
        {
          clientId,
          bankAccountId,
          clientReference: `REF-${randomUUID().slice(0, 8)}`,
          cardholderEmail: 'holder@example.be',
          cardholderLanguage: 'nl',
        },
      ],
    });
    expect(ordered.status).toBe(202);
    const id = ordered.body.data[0].id as string;
    await waitFor(async () => (resend.messages.length === 1 ? true : undefined), 'the invitation');
    expect((await stack.http('POST', `/v1/caro-orders/${id}/cancel`)).status).toBe(202);

    resend.script(
      validationError('Invalid `to` field. The email address needs to follow the `email@example.com` format.'),
    );
    const res = await stack.http('POST', `/v1/caro-orders/${id}/reactivate`, { cardholderEmail: 'typo@example.be' });
    expect(res.status, JSON.stringify(res.body)).toBe(422);
    expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(res.body).toMatchObject({ code: 'email_rejected', detail: expect.stringMatching(/Invalid `to` field/) });
  });

  it('cancels an order whose run FAILED on a refused invitation, purging the address everywhere', async () => {
    const officeId = (
      await stack.http('POST', '/v1/offices', {
        name: 'Fiduciaire Martin',
        language: 'nl',
        contactEmail: 'office2@example.be',
      })
    ).body.id;
    const clientId = (
      await stack.http('POST', '/v1/clients', {
        officeId,
        companyName: 'Bakkerij Peeters',
        clientCode: `C-${randomUUID()}`,
        language: 'nl',
      })
    ).body.id;
    const bankAccountId = (
      await stack.http('POST', `/v1/clients/${clientId}/bank-accounts`, { iban: 'BE35 3101 2345 6737' })
    ).body.id;
    resend.script(validationError('The `to` address is on the suppression list.'));
    const ordered = await stack.http('POST', '/v1/caro-orders', {
      orders: [
        {
          clientId,
          bankAccountId,
          clientReference: `REF-${randomUUID().slice(0, 8)}`,
          cardholderEmail: 'bounced@example.be',
          cardholderLanguage: 'nl',
        },
      ],
    });
    const id = ordered.body.data[0].id as string;
    await waitFor(
      async () =>
        (await stack.http('GET', `/v1/caro-orders/${id}/workflow`)).body.status === 'FAILED' ? true : undefined,
      'the run to fail',
    );

    await temporal.sleep(20 * 86_400_000); // reminder 1 of the failed run would be due
    const cancelled = await stack.http('POST', `/v1/caro-orders/${id}/cancel`);
    expect(cancelled.status, JSON.stringify(cancelled.body)).toBe(202);
    expect(cancelled.body).toMatchObject({ status: 'cancelled', cardholderEmail: null });
    const row = await stack.db.prisma.caroOrder.findUniqueOrThrow({ where: { id } });
    expect(row).toMatchObject({ status: 'cancelled', cardholderEmail: null });
    const outbox = await stack.db.prisma.emailOutbox.findMany({ where: { caseType: 'caro', caseId: id } });
    expect(outbox.length).toBeGreaterThan(0);
    expect(outbox.map((m) => m.toAddress)).toEqual(outbox.map(() => null));
    expect(outbox.map((m) => m.template)).not.toContain('caro.reminder');

    // The cancel went through the workflow (started again from the failed run's state), which
    // owns the order again: its mirror carries the version, support has nothing to replay, and
    // the order can be reactivated.
    expect(row.stateVersion).toBe(2);
    const shown = (await stack.http('GET', `/v1/caro-orders/${id}`)).body;
    expect((await stack.http('GET', `/v1/caro-orders/${id}/workflow`)).body.status).toBe('RUNNING');
    expect(shown.history.map((t: { event: string }) => t.event)).toEqual(['ordered', 'cancelled']);
    const dryRun = await stack.http('POST', `/v1/caro-orders/${id}/replay`, { dryRun: true });
    expect(dryRun.body).toMatchObject({ replayed: [], skipped: [{ why: 'nothing failed: the order is cancelled' }] });
    const reactivated = await stack.http('POST', `/v1/caro-orders/${id}/reactivate`, {
      cardholderEmail: 'fixed@example.be',
    });
    expect(reactivated.status, JSON.stringify(reactivated.body)).toBe(202);
    expect(reactivated.body).toMatchObject({ status: 'invitation_sent', linkVersion: 2 });
  });
});
