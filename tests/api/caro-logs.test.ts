import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../helpers/stack.js';
import { createTimeSkippingEnv } from '../helpers/temporal.js';
import { waitFor } from '../helpers/wait.js';

// What the API and the worker log along a whole CARO case: ids, never the cardholder's address,
// the activation link or its token, nor a card number someone tried to send.
let temporal: TestWorkflowEnvironment;
let stack: TestStack;
const lines: string[] = [];

beforeAll(async () => {
  temporal = await createTimeSkippingEnv();
  stack = await startTestStack(temporal, {
    logger: pino({ level: 'debug' }, { write: (line: string) => void lines.push(line) }),
  });
});
afterAll(async () => {
  await stack?.stop();
  await temporal?.teardown();
});

const event = (type: string, data: Record<string, unknown>) => ({
  eventId: `evt-${randomUUID()}`,
  type,
  occurredAt: new Date().toISOString(),
  data,
});

describe('CARO logs', () => {
  it('carry ids only: no cardholder address, no activation link or token, no card number', async () => {
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
        clientCode: 'G-1',
        language: 'fr',
      })
    ).body.id;
    const bankAccountId = (
      await stack.http('POST', `/v1/clients/${clientId}/bank-accounts`, { iban: 'BE68 5390 0754 7034' })
    ).body.id;
    const email = 'marker-holder@example.be';
    const refused = await stack.http('POST', '/v1/caro-orders', {
      orders: [
        {
          clientId,
          bankAccountId,
          clientReference: '4111 1111 1111 1111',
          cardholderEmail: email,
          cardholderLanguage: 'fr',
        },
      ],
    });
    expect(refused.status).toBe(400);
    const ordered = await stack.http('POST', '/v1/caro-orders', {
      orders: [
        { clientId, bankAccountId, clientReference: 'REF-LOG-1', cardholderEmail: email, cardholderLanguage: 'fr' },
      ],
    });
    const id = ordered.body.data[0].id as string;
    await waitFor(
      async () => ((await stack.db.prisma.emailOutbox.count({ where: { caseId: id } })) === 1 ? true : undefined),
      'the invitation',
    );
    const link = (await stack.http('POST', `/v1/caro-orders/${id}/activation-link`)).body.url as string;
    expect((await stack.http('GET', new URL(link).pathname, undefined, { key: null })).status).toBe(200);
    await stack.http('POST', `/v1/caro-orders/${id}/resend`);
    expect(
      (
        await stack.webhook(
          'caro',
          event('caro.activation_failed', { orderId: id, reason: 'debit_card', pan: '4111-1111-1111-1111' }),
        )
      ).status,
    ).toBe(400);
    await stack.webhook('caro', event('caro.activation_failed', { orderId: id, reason: 'debit_card' }));
    await stack.webhook('caro', event('caro.activated', { orderId: id }));
    await waitFor(
      async () =>
        (await stack.db.prisma.caroOrder.findUniqueOrThrow({ where: { id } })).cardholderEmail === null
          ? true
          : undefined,
      'activation and purge',
    );

    const log = lines.join('\n');
    expect(log).toContain(id);
    expect(log).toMatch(/CARO order active/);
    expect(log).not.toContain('marker-holder');
    expect(log).not.toContain('/l/v1.');
    expect(log).not.toContain(new URL(link).pathname.slice(3));
    // The card number in any grouping; not a bare "4111", which a uuid or a timestamp may contain.
    expect(log).not.toMatch(/4111[\s-]?1111[\s-]?1111[\s-]?1111/);
  });
});
