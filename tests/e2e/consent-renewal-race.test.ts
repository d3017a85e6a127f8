import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONSENT_SCHEDULE } from '../../workflows/consent-renewal/contract.js';
import { planConsentReminders } from '../../workflows/consent-renewal/plan.js';
import { detailWithWorkflow } from '../helpers/cases.js';
import { startTestStack, type TestStack } from '../helpers/stack.js';
import { createTimeSkippingEnv } from '../helpers/temporal.js';
import { waitFor } from '../helpers/wait.js';

// A renewal that lands seconds before a due reminder: nothing may go out for the old deadline
// (docs/domain.md: "No reminder may ever go out for a consent that was already renewed"), and the
// reminders of the new deadline are the ones in force. End to end: HTTP, sandbox webhook,
// worker, outbox, on the time-skipping server.
const DAY = 86_400_000;
let temporal: TestWorkflowEnvironment;
let stack: TestStack;
let officeId: string;

beforeAll(async () => {
  temporal = await createTimeSkippingEnv();
  stack = await startTestStack(temporal);
  officeId = (
    await stack.http('POST', '/v1/offices', {
      name: 'Fiduciaire Dupont',
      language: 'fr',
      contactEmail: 'office@example.be',
    })
  ).body.id;
});
afterAll(async () => {
  await stack?.stop();
  await temporal?.teardown();
});

const serverNow = async () => (await temporal.currentTimeMs()) as number;

async function register(validUntil: string): Promise<string> {
  const created = await stack.http('POST', '/v1/connections', {
    officeId,
    provider: 'ponto',
    ownerEmail: 'owner@example.be',
    ownerLanguage: 'nl',
    ibans: ['BE68539007547034'],
    validUntil,
  });
  expect(created.status).toBe(202);
  return created.body.id;
}

/** Skips Temporal's clock to `seconds` before the first reminder of `validUntil`, and returns that instant. */
async function skipToJustBeforeFirstReminder(validUntil: string, seconds: number): Promise<number> {
  const [first] = planConsentReminders(Date.parse(validUntil), await serverNow(), DEFAULT_CONSENT_SCHEDULE);
  expect(first?.daysBefore).toBe(15);
  const dueMs = Date.parse(first!.at);
  await temporal.sleep(dueMs - (await serverNow()) - seconds * 1000);
  return dueMs;
}

const renewViaSandbox = async (connectionId: string, validUntil: string) => {
  const res = await stack.http('POST', '/v1/sandbox/webhooks/aggregator', {
    type: 'consent.renewed',
    data: { connectionId, validUntil },
  });
  expect(res.body.webhook).toMatchObject({ status: 202, body: { handled: true } });
};

const outboxFor = (connectionId: string) =>
  stack.db.prisma.emailOutbox.findMany({ where: { caseId: connectionId }, orderBy: { createdAt: 'asc' } });
const recorded = (connectionId: string) =>
  stack.db.prisma.reminderSent.findMany({ where: { caseId: connectionId }, orderBy: { sentAt: 'asc' } });

/** The new deadline's 15-day reminder goes out when due: the new plan is in force. */
async function expectNewPlanInForce(connectionId: string, oldUntil: string, newUntil: string): Promise<void> {
  await skipToJustBeforeFirstReminder(newUntil, 5);
  expect(await outboxFor(connectionId)).toEqual([]);
  await temporal.sleep(60_000);
  const [mail] = await waitFor(async () => {
    const rows = await outboxFor(connectionId);
    return rows.length > 0 ? rows : undefined;
  }, 'the 15-day reminder of the renewed consent');
  expect(mail!.idempotencyKey).toBe(`connection:${connectionId}/${newUntil}/reminder/15`);
  const rows = await recorded(connectionId);
  expect(rows.map((r) => [r.kind, r.sequence])).toEqual([[`consent:${newUntil}`, 15]]);
  expect(rows.some((r) => r.kind.includes(oldUntil))).toBe(false);
}

describe('a renewal just before a due reminder', () => {
  it('renewal webhook 5 s before the 09:00 reminder: nothing for the old deadline, the new plan in force', async () => {
    const oldUntil = new Date((await serverNow()) + 20 * DAY).toISOString();
    const id = await register(oldUntil);
    const dueMs = await skipToJustBeforeFirstReminder(oldUntil, 5);
    expect(await outboxFor(id)).toEqual([]);

    const newUntil = new Date(Date.parse(oldUntil) + 90 * DAY).toISOString();
    await renewViaSandbox(id, newUntil);
    await temporal.sleep(60_000); // past the old reminder's instant
    expect(await serverNow()).toBeGreaterThan(dueMs);
    expect(await outboxFor(id)).toEqual([]);
    expect(await recorded(id)).toEqual([]);
    expect((await stack.db.prisma.connection.findUniqueOrThrow({ where: { id } })).validUntil.toISOString()).toBe(
      newUntil,
    );

    await expectNewPlanInForce(id, oldUntil, newUntil);
  });

  it('renewal stored but its signal not yet delivered when the reminder fires: the activity reads the new deadline and sends nothing', async () => {
    const oldUntil = new Date((await serverNow()) + 20 * DAY).toISOString();
    const id = await register(oldUntil);
    await skipToJustBeforeFirstReminder(oldUntil, 5);
    const newUntil = new Date(Date.parse(oldUntil) + 90 * DAY).toISOString();
    // What renewConsent does first (the database); the workflow has not heard of it yet.
    await stack.db.prisma.connection.update({ where: { id }, data: { validUntil: new Date(newUntil) } });
    await temporal.sleep(60_000); // the old reminder's timer fires
    const state = await waitFor(async () => {
      const detail = await detailWithWorkflow(stack, `/v1/connections/${id}`);
      return detail.body.workflow.state?.nextStep?.daysBefore === 3 ? detail.body.workflow.state : undefined;
    }, 'the workflow to pass its 15-day step');
    expect(state.remindersSent).toEqual([]);
    expect(await outboxFor(id)).toEqual([]);
    expect(await recorded(id)).toEqual([]);

    // The provider's retry (or the signal) arrives: the same deadline, signalled again.
    await renewViaSandbox(id, newUntil);
    await expectNewPlanInForce(id, oldUntil, newUntil);
  });
});

describe('a renewal racing the deadline', () => {
  it('renewed in the database but not yet signalled at the deadline: nobody is told it expired, the new deadline is planned', async () => {
    const oldUntil = new Date((await serverNow()) + 2 * DAY).toISOString();
    const id = await register(oldUntil);
    // The aggregator's renewal was stored, but its signal never reached the workflow (e.g. Temporal was briefly down).
    const newUntil = new Date((await serverNow()) + 90 * DAY).toISOString();
    await stack.db.prisma.connection.update({ where: { id }, data: { validUntil: new Date(newUntil) } });
    await temporal.sleep(2 * DAY + 60_000);
    const state = await waitFor(async () => {
      const res = await detailWithWorkflow(stack, `/v1/connections/${id}`);
      return res.body.workflow.state?.validUntil === newUntil ? res.body.workflow.state : undefined;
    }, 'the workflow to plan from the database deadline');
    expect(state).toMatchObject({ phase: 'waiting', renewals: 1 });
    expect((await outboxFor(id)).map((m) => m.template)).toEqual([]);
    expect((await stack.db.prisma.connection.findUniqueOrThrow({ where: { id } })).status).not.toBe('expired');
  });
});
