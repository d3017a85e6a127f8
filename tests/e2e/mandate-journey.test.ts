import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { detailWithWorkflow } from '../helpers/cases.js';
import { readPdfText } from '../helpers/pdf.js';
import { expectDeclaredResponse } from '../helpers/schemas.js';
import { startTestStack, TEST_PUBLIC_BASE_URL, type TestStack } from '../helpers/stack.js';
import { createTimeSkippingEnv } from '../helpers/temporal.js';
import { waitFor } from '../helpers/wait.js';

const DAY = 86_400_000;
const KBC_IBAN = 'BE09 7341 2345 6757';
const ING_IBAN = 'BE35 3101 2345 6737';
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

const event = (type: string, data: Record<string, unknown>, eventId = `evt-${randomUUID()}`) => ({
  eventId,
  type,
  occurredAt: new Date().toISOString(),
  data,
});

async function newAccount(iban: string, client: Record<string, unknown> = {}) {
  const created = await stack.http('POST', '/v1/clients', {
    officeId,
    companyName: 'Brasserie Verhaegen',
    clientCode: `C-${randomUUID().slice(0, 8)}`,
    email: 'boekhouding@verhaegen.be',
    language: 'nl',
    ...client,
  });
  expect(created.status).toBe(201);
  const account = await stack.http('POST', `/v1/clients/${created.body.id}/bank-accounts`, { iban });
  expect(account.status).toBe(201);
  return { clientId: created.body.id as string, accountId: account.body.id as string };
}

async function order(accountId: string, managementMode: 'office' | 'service' = 'service') {
  const res = await stack.http('POST', '/v1/mandates', { bankAccountIds: [accountId], managementMode });
  expect(res.status).toBe(202);
  expectDeclaredResponse('orderMandates', 202, res.body);
  return res.body.data[0].mandate as { id: string; workflowId: string };
}

/** The mandate's detail (database) with its workflow's live view as `workflow`. */
const get = async (id: string) => {
  const res = await detailWithWorkflow(stack, `/v1/mandates/${id}`);
  expect(res.status).toBe(200);
  expectDeclaredResponse('getMandate', 200, res.body);
  return res.body;
};
const until = (id: string, what: string, ok: (m: any) => boolean) =>
  waitFor(async () => ((m) => (ok(m) ? m : undefined))(await get(id)), what);
/** Days between two instants, to the minute (workflow tasks run a few ms after their timer). */
const daysBetween = (later: string, earlier: string) =>
  Math.round((Date.parse(later) - Date.parse(earlier)) / 60_000) / 1440;
const outbox = (caseId: string) =>
  stack.db.prisma.emailOutbox.findMany({ where: { caseId }, orderBy: { createdAt: 'asc' } });

