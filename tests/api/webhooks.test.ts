import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../api/app.js';
import { listen, type RunningServer } from '../../api/server.js';
import { containsCardNumber } from '../../lib/card-data.js';
import { SIGNATURE_HEADER, signWebhook } from '../../api/webhooks/signature.js';
import { consentRenewalWorkflowId, DEFAULT_CONSENT_SCHEDULE } from '../../workflows/consent-renewal/contract.js';
import { startTestStack, TEST_WEBHOOK_SECRETS, type TestStack } from '../helpers/stack.js';
import { createTimeSkippingEnv, deadTemporalClient } from '../helpers/temporal.js';
import { waitFor } from '../helpers/wait.js';

const DAY = 86_400_000;
let temporal: TestWorkflowEnvironment;
let stack: TestStack;
/** A second API on the same database whose Temporal is a dead address; its log lines are kept. */
let down: RunningServer;
const downLogs: string[] = [];

beforeAll(async () => {
  temporal = await createTimeSkippingEnv();
  stack = await startTestStack(temporal);
  const client = await deadTemporalClient();
  const logger = pino({ level: 'debug' }, { write: (line: string) => void downLogs.push(line) });
  const app = createApp({
    temporal: client,
    prisma: stack.db.prisma,
    logger,
    taskQueue: 'q',
    temporalTimeoutMs: 500,
    consentSchedule: DEFAULT_CONSENT_SCHEDULE,
    webhookSecrets: TEST_WEBHOOK_SECRETS,
  });
  down = await listen(app, { port: 0, host: '127.0.0.1', logger, shutdownTimeoutMs: 100 });
});
afterAll(async () => {
  await down?.close();
  await stack?.stop();
  await temporal?.teardown();
});

const event = (type: string, data: Record<string, unknown>, eventId = `evt-${randomUUID()}`) => ({
  eventId,
  type,
  occurredAt: new Date().toISOString(),
  data,
});
const stored = (provider: string, eventId: string) =>
  stack.db.prisma.webhookEvent.count({ where: { provider, eventId } });
const webhookAudits = (resourceId: string) =>
  stack.db.prisma.auditEvent.findMany({ where: { resourceId, actorRole: 'webhook' }, orderBy: { at: 'asc' } });
const connectionRow = (id: string) => stack.db.prisma.connection.findUniqueOrThrow({ where: { id } });

