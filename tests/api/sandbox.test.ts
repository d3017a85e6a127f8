import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../api/app.js';
import { loadApiEnv } from '../../api/env.js';
import { sandboxEnabled } from '../../api/sandbox/env.js';
import { listen, type RunningServer } from '../../api/server.js';
import { DEFAULT_CONSENT_SCHEDULE } from '../../workflows/consent-renewal/contract.js';
import { spawnEntry } from '../processes/spawn.js';
import { expectDeclaredResponse } from '../helpers/schemas.js';
import { detailWithWorkflow } from '../helpers/cases.js';
import { silentLogger, startTestStack, TEST_WEBHOOK_SECRETS, type TestStack } from '../helpers/stack.js';
import { startDevServer, type DevServer } from '../helpers/temporal.js';
import { waitFor } from '../helpers/wait.js';

// The dev server, not the time-skipping one: a renewal continues the workflow as new, and the
// time-skipping server does not answer queries on a continued run reliably.
const DAY = 86_400_000;
let server: DevServer;
let stack: TestStack;
let disabled: RunningServer;
let officeId: string;

beforeAll(async () => {
  server = await startDevServer();
  stack = await startTestStack(server.env);
  officeId = (
    await stack.http('POST', '/v1/offices', {
      name: 'Fiduciaire Sandbox',
      language: 'fr',
      contactEmail: 'office@example.be',
    })
  ).body.id;
  // The same API with the sandbox off, as in production.
  const app = createApp({
    temporal: server.env.client,
    prisma: stack.db.prisma,
    logger: silentLogger,
    taskQueue: 'q',
    temporalTimeoutMs: 2_000,
    consentSchedule: DEFAULT_CONSENT_SCHEDULE,
    webhookSecrets: TEST_WEBHOOK_SECRETS,
    sandbox: false,
  });
  disabled = await listen(app, { port: 0, host: '127.0.0.1', logger: silentLogger, shutdownTimeoutMs: 100 });
});
afterAll(async () => {
  await disabled?.close();
  await stack?.stop();
  await server?.stop();
});

async function registerConnection(
  validUntil = new Date(Date.now() + 40 * DAY),
): Promise<{ id: string; workflowId: string }> {
  const created = await stack.http('POST', '/v1/connections', {
    officeId,
    provider: 'ponto',
    ownerEmail: 'owner@example.be',
    ownerLanguage: 'nl',
    ibans: ['BE68539007547034'],
    validUntil: validUntil.toISOString(),
  });
  expect(created.status).toBe(202);
  return created.body;
}

const sandbox = (provider: string, body: unknown, key?: string) =>
  stack.http('POST', `/v1/sandbox/webhooks/${provider}`, body, key === undefined ? {} : { key });

