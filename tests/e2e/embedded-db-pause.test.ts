// The embedded database paused in the middle of running journeys (every byte to it held, as a
// stopped PGlite process or a frozen disk would): the activities caught in it time out and are
// retried, nothing fails, and once it answers again every journey goes on with each e-mail sent
// once. The PostgreSQL server stopped for 120 s is the fault harness's (`npm run chaos -- --db-down 120`).
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caroActivationWorkflowId } from '../../workflows/caro-activation/contract.js';
import { consentRenewalWorkflowId } from '../../workflows/consent-renewal/contract.js';
import { mandateWorkflowId } from '../../workflows/mandate/contract.js';
import { startTestStack, type TestStack } from '../helpers/stack.js';
import { createTimeSkippingEnv } from '../helpers/temporal.js';
import { waitFor } from '../helpers/wait.js';

/** Longer than an activity's 30 s attempt timeout, so attempts caught in the pause time out and run again. */
const PAUSE_MS = 40_000;
const PER_KIND = 3;
const FIRST_REMINDER_MS = 15_000;
const DAY = 86_400_000;
const ING_IBAN = 'BE35 3101 2345 6737';
let temporal: TestWorkflowEnvironment;
let stack: TestStack;

beforeAll(async () => {
  temporal = await createTimeSkippingEnv();
  // The first reminders fall due 15 s after the invitations, in the middle of the pause (the
  // time-skipping server runs in real time here: nothing awaits a workflow's result).
  stack = await startTestStack(temporal, {
    databaseProxy: true,
    mandateSchedule: {
      remindersMs: [FIRST_REMINDER_MS, DAY, 2 * DAY],
      stalledAfterMs: 3 * DAY,
      bankLinkIssueAfterMs: DAY,
    },
    caroSchedule: { remindersMs: [FIRST_REMINDER_MS, DAY, 2 * DAY], expiryMs: 3 * DAY },
  });
});
afterAll(async () => {
  await stack?.stop();
  await temporal?.teardown();
});

const ok = async (method: string, path: string, body?: unknown) => {
  const res = await stack.http(method, path, body);
  expect(res.status, `${method} ${path}: ${JSON.stringify(res.body)}`).toBeLessThan(300);
  return res.body;
};
const sandbox = (provider: string, type: string, data: Record<string, unknown>, eventId: string) =>
  ok('POST', `/v1/sandbox/webhooks/${provider}`, { type, data, eventId });
const statusOf = async (path: string) => ((await stack.http('GET', path)).body as { status?: string }).status;
const reaches = (path: string, status: string) =>
  waitFor(async () => ((await statusOf(path)) === status ? true : undefined), `${path} to be ${status}`, 120_000);