/** Sends to the API whose Temporal is down, signed like the stack's helper does. */
async function postToDown(provider: string, body: unknown) {
  const raw = JSON.stringify(body);
  const res = await fetch(`${down.url}/v1/webhooks/${provider}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      [SIGNATURE_HEADER]: signWebhook(TEST_WEBHOOK_SECRETS.aggregator, raw, Math.floor(Date.now() / 1000)),
    },
    body: raw,
  });
  return { status: res.status, headers: res.headers, body: await res.json() };
}

function expectProblem(res: { status: number; headers: Headers; body: any }, status: number, code: string) {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(res.body).toMatchObject({ status, code });
}

let office: string | undefined;
async function registerConnection(validUntil = new Date(Date.now() + 40 * DAY)): Promise<string> {
  office ??= (
    await stack.http('POST', '/v1/offices', {
      name: 'Fiduciaire Dupont',
      language: 'fr',
      contactEmail: 'office@example.be',
    })
  ).body.id;
  const created = await stack.http('POST', '/v1/connections', {
    officeId: office,
    provider: 'ponto',
    ownerLanguage: 'fr',
    ibans: ['BE68539007547034'],
    validUntil: validUntil.toISOString(),
  });
  expect(created.status).toBe(202);
  return created.body.id;
}

/** A mandate in service mode for a new client and account of `iban`, with its running workflow. */
async function orderMandate(iban = 'BE68 5390 0754 7034'): Promise<string> {
  office ??= (
    await stack.http('POST', '/v1/offices', {
      name: 'Fiduciaire Dupont',
      language: 'fr',
      contactEmail: 'office@example.be',
    })
  ).body.id;
  const client = await stack.http('POST', '/v1/clients', {
    officeId: office,
    companyName: 'Brasserie SRL',
    clientCode: `C-${randomUUID()}`,
    email: 'client@example.be',
    language: 'fr',
  });
  const account = await stack.http('POST', `/v1/clients/${client.body.id}/bank-accounts`, { iban });
  const ordered = await stack.http('POST', '/v1/mandates', {
    bankAccountIds: [account.body.id],
    managementMode: 'service',
  });
  expect(ordered.status).toBe(202);
  return ordered.body.data[0].mandate.id;
}

const mandateStatus = async (id: string, status: string) =>
  waitFor(async () => {
    const res = await stack.http('GET', `/v1/mandates/${id}`);
    return res.body.status === status ? res.body : undefined;
  }, `mandate ${status}`);

describe('mandate reports from the e-signature provider and the bank', () => {
  it('moves the mandate through its workflow; a repeat is a no-op', async () => {
    const id = await orderMandate();
    await mandateStatus(id, 'sent_to_client');
    const signed = event('mandate.signed', { mandateId: id });
    expect(await stack.webhook('esign', signed)).toMatchObject({
      status: 202,
      body: { status: 'accepted', handled: true },
    });
    expect((await stack.webhook('esign', signed)).body).toEqual({ status: 'duplicate' });
    await mandateStatus(id, 'bank_processing');
    expect(await webhookAudits(id)).toMatchObject([
      {
        action: 'webhook.esign.mandate.signed',
        resourceType: 'mandate',
        details: { eventId: signed.eventId, report: 'signed' },
      },
    ]);
  });

  it('records a report about a mandate that has ended and changes nothing', async () => {
    const id = await orderMandate();
    await mandateStatus(id, 'sent_to_client');
    expect((await stack.http('POST', `/v1/mandates/${id}/archive`, { reason: 'client left' })).status).toBe(202);
    const late = await stack.webhook('esign', event('mandate.signed', { mandateId: id }));
    expect(late).toMatchObject({ status: 202, body: { handled: true } });
    expect((await webhookAudits(id)).at(-1)).toMatchObject({
      details: { report: 'signed', ignored: 'the mandate is archived' },
    });
    expect((await stack.http('GET', `/v1/mandates/${id}`)).body.status).toBe('archived');
  });

  it('refuses a report about an unknown mandate with 422 and stores nothing', async () => {
    const sent = event('bank.mandate_accepted', { mandateId: randomUUID() });
    expectProblem(await stack.webhook('banklink', sent), 422, 'unknown_mandate');
    expect(await stored('banklink', sent.eventId)).toBe(0);
  });
});

describe('webhook signature over HTTP', () => {
  it('accepts a validly signed event, acts on it once and audits it as the webhook', async () => {
    const id = await registerConnection();
    const sent = event('connection.status_changed', { connectionId: id, status: 'access_lost' });
    const res = await stack.webhook('aggregator', sent);
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ status: 'accepted', handled: true });
    expect(await stored('aggregator', sent.eventId)).toBe(1);
    expect((await connectionRow(id)).status).toBe('access_lost');
    expect(await webhookAudits(id)).toMatchObject([
      {
        actorRole: 'webhook',
        actorKeyId: null,
        action: 'webhook.aggregator.connection.status_changed',
        resourceType: 'connection',
        resourceId: id,
        details: { eventId: sent.eventId, status: 'access_lost' },
      },
    ]);
  });

  const now = () => Math.floor(Date.now() / 1000);
  it.each([
    ['a wrong secret', 'invalid_signature', () => ({ secret: 'not-the-aggregator-secret-0123456789abcdef' })],
    ["another provider's secret", 'invalid_signature', () => ({ secret: TEST_WEBHOOK_SECRETS.caro })],
    [
      'a tampered body',
      'invalid_signature',
      (signed: string) => ({ signedBody: signed.replace('access_lost', 'journal_missing') }),
    ],
    ['no header', 'invalid_signature', () => ({ signature: null })],
    ['a garbled header', 'invalid_signature', () => ({ signature: 'sha256=deadbeef' })],
    ['a timestamp 6 minutes old', 'signature_expired', () => ({ timestamp: now() - 360 })],
    ['a timestamp 6 minutes ahead', 'signature_expired', () => ({ timestamp: now() + 360 })],
  ])('refuses %s with 401 %s, storing and changing nothing', async (_, code, options) => {
    const id = await registerConnection();
    const sent = event('connection.status_changed', { connectionId: id, status: 'access_lost' });
    const res = await stack.webhook('aggregator', sent, options(JSON.stringify(sent)));
    expectProblem(res, 401, code);
    expect(await stored('aggregator', sent.eventId)).toBe(0);
    expect((await connectionRow(id)).status).toBe('connected');
    expect(await webhookAudits(id)).toEqual([]);
  });

  it('accepts a header with two v1 values (the provider rotating its secret)', async () => {
    const id = await registerConnection();
    const res = await stack.webhook(
      'aggregator',
      event('connection.status_changed', { connectionId: id, status: 'journal_missing' }),
      {
        secret: ['the-previous-aggregator-secret-0123456789ab', TEST_WEBHOOK_SECRETS.aggregator],
      },
    );
    expect(res.status).toBe(202);
  });
});

describe('webhook body', () => {
  it('answers malformed JSON with 400 malformed_body', async () => {
    const before = await stack.db.prisma.webhookEvent.count();
    expectProblem(await stack.webhook('aggregator', '{"eventId": "evt-x",'), 400, 'malformed_body');
    expect(await stack.db.prisma.webhookEvent.count()).toBe(before);
  });

  it('answers a schema failure with 400 naming the field', async () => {
    const id = await registerConnection();
    const bad = await stack.webhook(
      'aggregator',
      event('consent.renewed', { connectionId: id, validUntil: 'next year' }),
    );
    expectProblem(bad, 400, 'validation_failed');
    expect(bad.body.errors).toEqual([expect.objectContaining({ in: 'body', path: 'data.validUntil' })]);
    const noId = await stack.webhook('aggregator', {
      type: 'consent.renewed',
      occurredAt: new Date().toISOString(),
      data: {},
    });
    expectProblem(noId, 400, 'validation_failed');
    expect(noId.body.errors.map((e: { path: string }) => e.path)).toContain('eventId');
  });

  it('refuses what PostgreSQL cannot store or the parser cannot read, storing nothing', async () => {
    const before = await stack.db.prisma.webhookEvent.count();
    const nul = await stack.webhook(
      'esign',
      JSON.stringify(event('mandate.signed', { mandateId: randomUUID() })).replace(
        '"data":{',
        '"data":{"note":"a\\u0000b",',
      ),
    );
    expectProblem(nul, 400, 'validation_failed');
    expect(nul.body.errors[0].path).toBe('data.note');
    expectProblem(await stack.webhook('esign', '[]'), 400, 'validation_failed');
    expectProblem(await stack.webhook('esign', ''), 400, 'malformed_body');
    expectProblem(
      await stack.webhook(
        'esign',
        JSON.stringify(event('mandate.signed', { mandateId: randomUUID(), pad: 'x'.repeat(300_000) })),
      ),
      413,
      'body_too_large',
    );
    expect(await stack.db.prisma.webhookEvent.count()).toBe(before);
  });

  it('refuses a status only the workflow sets (expired, expires_soon)', async () => {
    const id = await registerConnection();
    for (const status of ['expired', 'expires_soon']) {
      const res = await stack.webhook('aggregator', event('connection.status_changed', { connectionId: id, status }));
      expectProblem(res, 400, 'validation_failed');
      expect(res.body.errors[0].path).toBe('data.status');
    }
  });

  it('answers an event type the provider does not send with 422, an unknown provider with 404', async () => {
    const sent = event('consent.revoked', { connectionId: randomUUID() });
    expectProblem(await stack.webhook('aggregator', sent), 422, 'unknown_event_type');
    expect(await stored('aggregator', sent.eventId)).toBe(0);
    expectProblem(
      await stack.webhook('esign', event('caro.activated', { orderId: randomUUID() })),
      422,
      'unknown_event_type',
    );
    expectProblem(
      await stack.webhook('paypal', event('mandate.signed', { mandateId: randomUUID() })),
      404,
      'unknown_provider',
    );
  });

  it('answers an unknown connection with 422 and keeps no event row, so that a retry is processed', async () => {
    const sent = event('consent.renewed', {
      connectionId: randomUUID(),
      validUntil: new Date(Date.now() + 90 * DAY).toISOString(),
    });
    expectProblem(await stack.webhook('aggregator', sent), 422, 'unknown_connection');
    expect(await stored('aggregator', sent.eventId)).toBe(0);
  });
});

describe('webhook de-duplication', () => {
  it('answers a repeat delivery with 200 duplicate and does not act on it again', async () => {
    const id = await registerConnection();
    const first = event('connection.status_changed', { connectionId: id, status: 'access_lost' });
    expect((await stack.webhook('aggregator', first)).status).toBe(202);
    expect(
      (
        await stack.webhook(
          'aggregator',
          event('connection.status_changed', { connectionId: id, status: 'journal_missing' }),
        )
      ).status,
    ).toBe(202);

    const again = await stack.webhook('aggregator', first);
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ status: 'duplicate' });
    expect((await connectionRow(id)).status).toBe('journal_missing');
    expect(await webhookAudits(id)).toHaveLength(2);
  });

  it('processes one of two simultaneous deliveries of the same event', async () => {
    const id = await registerConnection();
    const sent = event('connection.status_changed', { connectionId: id, status: 'no_authorised_iban' });
    const answers = await Promise.all([stack.webhook('aggregator', sent), stack.webhook('aggregator', sent)]);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 202]);
    expect(await webhookAudits(id)).toHaveLength(1);
  });

  it('keeps event ids apart per provider, down to the workflow', async () => {
    const eventId = `evt-${randomUUID()}`;
    const mandateId = await orderMandate();
    await mandateStatus(mandateId, 'sent_to_client');
    expect((await stack.webhook('esign', event('mandate.signed', { mandateId }, eventId))).status).toBe(202);
    expect((await stack.webhook('banklink', event('bank.mandate_accepted', { mandateId }, eventId))).status).toBe(202);
    await mandateStatus(mandateId, 'active');
    expect(
      (
        await stack.webhook(
          'aggregator',
          event(
            'connection.status_changed',
            { connectionId: await registerConnection(), status: 'access_lost' },
            eventId,
          ),
        )
      ).status,
    ).toBe(202);
  });
});

describe('consent renewal from the aggregator', () => {
  it('keeps the newer deadline when renewals arrive out of order', async () => {
    const id = await registerConnection();
    const newer = new Date(Date.now() + 130 * DAY).toISOString();
    const older = new Date(Date.now() + 100 * DAY).toISOString();
    expect(
      (await stack.webhook('aggregator', event('consent.renewed', { connectionId: id, validUntil: newer }))).status,
    ).toBe(202);
    const stale = await stack.webhook('aggregator', event('consent.renewed', { connectionId: id, validUntil: older }));
    expect(stale.status).toBe(202);

    expect((await connectionRow(id)).validUntil.toISOString()).toBe(newer);
    const state = await waitFor(async () => {
      const res = await stack.http('GET', `/v1/connections/${id}/workflow`);
      return res.body.state?.validUntil === newer ? res.body.state : undefined;
    }, 'the renewal to reach the workflow');
    expect(state).toMatchObject({ validUntil: newer, phase: 'waiting' });
    expect((await webhookAudits(id)).map((a) => a.details)).toMatchObject([
      { outcome: 'renewed' },
      { outcome: 'stale' },
    ]);
  });

  it('lifts the deadline statuses only: a missing journal stays; a deadline within 15 days expires soon', async () => {
    const id = await registerConnection();
    await stack.db.prisma.connection.update({ where: { id }, data: { status: 'journal_missing' } });
    const validUntil = new Date(Date.now() + 90 * DAY).toISOString();
    expect((await stack.webhook('aggregator', event('consent.renewed', { connectionId: id, validUntil }))).status).toBe(
      202,
    );
    // The renewed run's status change (the status is the workflow's) has completed, and left the journal missing.
    await waitFor(async () => {
      const { runId } = await temporal.client.workflow.getHandle(consentRenewalWorkflowId(id)).describe();
      const { events } = await temporal.client.workflow.getHandle(consentRenewalWorkflowId(id), runId).fetchHistory();
      return events?.[0]?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId &&
        events.some((e) => e.activityTaskCompletedEventAttributes)
        ? true
        : undefined;
    }, 'the renewed run to apply the renewal to the status');
    expect(await connectionRow(id)).toMatchObject({ status: 'journal_missing' });
    const other = await registerConnection(new Date(Date.now() + 5 * DAY));
    await stack.db.prisma.connection.update({ where: { id: other }, data: { status: 'expired' } });
    expect(
      (
        await stack.webhook(
          'aggregator',
          event('consent.renewed', { connectionId: other, validUntil: new Date(Date.now() + 10 * DAY).toISOString() }),
        )
      ).status,
    ).toBe(202);
    await waitFor(
      async () => ((await connectionRow(other)).status === 'expires_soon' ? true : undefined),
      'the workflow to lift expired',
    );
  });

  it('leaves no event row when Temporal fails, so that the provider retry renews', async () => {
    const id = await registerConnection();
    const validUntil = new Date(Date.now() + 120 * DAY).toISOString();
    const sent = event('consent.renewed', { connectionId: id, validUntil });

    const failed = await postToDown('aggregator', sent);
    expectProblem(failed, 503, 'temporal_unavailable');
    expect(await stored('aggregator', sent.eventId)).toBe(0);
    expect(await webhookAudits(id)).toEqual([]);

    const retried = await stack.webhook('aggregator', sent);
    expect(retried.status).toBe(202);
    expect(retried.body).toEqual({ status: 'accepted', handled: true });
    await waitFor(async () => {
      const res = await stack.http('GET', `/v1/connections/${id}/workflow`);
      return res.body.state?.validUntil === validUntil ? true : undefined;
    }, 'the retried renewal to reach the workflow');
  });
});

describe('CARO events', () => {
  it('are validated', async () => {
    const res = await stack.webhook(
      'caro',
      event('caro.activation_failed', { orderId: randomUUID(), reason: 'card_expired' }),
    );
    expectProblem(res, 400, 'validation_failed');
    expect(res.body.errors[0].path).toBe('data.reason');
  });

  it.each([
    ['spaced', { orderId: randomUUID(), note: '4111 1111 1111 1111' }],
    ['dashed', { orderId: randomUUID(), note: '5500-0000-0000-0004' }],
    ['a JSON number', { orderId: randomUUID(), pan: 378282246310005 }],
    ['a nested field', { orderId: randomUUID(), card: { number: '6011000990139424' } }],
  ])('refuses a CARO payload with a card number (%s) before storing anything', async (_, data) => {
    const sent = event('caro.activated', data);
    expectProblem(await stack.webhook('caro', sent), 400, 'card_data_refused');
    expect(await stored('caro', sent.eventId)).toBe(0);
    expect(await stack.db.prisma.webhookEvent.count({ where: { provider: 'caro', eventId: sent.eventId } })).toBe(0);
  });

  it('does not take the digit groups of a UUID for a card number (an unknown order is a 422, not a refusal)', async () => {
    const sent = event('caro.activated', { orderId: '01234567-8901-4234-8567-890123456789' });
    expectProblem(await stack.webhook('caro', sent), 422, 'unknown_caro_order');
    expect(await stored('caro', sent.eventId)).toBe(0);
  });
});

describe('webhook logs', () => {
  it('name provider, event id, type and resource, never the payload', async () => {
    const connectionId = await registerConnection();
    // A renewal older than the current deadline needs no Temporal: the API whose Temporal is down takes it.
    const sent = event('consent.renewed', {
      connectionId,
      validUntil: new Date(Date.now() + DAY).toISOString(),
      note: 'marker-do-not-log',
    });
    const res = await postToDown('aggregator', sent);
    expect(res.status).toBe(202);
    const card = JSON.stringify(event('caro.activated', { orderId: randomUUID(), note: '4111 1111 1111 1111' }));
    const refused = await fetch(`${down.url}/v1/webhooks/caro`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        [SIGNATURE_HEADER]: signWebhook(TEST_WEBHOOK_SECRETS.caro, card, Math.floor(Date.now() / 1000)),
      },
      body: card,
    });
    expect(refused.status).toBe(400);

    const accepted = downLogs
      .map((l) => JSON.parse(l))
      .find((l) => l.msg === 'webhook accepted' && l.eventId === sent.eventId);
    expect(accepted).toMatchObject({
      provider: 'aggregator',
      eventId: sent.eventId,
      type: 'consent.renewed',
      resourceId: connectionId,
      handled: true,
    });
    expect(downLogs.join('\n')).not.toMatch(/marker-do-not-log|4111/);
  });
});

describe('card number screen', () => {
  it.each([
    ['4111111111111111', true],
    ['4111 1111 1111 1111', true],
    ['4111.1111.1111.1111', true],
    ['4111/1111/1111/1111', true],
    ['4111_1111_1111_1111', true],
    ['"at":"2026-11-24T03:32:49.123Z"', false],
    ['"pan":"3782-822463-10005"', true],
    ['123456789012', false],
    ['12345678901', false],
    ['"occurredAt":"2026-03-01T10:00:00.000Z"', false],
    ['"orderId":"01234567-8901-4234-8567-890123456789"', false],
    ['evt-1796152376-22919', false],
  ])('%s → %s', (raw, expected) => {
    expect(containsCardNumber(raw)).toBe(expected);
  });
});