describe('POST /v1/sandbox/webhooks/:provider', () => {
  it('delivers a signed consent.renewed through the real webhook: the workflow plans anew from the new deadline', async () => {
    const connection = await registerConnection();
    const renewedUntil = new Date(Date.now() + 120 * DAY).toISOString();
    const res = await sandbox('aggregator', {
      type: 'consent.renewed',
      data: { connectionId: connection.id, validUntil: renewedUntil },
    });
    expect(res.status).toBe(200);
    expectDeclaredResponse('sandboxWebhook', 200, res.body);
    expect(res.body).toMatchObject({
      provider: 'aggregator',
      eventId: expect.stringMatching(/^sandbox-/),
      webhook: { status: 202, body: { status: 'accepted', handled: true } },
    });
    expect(res.body.event).toEqual({
      eventId: res.body.eventId,
      type: 'consent.renewed',
      occurredAt: expect.any(String),
      data: { connectionId: connection.id, validUntil: renewedUntil },
    });
    // The real pipeline ran: the event is stored and audited as coming from the webhook.
    expect(
      await stack.db.prisma.webhookEvent.count({ where: { provider: 'aggregator', eventId: res.body.eventId } }),
    ).toBe(1);
    expect(
      await stack.db.prisma.auditEvent.count({
        where: { resourceId: connection.id, actorRole: 'webhook', action: 'webhook.aggregator.consent.renewed' },
      }),
    ).toBe(1);

    const replanned = await waitFor(async () => {
      const detail = await detailWithWorkflow(stack, `/v1/connections/${connection.id}`);
      return detail.body.workflow.state?.renewals === 1 ? detail.body : undefined;
    }, 'the workflow to continue as new with the renewed deadline');
    expect(replanned.validUntil).toBe(renewedUntil);
    expect(replanned.workflow.state).toMatchObject({
      validUntil: renewedUntil,
      phase: 'waiting',
      nextStep: { kind: 'reminder', daysBefore: 15 },
    });
    expect(Date.parse(replanned.workflow.state.nextStep.at)).toBeGreaterThan(Date.parse(renewedUntil) - 16 * DAY);
  });

  it('replays a chosen eventId as a duplicate that changes nothing', async () => {
    const connection = await registerConnection();
    const eventId = `evt-${randomUUID()}`;
    const first = await sandbox('aggregator', {
      eventId,
      type: 'connection.status_changed',
      data: { connectionId: connection.id, status: 'access_lost' },
    });
    expect(first.body).toMatchObject({ eventId, webhook: { status: 202 } });
    const again = await sandbox('aggregator', {
      eventId,
      type: 'connection.status_changed',
      data: { connectionId: connection.id, status: 'journal_missing' },
    });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ eventId, webhook: { status: 200, body: { status: 'duplicate' } } });
    expect((await stack.db.prisma.connection.findUniqueOrThrow({ where: { id: connection.id } })).status).toBe(
      'access_lost',
    );
    expect(await stack.db.prisma.webhookEvent.count({ where: { eventId } })).toBe(1);
  });

  it("answers with the webhook's refusal as its outcome, for any provider", async () => {
    const unknownType = await sandbox('aggregator', { type: 'consent.revoked', data: {} });
    expect(unknownType.body.webhook).toMatchObject({ status: 422, body: { code: 'unknown_event_type' } });
    const badData = await sandbox('aggregator', {
      type: 'consent.renewed',
      data: { connectionId: randomUUID(), validUntil: 'soon' },
    });
    expect(badData.body.webhook).toMatchObject({
      status: 400,
      body: { code: 'validation_failed', errors: [expect.objectContaining({ path: 'data.validUntil' })] },
    });
    const esign = await sandbox('esign', {
      type: 'mandate.signed',
      data: { mandateId: randomUUID() },
      occurredAt: '2027-01-02T03:04:05Z',
    });
    expect(esign.body).toMatchObject({
      event: { occurredAt: '2027-01-02T03:04:05Z' },
      webhook: { status: 422, body: { code: 'unknown_mandate' } },
    });
    const card = await sandbox('caro', {
      type: 'caro.activation_failed',
      data: { orderId: randomUUID(), note: '4111 1111 1111 1111' },
    });
    // Refused by the sandbox itself, as every API body carrying a card number: nothing is forged or sent.
    expect(card.status).toBe(400);
    expect(card.body).toMatchObject({ code: 'card_data_refused' });
  });

  it('plays the client and the bank of a mandate: signed, then accepted by the bank', async () => {
    const client = await stack.http('POST', '/v1/clients', {
      officeId,
      companyName: 'Sandbox SRL',
      clientCode: `S-${randomUUID()}`,
      email: 'client@example.be',
      language: 'fr',
    });
    const account = await stack.http('POST', `/v1/clients/${client.body.id}/bank-accounts`, {
      iban: 'BE35 3101 2345 6737',
    });
    const ordered = await stack.http('POST', '/v1/mandates', {
      bankAccountIds: [account.body.id],
      managementMode: 'service',
    });
    const mandateId = ordered.body.data[0].mandate.id as string;
    const status = (want: string, workflow = 'RUNNING') =>
      waitFor(async () => {
        const res = await detailWithWorkflow(stack, `/v1/mandates/${mandateId}`);
        return res.body.status === want && res.body.workflow.status === workflow ? res.body : undefined;
      }, `mandate ${want}, workflow ${workflow}`);
    await status('sent_to_client');
    expect((await sandbox('esign', { type: 'mandate.signed', data: { mandateId } })).body.webhook).toMatchObject({
      status: 202,
      body: { handled: true },
    });
    await status('bank_processing');
    expect(
      (await sandbox('banklink', { type: 'bank.mandate_accepted', data: { mandateId } })).body.webhook,
    ).toMatchObject({ status: 202, body: { handled: true } });
    // The row says active as soon as it is mirrored; the workflow then completes.
    await status('active', 'COMPLETED');
  });

  it('is for operators only', async () => {
    const support = await stack.key('support');
    const accountant = await stack.key('accountant', officeId);
    for (const key of [support, accountant]) {
      expect((await sandbox('aggregator', { type: 'consent.renewed', data: {} }, key)).status).toBe(403);
    }
  });

  it('does not exist when disabled: 404 and absent from /openapi.json', async () => {
    const res = await fetch(`${disabled.url}/v1/sandbox/webhooks/aggregator`, {
      method: 'POST',
      headers: { authorization: `Bearer ${stack.operatorKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'consent.renewed', data: {} }),
    });
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ code: 'route_not_found' });
    const off = (await (await fetch(`${disabled.url}/openapi.json`)).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(off.paths).filter((p) => p.startsWith('/v1/sandbox'))).toEqual([]);
    const on = await stack.http('GET', '/openapi.json', undefined, { key: null });
    expect(on.body.paths['/v1/sandbox/webhooks/{provider}'].post.operationId).toBe('sandboxWebhook');
  });
});

describe('SANDBOX_ENABLED', () => {
  const production = {
    NODE_ENV: 'production',
    DATABASE_URL: 'postgresql://u:p@db:5432/bankfeed',
    WEBHOOK_SECRET_ESIGN: 'e'.repeat(40),
    WEBHOOK_SECRET_CARO: 'c'.repeat(40),
    WEBHOOK_SECRET_BANKLINK: 'b'.repeat(40),
    WEBHOOK_SECRET_AGGREGATOR: 'a'.repeat(40),
    LINK_SIGNING_SECRET: 'l'.repeat(40), // the API signs and checks CARO activation links
    WEBHOOK_SECRETS_KEY: 'k'.repeat(40), // seals the webhook endpoints' secrets
  };

  it('is on by default only with the development webhook secrets; with real ones, or in production, it is off and refused', () => {
    expect(sandboxEnabled(loadApiEnv({ DATABASE_URL: production.DATABASE_URL }))).toBe(true);
    // NODE_ENV unset or misspelt, but real secrets: the sandbox stays off and cannot be turned on.
    const { NODE_ENV: _unset, ...realSecrets } = production;
    expect(sandboxEnabled(loadApiEnv(realSecrets))).toBe(false);
    expect(sandboxEnabled(loadApiEnv({ ...realSecrets, NODE_ENV: 'prod' }))).toBe(false);
    expect(() => loadApiEnv({ ...realSecrets, SANDBOX_ENABLED: 'true' })).toThrow(
      /SANDBOX_ENABLED: must not be true while a real WEBHOOK_SECRET_\* is set/,
    );
    expect(sandboxEnabled(loadApiEnv({ DATABASE_URL: production.DATABASE_URL, SANDBOX_ENABLED: 'false' }))).toBe(false);
    expect(sandboxEnabled(loadApiEnv(production))).toBe(false);
    expect(sandboxEnabled(loadApiEnv({ ...production, SANDBOX_ENABLED: 'false' }))).toBe(false);
    expect(() => loadApiEnv({ ...production, SANDBOX_ENABLED: 'true' })).toThrow(
      /^Invalid environment: SANDBOX_ENABLED: must not be true when NODE_ENV=production/,
    );
    expect(() => loadApiEnv({ DATABASE_URL: production.DATABASE_URL, SANDBOX_ENABLED: 'maybe' })).toThrow(
      /SANDBOX_ENABLED: must be true or false/,
    );
  });
});

describe('npm run sandbox', () => {
  const cli = async (env: Record<string, string>, ...args: string[]) => {
    const proc = spawnEntry('scripts/sandbox.ts', env, args);
    const { code } = await proc.exited;
    return { code, output: proc.output() };
  };

  it('delivers an event to a running API and prints the outcome; a replay shows the duplicate', async () => {
    const connection = await registerConnection();
    const env = { API_URL: stack.api.url, BANKFEED_API_KEY: stack.operatorKey };
    const eventId = `cli-${randomUUID()}`;
    const sent = await cli(
      env,
      'aggregator',
      'connection.status_changed',
      `connectionId=${connection.id}`,
      'status=journal_missing',
      '--event-id',
      eventId,
    );
    expect(sent.output).toContain(`eventId ${eventId}`);
    expect(sent.output).toMatch(/webhook\s+202 accepted/);
    expect(sent.code).toBe(0);
    expect((await stack.db.prisma.connection.findUniqueOrThrow({ where: { id: connection.id } })).status).toBe(
      'journal_missing',
    );
    const replay = await cli(
      env,
      'aggregator',
      'connection.status_changed',
      `connectionId=${connection.id}`,
      'status=journal_missing',
      '--event-id',
      eventId,
    );
    expect(replay.output).toMatch(/webhook\s+200 duplicate/);
  });

  it('explains its usage, and a refusal, with a non-zero exit', async () => {
    const env = { API_URL: stack.api.url, BANKFEED_API_KEY: stack.operatorKey };
    const bare = await cli(env);
    expect(bare.code).toBe(2);
    expect(bare.output).toMatch(/usage: npm run sandbox -- <provider> <type>/);
    expect(bare.output).toContain('aggregator consent.renewed, connection.status_changed');
    expect(await cli(env, 'paypal', 'x')).toMatchObject({
      code: 2,
      output: expect.stringContaining('unknown provider "paypal"'),
    });
    const refused = await cli(
      env,
      'aggregator',
      'consent.renewed',
      `connectionId=${randomUUID()}`,
      'validUntil=2030-01-01T00:00:00Z',
    );
    expect(refused).toMatchObject({
      code: 1,
      output: expect.stringMatching(/webhook\s+422 refused: unknown_connection/),
    });
    expect(
      await cli(
        { API_URL: disabled.url, BANKFEED_API_KEY: stack.operatorKey },
        'aggregator',
        'consent.renewed',
        'connectionId=x',
      ),
    ).toMatchObject({ code: 1, output: expect.stringContaining('sandbox is not enabled') });
  });
});