describe('mandate journey through the HTTP API, the real worker and a real Temporal server', () => {
  it('e-signature: invited, reminded, presented again after a client edit, then active whatever the order of the reports', async () => {
    const { clientId, accountId } = await newAccount(ING_IBAN);
    // The same order twice at once: one mandate, one workflow.
    const [a, b] = await Promise.all([
      stack.http('POST', '/v1/mandates', { bankAccountIds: [accountId], managementMode: 'service' }),
      stack.http('POST', '/v1/mandates', { bankAccountIds: [accountId], managementMode: 'service' }),
    ]);
    expect([a.status, b.status]).toEqual([202, 202]);
    expect([a.body.data[0].outcome, b.body.data[0].outcome].sort()).toEqual(['created', 'existing']);
    const mandate = a.body.data[0].mandate;
    expect(b.body.data[0].mandate.id).toBe(mandate.id);
    expect(mandate).toMatchObject({
      workflowId: `mandate:${mandate.id}`,
      path: 'esign',
      bankName: 'ING Belgium',
      managementMode: 'service',
    });
    const again = await order(accountId);
    expect(again.id).toBe(mandate.id);
    expect(await stack.db.prisma.mandate.count({ where: { bankAccountId: accountId } })).toBe(1);
    expect((await temporal.client.workflow.getHandle(mandate.workflowId).describe()).status.name).toBe('RUNNING');

    const sent = await until(mandate.id, 'the invitation', (m) => m.status === 'sent_to_client');
    expect(sent).toMatchObject({
      revision: 1,
      reminderCount: 0,
      actions: ['download', 'sign', 'archive', 'resend', 'mark_problem'],
    });
    expect(sent.workflow.state).toMatchObject({
      state: 'sent_to_client',
      whoseMove: 'client',
      nextStep: { kind: 'reminder', number: 1 },
    });
    expect((await outbox(mandate.id)).map((m) => [m.template, m.language, m.toAddress])).toEqual([
      ['mandate.invitation', 'nl', 'boekhouding@verhaegen.be'],
    ]);
    const firstLink = new RegExp(`${TEST_PUBLIC_BASE_URL}(/l/\\S+)`).exec((await outbox(mandate.id))[0]!.text)![1]!;
    const open = (path: string) => stack.http('GET', path, undefined, { key: null });
    expect(await open(firstLink)).toMatchObject({
      status: 200,
      body: { purpose: 'mandate-signing', mandateId: mandate.id, revision: 1, bankName: 'ING Belgium' },
    });
    expect((await open('/l/v1.forged.token')).status).toBe(404);

    await temporal.sleep(15 * DAY);
    const reminded = await until(mandate.id, 'the first reminder', (m) => m.reminderCount === 1);
    expect(reminded.reminders).toEqual([
      { revision: 1, number: 1, sentAt: expect.any(String), toAddress: 'boekhouding@verhaegen.be' },
    ]);
    expect(daysBetween(reminded.reminders[0].sentAt, reminded.presentedAt)).toBe(14);

    // The client's enterprise number is filled in: the unsigned mandate is presented again.
    const edit = await stack.http('PATCH', `/v1/clients/${clientId}`, { enterpriseNumber: '0403.170.701' });
    expect(edit.status).toBe(200);
    expect(edit.body.impact.mandates).toEqual([
      {
        id: mandate.id,
        bankAccountId: accountId,
        iban: 'BE35310123456737',
        status: 'sent_to_client',
        actions: ['download', 'sign', 'archive', 'resend', 'mark_problem'],
        presentedAgain: true,
      },
    ]);
    const presented = await until(
      mandate.id,
      'the new presentation',
      (m) => m.revision === 2 && m.status === 'sent_to_client',
    );
    expect(presented).toMatchObject({
      reminderCount: 0,
      workflow: { state: { reminders: [], nextStep: { kind: 'reminder', number: 1 } } },
    });
    expect(
      presented.workflow.state.history.map((h: { to: string; actor: { kind: string }; note?: string }) => [
        h.to,
        h.actor.kind,
        h.note ?? null,
      ]),
    ).toEqual([
      ['in_preparation', 'system', 'ordered'],
      ['sent_to_client', 'system', null],
      ['in_preparation', 'operator', 'client data changed'],
      ['sent_to_client', 'system', null],
    ]);
    const invitations = (await outbox(mandate.id)).filter((m) => m.template === 'mandate.invitation');
    expect(invitations.map((m) => m.idempotencyKey)).toEqual([
      `${mandate.workflowId}/r1/invitation`,
      `${mandate.workflowId}/r2/invitation`,
    ]);
    expect(invitations[1]!.text).not.toEqual(invitations[0]!.text); // a new link: the old one is superseded
    expect(await open(firstLink)).toMatchObject({ status: 410, body: { code: 'link_superseded' } });
    const secondLink = new RegExp(`${TEST_PUBLIC_BASE_URL}(/l/\\S+)`).exec(invitations[1]!.text)![1]!;
    expect(await open(secondLink)).toMatchObject({ status: 200, body: { revision: 2 } });

    // The document carries the current data.
    const pdf = await fetch(`${stack.api.url}/v1/mandates/${mandate.id}/document.pdf`, {
      headers: { authorization: `Bearer ${stack.operatorKey}` },
    });
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    const lines = readPdfText(Buffer.from(await pdf.arrayBuffer()));
    expect(lines).toEqual(
      expect.arrayContaining([
        'Mandaat voor de levering van bankafschriften (CODA)',
        'Onderneming: Brasserie Verhaegen',
        'Ondernemingsnummer: 0403.170.701',
        'Rekening: BE35 3101 2345 6737',
        `Referentie van het mandaat: ${mandate.id} / r2`,
      ]),
    );

    // The bank's acceptance arrives before the signature report, then both again.
    const accepted = event('bank.mandate_accepted', { mandateId: mandate.id });
    const signed = event('mandate.signed', { mandateId: mandate.id });
    expect((await stack.webhook('banklink', accepted)).status).toBe(202);
    expect((await stack.webhook('esign', signed)).status).toBe(202);
    expect((await stack.webhook('banklink', accepted)).body).toEqual({ status: 'duplicate' });
    expect((await stack.webhook('esign', signed)).body).toEqual({ status: 'duplicate' });
    const active = await until(mandate.id, 'active', (m) => m.status === 'active' && m.workflow.status === 'COMPLETED');
    expect(active).toMatchObject({
      actions: ['download'],
      signedAt: expect.any(String),
      activatedAt: expect.any(String),
      workflow: { state: null },
    });
    expect(await open(secondLink)).toMatchObject({ status: 410, body: { code: 'link_closed' } });

    await temporal.sleep(60 * DAY);
    expect((await outbox(mandate.id)).map((m) => m.template)).toEqual([
      'mandate.invitation',
      'mandate.reminder',
      'mandate.invitation',
    ]);
    expect((await stack.http('POST', `/v1/mandates/${mandate.id}/resend`)).body).toMatchObject({
      status: 409,
      code: 'action_not_allowed',
      detail: 'the mandate is active: nothing more can be done with it',
    });
  });

  it('reminds on days 14, 28 and 42, then tells the office the case is stalled', async () => {
    const { accountId } = await newAccount(ING_IBAN, { language: 'fr' });
    const mandate = await order(accountId);
    await until(mandate.id, 'the invitation', (m) => m.status === 'sent_to_client');
    await temporal.sleep(57 * DAY);
    const stalled = await until(mandate.id, 'the stalled notice', (m) => m.stalledAt !== null);
    expect(
      stalled.reminders.map((r: { number: number; sentAt: string }) => [
        r.number,
        daysBetween(r.sentAt, stalled.presentedAt),
      ]),
    ).toEqual([
      [1, 14],
      [2, 28],
      [3, 42],
    ]);
    expect(daysBetween(stalled.stalledAt, stalled.presentedAt)).toBe(56);
    expect(stalled).toMatchObject({ status: 'sent_to_client', reminderCount: 3 });
    const messages = await outbox(mandate.id);
    expect(messages.map((m) => [m.template, m.toAddress])).toEqual([
      ['mandate.invitation', 'boekhouding@verhaegen.be'],
      ['mandate.reminder', 'boekhouding@verhaegen.be'],
      ['mandate.reminder', 'boekhouding@verhaegen.be'],
      ['mandate.reminder', 'boekhouding@verhaegen.be'],
      ['mandate.stalled', 'office@example.be'],
    ]);
    expect(messages[4]!.subject).toMatch(/^Sans réponse après 3 rappels : Brasserie Verhaegen/);
    expect(
      (await stack.http('POST', `/v1/mandates/${mandate.id}/archive`, { reason: 'client unreachable' })).status,
    ).toBe(202);
  });

  it('KBC/CBC: in-app link steps, a detected issue after 7 days, cleared by the link; the bank activates', async () => {
    const { clientId, accountId } = await newAccount(KBC_IBAN);
    const mandate = await order(accountId);
    const waiting = await until(mandate.id, 'awaiting the link', (m) => m.status === 'awaiting_bank_link');
    expect(waiting).toMatchObject({
      path: 'bank_link',
      actions: ['download', 'archive', 'resend', 'mark_problem'],
      workflow: { state: { whoseMove: 'client', nextStep: { kind: 'bank_link_check' } } },
    });
    const [instructions] = await outbox(mandate.id);
    expect(instructions).toMatchObject({ template: 'mandate.bank-link-instructions', language: 'nl' });
    expect(instructions!.text).toContain('KBC Touch');
    expect(instructions!.text).not.toContain('/l/v1.');
    expect((await stack.http('POST', `/v1/mandates/${mandate.id}/signing-link`)).body).toMatchObject({
      status: 409,
      detail: 'KBC/CBC accounts are linked in the bank app: there is no signing link',
    });
    // Unsigned, but a client edit does not present it again (docs/domain.md#client-edits names four states, not this
    // one).
    const edit = await stack.http('PATCH', `/v1/clients/${clientId}`, { language: 'fr' });
    expect(edit.body.impact.mandates).toEqual([]);
    expect(await get(mandate.id)).toMatchObject({ status: 'awaiting_bank_link', revision: 1 });

    const issues = async () =>
      (await stack.http('GET', `/v1/mandates?officeId=${officeId}&issue=bank_link_missing`)).body.data.map(
        (m: { id: string }) => m.id,
      );
    expect(await issues()).not.toContain(mandate.id);
    await temporal.sleep(8 * DAY);
    const flagged = await until(mandate.id, 'the detected issue', (m) => m.linkIssueAt !== null);
    expect(daysBetween(flagged.linkIssueAt, flagged.presentedAt)).toBe(7);
    expect(await issues()).toContain(mandate.id);

    const linked = event('bank.link_created', { mandateId: mandate.id });
    expect((await stack.webhook('banklink', linked)).status).toBe(202);
    expect((await stack.webhook('banklink', linked)).body).toEqual({ status: 'duplicate' });
    const processing = await until(mandate.id, 'the link', (m) => m.status === 'bank_processing');
    expect(processing).toMatchObject({ linkIssueAt: null, workflow: { state: { whoseMove: 'bank' } } });
    expect(await issues()).not.toContain(mandate.id);
    expect((await stack.webhook('banklink', event('bank.mandate_accepted', { mandateId: mandate.id }))).status).toBe(
      202,
    );
    await until(mandate.id, 'active', (m) => m.status === 'active');
  });

  it('office mode: available online, actions answer 409 when the state refuses them, a problem is resolved by presenting again', async () => {
    const { accountId } = await newAccount(ING_IBAN, { email: undefined });
    const noEmail = await stack.http('POST', '/v1/mandates', {
      bankAccountIds: [accountId],
      managementMode: 'service',
    });
    expect(noEmail).toMatchObject({
      status: 422,
      body: { code: 'client_email_missing', errors: [{ path: 'bankAccountIds.0' }] },
    });
    const mandate = await order(accountId, 'office');
    await until(
      mandate.id,
      'available online',
      (m) => m.status === 'available_online' && m.workflow.state?.whoseMove === 'office',
    );
    expect(await outbox(mandate.id)).toEqual([]);
    // The office presents it: it copies the signing link for the client.
    const copied = await stack.http('POST', `/v1/mandates/${mandate.id}/signing-link`);
    expect(copied).toMatchObject({ status: 200, body: { revision: 1 } });
    expectDeclaredResponse('copyMandateSigningLink', 200, copied.body);
    // Valid until the stalled notice (day 56 of the default schedule) plus 4 days, set by the workflow.
    const row = await stack.db.prisma.mandate.findUniqueOrThrow({ where: { id: mandate.id } });
    expect(row.linkExpiresAt?.toISOString()).toBe(copied.body.expiresAt);
    expect(Date.parse(copied.body.expiresAt) - row.presentedAt!.getTime()).toBe(60 * DAY);
    const opened = await stack.http('GET', new URL(copied.body.url).pathname, undefined, { key: null });
    expect(opened.body).toMatchObject({ purpose: 'mandate-signing', mandateId: mandate.id, revision: 1 });

    const refused = await stack.http('POST', `/v1/mandates/${mandate.id}/problem/resolve`);
    expect(refused).toMatchObject({
      status: 409,
      body: {
        code: 'action_not_allowed',
        detail: 'resolving a problem is not possible while the mandate is available_online',
      },
    });
    const problem = await stack.http('POST', `/v1/mandates/${mandate.id}/problem`, {
      reason: 'several_signatures_required',
    });
    expect(problem).toMatchObject({
      status: 202,
      body: {
        status: 'problem',
        problemReason: 'several_signatures_required',
        actions: ['download', 'sign', 'archive', 'resend', 'resolve_problem'],
      },
    });
    const bad = await stack.http('POST', `/v1/mandates/${mandate.id}/problem`, { reason: 'lost' });
    expect(bad).toMatchObject({ status: 400, body: { errors: [{ in: 'body', path: 'reason' }] } });
    const resolved = await stack.http('POST', `/v1/mandates/${mandate.id}/problem/resolve`);
    expect(resolved).toMatchObject({
      status: 202,
      body: { status: 'available_online', problemReason: null, revision: 2 },
    });
    const archived = await stack.http('POST', `/v1/mandates/${mandate.id}/archive`, { reason: 'account closed' });
    expect(archived).toMatchObject({
      status: 202,
      body: { status: 'archived', archiveReason: 'account closed', actions: [] },
    });
    expect((await stack.http('POST', `/v1/mandates/${mandate.id}/resend`)).status).toBe(409);
    const reordered = await stack.http('POST', '/v1/mandates', {
      bankAccountIds: [accountId],
      managementMode: 'office',
    });
    expect(reordered).toMatchObject({ status: 409, body: { code: 'mandate_archived' } });
    // A row whose workflow never started (Temporal refused the start) gets it with the next order.
    const other = await newAccount(ING_IBAN);
    const orphan = await stack.db.prisma.mandate.create({
      data: {
        id: randomUUID(),
        bankAccountId: other.accountId,
        managementMode: 'office',
        workflowId: 'mandate:orphan',
      },
    });
    await stack.db.prisma.mandate.update({ where: { id: orphan.id }, data: { workflowId: `mandate:${orphan.id}` } });
    expect((await stack.http('POST', `/v1/mandates/${orphan.id}/archive`, { reason: 'x' })).body).toMatchObject({
      status: 409,
      code: 'mandate_not_started',
    });
    expect((await order(other.accountId, 'office')).id).toBe(orphan.id);
    await until(orphan.id, 'the late start', (m) => m.status === 'available_online');
    const audit = await stack.http('GET', `/v1/audit?resourceType=mandate&resourceId=${mandate.id}`);
    expect(audit.body.data.map((e: { action: string }) => e.action)).toEqual(
      expect.arrayContaining(['mandate.order', 'mandate.problem', 'mandate.resolve', 'mandate.archive']),
    );
  });
});