describe('the embedded database paused while journeys run', () => {
  it(`holds every journey through a ${PAUSE_MS / 1000} s pause with reminders falling due in it: each e-mail sent once`, async () => {
    const office = await ok('POST', '/v1/offices', { name: 'Pause', language: 'nl', contactEmail: 'o@example.be' });
    const mandates: string[] = [];
    const orders: string[] = [];
    const connections: string[] = [];
    for (let n = 0; n < PER_KIND; n++) {
      const client = await ok('POST', '/v1/clients', {
        officeId: office.id,
        companyName: `Pause ${n} BV`,
        clientCode: `P-${n}`,
        email: `client-${n}@example.be`,
        language: 'nl',
      });
      const account = await ok('POST', `/v1/clients/${client.id}/bank-accounts`, { iban: ING_IBAN });
      const ordered = await ok('POST', '/v1/mandates', { bankAccountIds: [account.id], managementMode: 'service' });
      mandates.push(ordered.data[0].mandate.id);
      const caro = await ok('POST', '/v1/caro-orders', {
        orders: [
          {
            clientId: client.id,
            bankAccountId: account.id,
            clientReference: `PAUSE-${n}`,
            cardholderEmail: `holder-${n}@example.be`,
            cardholderLanguage: 'nl',
          },
        ],
      });
      orders.push(caro.data[0].id);
      const connection = await ok('POST', '/v1/connections', {
        officeId: office.id,
        provider: 'ponto',
        ownerEmail: `owner-${n}@example.be`,
        ownerLanguage: 'nl',
        ibans: ['BE68539007547034'],
        validUntil: new Date(Date.now() + 90 * 86_400_000).toISOString(),
      });
      connections.push(connection.id);
    }

    const sentOf = async (template: string) =>
      stack.db.prisma.emailOutbox.count({
        where: { template, status: 'sent', caseId: { in: [...mandates, ...orders] } },
      });
    await waitFor(
      async () =>
        (await sentOf('mandate.invitation')) === PER_KIND && (await sentOf('caro.invitation')) === PER_KIND
          ? true
          : undefined,
      'the invitations sent',
    );

    // Paused: every mandate's and every order's first reminder falls due while no query reaches the
    // database. The reminder activities hang, time out and are tried again.
    stack.dbProxy!.setMode({ kind: 'blackhole' });
    const pausedAt = Date.now();
    const ready = await stack.http('GET', '/readyz');
    expect(ready.status).toBe(503);
    expect(ready.body.checks.database.ok).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, PAUSE_MS - (Date.now() - pausedAt))));
    stack.dbProxy!.setMode({ kind: 'pass' });
    await waitFor(
      async () => ((await stack.http('GET', '/readyz')).status === 200 ? true : undefined),
      'ready',
      60_000,
    );
    await waitFor(
      async () =>
        (await sentOf('mandate.reminder')) === PER_KIND && (await sentOf('caro.reminder')) === PER_KIND
          ? true
          : undefined,
      'the reminders that fell due in the pause sent',
      120_000,
    );

    // Then each journey is walked on to its end through the providers' callbacks.
    for (const id of mandates) {
      await sandbox('esign', 'mandate.signed', { mandateId: id, revision: 1 }, `pause-${id}-signed`);
      await reaches(`/v1/mandates/${id}`, 'bank_processing');
      await sandbox('banklink', 'bank.mandate_accepted', { mandateId: id }, `pause-${id}-accepted`);
    }
    for (const id of orders) await sandbox('caro', 'caro.activated', { orderId: id }, `pause-${id}-activated`);
    for (const id of connections)
      await sandbox(
        'aggregator',
        'connection.status_changed',
        { connectionId: id, status: 'access_lost' },
        `pause-${id}`,
      );
    for (const id of mandates) await reaches(`/v1/mandates/${id}`, 'active');
    for (const id of orders) await reaches(`/v1/caro-orders/${id}`, 'active');
    for (const id of connections) await reaches(`/v1/connections/${id}`, 'access_lost');

    const cases = [...mandates, ...orders];
    await waitFor(async () => {
      const sent = await stack.db.prisma.emailOutbox.count({ where: { caseId: { in: cases }, status: 'sent' } });
      return sent === PER_KIND * 5 ? true : undefined;
    }, 'the invitations, reminders and CARO confirmations sent');
    const rows = await stack.db.prisma.emailOutbox.findMany({
      where: { caseId: { in: [...cases, ...connections] } },
      select: { template: true, status: true, idempotencyKey: true },
    });
    // One invitation per mandate and per order, one confirmation per order: nothing lost, nothing twice.
    const count = (template: string) => rows.filter((r) => r.template === template && r.status === 'sent').length;
    expect(count('mandate.invitation')).toBe(PER_KIND);
    expect(count('caro.invitation')).toBe(PER_KIND);
    expect(count('caro.confirmation')).toBe(PER_KIND);
    expect(count('mandate.reminder')).toBe(PER_KIND);
    expect(count('caro.reminder')).toBe(PER_KIND);
    expect(rows.filter((r) => r.status !== 'sent')).toEqual([]);
    expect(new Set(rows.map((r) => r.idempotencyKey)).size).toBe(rows.length);
    // Every step of every case recorded once, in order, whatever was retried.
    const steps = await stack.db.prisma.caseTransition.findMany({ where: { caseId: { in: cases } } });
    for (const id of cases) {
      const versions = steps.filter((s) => s.caseId === id).map((s) => s.version);
      expect(versions.sort((a, b) => a - b)).toEqual(versions.map((_, i) => i + 1));
    }
    // No workflow failed on the way.
    for (const workflowId of [
      ...mandates.map(mandateWorkflowId),
      ...orders.map(caroActivationWorkflowId),
      ...connections.map(consentRenewalWorkflowId),
    ]) {
      const { status } = await temporal.client.workflow.getHandle(workflowId).describe();
      expect(['RUNNING', 'COMPLETED'], workflowId).toContain(status.name);
    }
  }, 300_000);
});
