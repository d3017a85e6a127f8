import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../api/app.js';
import { BODY_LIMIT_BYTES } from '../../api/http/body-limit.js';
import { listen, type RunningServer } from '../../api/server.js';
import { createApiKey } from '../../lib/auth/key-store.js';
import { DEFAULT_CONSENT_SCHEDULE } from '../../workflows/consent-renewal/contract.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { expectDeclaredResponse } from '../helpers/schemas.js';
import { silentLogger, startTestStack, TEST_WEBHOOK_SECRETS, type TestStack } from '../helpers/stack.js';
import { createTimeSkippingEnv, deadTemporalClient } from '../helpers/temporal.js';

let temporal: TestWorkflowEnvironment;
let stack: TestStack;

beforeAll(async () => {
  temporal = await createTimeSkippingEnv();
  stack = await startTestStack(temporal, { rateLimitPerMinute: 5 });
});
afterAll(async () => {
  await stack?.stop();
  await temporal?.teardown();
});

describe('limits', () => {
  it('answers 429 with Retry-After once a key has used its budget, other keys unaffected', async () => {
    const key = await stack.key('support');
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await stack.http('GET', '/v1/offices', undefined, { key })).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    const limited = await stack.http('GET', '/v1/offices', undefined, { key });
    expect(limited.body).toMatchObject({ code: 'rate_limited' });
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect((await stack.http('GET', '/v1/offices', undefined, { key: await stack.key('support') })).status).toBe(200);
  });

  it('refuses a body over 100 kB with 413 problem+json', async () => {
    const res = await stack.http(
      'POST',
      '/v1/offices',
      { name: 'x'.repeat(200_000), language: 'fr', contactEmail: 'a@example.be' },
      { key: await stack.key('operator') },
    );
    expect(res.status).toBe(413);
    expect(res.body).toMatchObject({ code: 'body_too_large' });
  });

  it('holds webhooks to the same 100 kB the README states: just over is a 413, just under is read', async () => {
    const body = (size: number) => {
      const event = { eventId: `evt-${size}`, type: 'mandate.signed', occurredAt: '2026-11-24T10:00:00Z' };
      const bare = JSON.stringify({ ...event, data: { mandateId: '01234567-0123-4123-8123-0123456789ab', pad: '' } });
      return bare.replace('"pad":""', `"pad":"${'x'.repeat(size - bare.length)}"`);
    };
    expect(body(BODY_LIMIT_BYTES)).toHaveLength(100 * 1024);
    const over = await stack.webhook('esign', body(BODY_LIMIT_BYTES + 1));
    expect(over.status).toBe(413);
    expect(over.body).toMatchObject({ code: 'body_too_large' });
    // At the limit the body is read: the event is looked at (an unknown mandate), not refused for its size.
    const at = await stack.webhook('esign', body(BODY_LIMIT_BYTES));
    expect(at.body).toMatchObject({ code: 'unknown_mandate' });
  });
});

describe('Temporal down', () => {
  let db: TestDatabase;
  let server: RunningServer;
  let key: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    const client = await deadTemporalClient();
    server = await listen(
      createApp({
        temporal: client,
        prisma: db.prisma,
        logger: silentLogger,
        taskQueue: 'q',
        temporalTimeoutMs: 500,
        consentSchedule: DEFAULT_CONSENT_SCHEDULE,
        webhookSecrets: TEST_WEBHOOK_SECRETS,
      }),
      { port: 0, host: '127.0.0.1', logger: silentLogger, shutdownTimeoutMs: 100 },
    );
    key = (await createApiKey(db.prisma, { name: 'op', role: 'operator' })).key;
  });
  afterAll(async () => {
    await server?.close();
    await db?.stop();
  });

  it('answers a connection within the deadline: kept, pending_start, the reconciler will start it', async () => {
    const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
    const office = (await (
      await fetch(`${server.url}/v1/offices`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ name: 'O', language: 'fr', contactEmail: 'o@example.be' }),
      })
    ).json()) as { id: string };
    const started = Date.now();
    const res = await fetch(`${server.url}/v1/connections`, {
      method: 'POST',
      headers,
      body: JSON.stringify({
        officeId: office.id,
        provider: 'ponto',
        ownerLanguage: 'fr',
        ibans: ['BE68539007547034'],
        validUntil: new Date(Date.now() + 86_400_000 * 30).toISOString(),
      }),
    });
    // The start may or may not have reached Temporal: an unknown outcome is not a refusal.
    expect(res.status).toBe(202);
    const body = (await res.json()) as { id: string; outcome: string; workflowId: string };
    expect(body).toMatchObject({ outcome: 'pending_start' });
    expectDeclaredResponse('createConnection', 202, body);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(await db.prisma.connection.findUnique({ where: { id: body.id } })).not.toBeNull();
    expect(await db.prisma.pendingStart.findMany({ where: { caseId: body.id } })).toMatchObject([
      { caseType: 'connection', workflowId: body.workflowId, workflowType: 'consentRenewalWorkflow' },
    ]);
  });

  it('keeps ordered mandates and CARO orders when Temporal is down: pending_start, never deleted', async () => {
    const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
    const post = async (path: string, body: unknown) => {
      const res = await fetch(`${server.url}${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
      return { status: res.status, body: (await res.json()) as any };
    };
    const office = await post('/v1/offices', { name: 'O', language: 'fr', contactEmail: 'o@example.be' });
    const client = await post('/v1/clients', {
      officeId: office.body.id,
      companyName: 'C',
      clientCode: 'C-1',
      email: 'c@example.be',
      language: 'fr',
    });
    const account = await post(`/v1/clients/${client.body.id}/bank-accounts`, { iban: 'BE35 3101 2345 6737' });
    const mandate = await post('/v1/mandates', { bankAccountIds: [account.body.id], managementMode: 'service' });
    expect(mandate).toMatchObject({ status: 202, body: { data: [{ outcome: 'pending_start' }], refused: [] } });
    expectDeclaredResponse('orderMandates', 202, mandate.body);
    // The order is kept with its pending start: the reconciler (or the next order) starts its workflow.
    const kept = await db.prisma.mandate.findMany({ where: { bankAccountId: account.body.id } });
    expect(kept).toMatchObject([{ status: 'registered' }]);
    expect(await db.prisma.pendingStart.count({ where: { caseType: 'mandate', caseId: kept[0]!.id } })).toBe(1);
    const caro = await post('/v1/caro-orders', {
      orders: [
        {
          clientId: client.body.id,
          bankAccountId: account.body.id,
          clientReference: 'REF-1',
          cardholderEmail: 'h@example.be',
          cardholderLanguage: 'fr',
        },
      ],
    });
    expect(caro).toMatchObject({
      status: 202,
      body: { data: [{ clientReference: 'REF-1', outcome: 'pending_start' }], refused: [] },
    });
    expectDeclaredResponse('createCaroOrders', 202, caro.body);
    expect(await db.prisma.caroOrder.count()).toBe(1);
    expect(await db.prisma.pendingStart.count({ where: { caseType: 'caro', caseId: caro.body.data[0].id } })).toBe(1);
  });
});
