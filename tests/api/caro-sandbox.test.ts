import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../helpers/stack.js';
import { createTimeSkippingEnv } from '../helpers/temporal.js';
import { waitFor } from '../helpers/wait.js';

// The development sandbox plays the cardholder at the CARO provider: each outcome goes through
// the real signed webhook into the order's workflow.
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

const cardholder = (orderId: string, type: string, data: Record<string, unknown> = {}, eventId?: string) =>
  stack.http('POST', '/v1/sandbox/webhooks/caro', {
    type,
    data: { orderId, ...data },
    occurredAt: '2027-03-15T10:00:00Z',
    ...(eventId ? { eventId } : {}),
  });
const status = (id: string, wanted: string) =>
  waitFor(async () => {
    const res = await stack.http('GET', `/v1/caro-orders/${id}`);
    return res.body.history.at(-1)?.to === wanted && res.body.status === wanted ? res.body : undefined;
  }, `order ${wanted}`);

describe('CARO through the development sandbox', () => {
  it('the cardholder fails with a debit card, retries with the credit card, and the order ends active', async () => {
    const officeId = (
      await stack.http('POST', '/v1/offices', {
        name: 'Kantoor Peeters',
        language: 'nl',
        contactEmail: 'kantoor@example.be',
      })
    ).body.id;
    const clientId = (
      await stack.http('POST', '/v1/clients', {
        officeId,
        companyName: 'Bakkerij Janssens BV',
        clientCode: 'BJ-1',
        language: 'nl',
      })
    ).body.id;
    const bankAccountId = (
      await stack.http('POST', `/v1/clients/${clientId}/bank-accounts`, { iban: 'BE68 5390 0754 7034' })
    ).body.id;
    const ordered = await stack.http('POST', '/v1/caro-orders', {
      orders: [
        {
          clientId,
          bankAccountId,
          clientReference: '4-0012345-67',
          cardholderEmail: 'holder@example.be',
          cardholderLanguage: 'nl',
        },
      ],
    });
    const id = ordered.body.data[0].id as string;

    const failed = await cardholder(id, 'caro.activation_failed', { reason: 'debit_card' });
    expect(failed.body.webhook).toEqual({ status: 202, body: { status: 'accepted', handled: true } });
    const problem = await status(id, 'problem');
    expect(problem).toMatchObject({
      problemReason: 'debit_card',
      guidance: { language: 'nl', title: 'debetkaart gebruikt' },
    });

    const eventId = `sandbox-${randomUUID()}`;
    expect((await cardholder(id, 'caro.activated', {}, eventId)).body.webhook.status).toBe(202);
    const active = await status(id, 'active');
    expect(active).toMatchObject({ statementsFrom: '2027-04-01T00:00:00.000Z', guidance: null });
    // The order reads active first; the confirmation then goes to the cardholder, and only then is the address purged.
    await waitFor(async () => {
      const res = await stack.http('GET', `/v1/caro-orders/${id}`);
      return res.body.cardholderEmail === null ? true : undefined;
    }, 'the address purged after the confirmation');
    expect((await cardholder(id, 'caro.activated', {}, eventId)).body.webhook).toEqual({
      status: 200,
      body: { status: 'duplicate' },
    });
    expect(
      (await cardholder(id, 'caro.activation_failed', { reason: 'technical_or_data_error' })).body.webhook.status,
    ).toBe(202);
    await temporal.sleep(60_000);
    const after = await stack.http('GET', `/v1/caro-orders/${id}`);
    expect(after.body.history.map((t: { event: string }) => t.event)).toEqual(['ordered', 'failed', 'activated']);
    // Refused by the sandbox itself, as every API body carrying a card number: nothing is forged or sent.
    expect((await cardholder(id, 'caro.activated', { card: '4111 1111 1111 1111' })).body).toMatchObject({
      status: 400,
      code: 'card_data_refused',
    });
  });
});
