import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyLinkToken } from '../../lib/links/token.js';
import { CARO_PROBLEM_REASONS } from '../../workflows/caro-activation/contract.js';
import { startTestStack, TEST_LINK_ENV, type TestStack } from '../helpers/stack.js';
import { createTimeSkippingEnv } from '../helpers/temporal.js';
import { waitFor } from '../helpers/wait.js';

const DAY = 86_400_000;
const OTHER_BANK_IBAN = 'BE68 5390 0754 7034';
const KBC_IBAN = 'BE09 7341 2345 6757';
let temporal: TestWorkflowEnvironment;
let stack: TestStack;
let officeId: string;
let accountant: string;

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
  accountant = await stack.key('accountant', officeId);
});
afterAll(async () => {
  await stack?.stop();
  await temporal?.teardown();
});

const event = (type: string, data: Record<string, unknown>, eventId = `evt-${randomUUID()}`) => ({
  eventId,
  type,
  occurredAt: '2026-11-24T10:00:00Z',
  data,
});

async function clientWithAccount(iban = OTHER_BANK_IBAN) {
  const clientId = (
    await stack.http('POST', '/v1/clients', {
      officeId,
      companyName: 'Garage Martin SRL',
      clientCode: `C-${randomUUID()}`,
      language: 'fr',
    })
  ).body.id as string;
  const bankAccountId = (await stack.http('POST', `/v1/clients/${clientId}/bank-accounts`, { iban })).body.id as string;
  return { clientId, bankAccountId };
}

async function order(iban = OTHER_BANK_IBAN, email = `holder-${randomUUID().slice(0, 8)}@example.be`) {
  const res = await stack.http(
    'POST',
    '/v1/caro-orders',
    {
      orders: [
        {
          ...(await clientWithAccount(iban)),
          clientReference: `REF-${randomUUID().slice(0, 8)}`,
          cardholderEmail: email,
          cardholderLanguage: 'nl',
        },
      ],
    },
    { key: accountant },
  );
  expect(res.status, JSON.stringify(res.body)).toBe(202);
  return { id: res.body.data[0].id as string, email };
}

const outbox = (caseId: string) =>
  stack.db.prisma.emailOutbox.findMany({ where: { caseType: 'caro', caseId }, orderBy: { createdAt: 'asc' } });
const sentTemplates = async (caseId: string) => (await outbox(caseId)).map((m) => m.template);
const waitForTemplate = (caseId: string, template: string, count = 1) =>
  waitFor(
    async () => ((await outbox(caseId)).filter((m) => m.template === template).length >= count ? true : undefined),
    `${count} × ${template}`,
  );
const get = async (id: string) =>
  (await stack.http('GET', `/v1/caro-orders/${id}`, undefined, { key: accountant })).body;
const waitForStatus = (id: string, status: string) =>
  waitFor(async () => {
    const body = await get(id);
    return body.status === status && body.history.at(-1)?.to === status ? body : undefined;
  }, `order ${id} ${status}`);
const linkIn = (text: string) => /https:\/\/bankfeed\.test\/l\/(\S+)/.exec(text)?.[1];

describe('ordering', () => {
  it('orders several cards at once: a signed link for other banks, bank-app steps without a link for KBC/CBC', async () => {
    const other = await clientWithAccount();
    const kbc = await clientWithAccount(KBC_IBAN);
    const res = await stack.http(
      'POST',
      '/v1/caro-orders',
      {
        orders: [
          { ...other, clientReference: 'REF-OTHER-1', cardholderEmail: 'a@example.be', cardholderLanguage: 'fr' },
          { ...kbc, clientReference: 'REF-KBC-1', cardholderEmail: 'b@example.be', cardholderLanguage: 'nl' },
        ],
      },
      { key: accountant },
    );
    expect(res.status).toBe(202);
    const [a, b] = res.body.data;
    expect(a).toMatchObject({ status: 'invitation_sent', kbcGroup: false, workflowId: `caro:${a.id}` });
    expect(b).toMatchObject({ status: 'invitation_sent', kbcGroup: true });
    await waitForTemplate(a.id, 'caro.invitation');
    await waitForTemplate(b.id, 'caro.bank-app-instructions');
    const [invitation] = await outbox(a.id);
    const token = linkIn(invitation!.text)!;
    expect(verifyLinkToken(token, TEST_LINK_ENV.LINK_SIGNING_SECRET, { purpose: 'caro-activation' }).subject).toBe(
      `${a.id}.1`,
    );
    const [instructions] = await outbox(b.id);
    expect(instructions!.text).not.toMatch(/\/l\//);
    expect(instructions!.text).toMatch(/KBC/);

    const detail = await get(a.id);
    expect(detail).toMatchObject({
      status: 'invitation_sent',
      linkVersion: 1,
      kbcGroup: false,
      whoseMove: 'cardholder',
      nextStep: { kind: 'reminder', number: 1 },
    });
    expect(detail.history[0]).toMatchObject({
      event: 'ordered',
      to: 'invitation_sent',
      actor: { kind: 'api-key', id: expect.any(String) },
    });

    const again = await stack.http(
      'POST',
      '/v1/caro-orders',
      {
        orders: [
          { ...other, clientReference: 'REF-OTHER-1', cardholderEmail: 'a@example.be', cardholderLanguage: 'fr' },
        ],
      },
      { key: accountant },
    );
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('caro_reference_in_use');
  });

  it('keeps no cardholder address in the stored answer of an Idempotency-Key order; the replay gives the same order', async () => {
    const body = {
      orders: [
        {
          ...(await clientWithAccount()),
          clientReference: `REF-${randomUUID().slice(0, 8)}`,
          cardholderEmail: 'idem-holder@example.be',
          cardholderLanguage: 'nl',
        },
      ],
    };
    const headers = { 'Idempotency-Key': `idem-${randomUUID()}` };
    const first = await stack.http('POST', '/v1/caro-orders', body, { key: accountant, headers });
    expect(first.status).toBe(202);
    const records = await stack.db.prisma.idempotencyRecord.findMany({ where: { key: headers['Idempotency-Key'] } });
    expect(records).toHaveLength(1);
    expect(JSON.stringify(records[0]!.responseBody)).not.toContain('idem-holder@example.be');
    const replay = await stack.http('POST', '/v1/caro-orders', body, { key: accountant, headers });
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.body.data[0]).toMatchObject({ id: first.body.data[0].id, cardholderEmail: null });
  });

  it('refuses a card number typed as client reference, storing nothing', async () => {
    const before = await stack.db.prisma.caroOrder.count();
    const res = await stack.http('POST', '/v1/caro-orders', {
      orders: [
        {
          ...(await clientWithAccount()),
          clientReference: '4111 1111 1111 1111',
          cardholderEmail: 'c@example.be',
          cardholderLanguage: 'fr',
        },
      ],
    });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].path).toBe('orders.0.clientReference');
    expect(await stack.db.prisma.caroOrder.count()).toBe(before);
  });

  it('an accountant of another office sees none of it', async () => {
    const { id } = await order();
    const otherOffice = (
      await stack.http('POST', '/v1/offices', { name: 'Other', language: 'nl', contactEmail: 'o@example.be' })
    ).body.id;
    const outsider = await stack.key('accountant', otherOffice);
    const read = await stack.http('GET', `/v1/caro-orders/${id}`, undefined, { key: outsider });
    expect([read.status, read.body.code, read.body.detail]).toEqual([404, 'not_found', 'CARO order not found']);
    for (const action of ['cancel', 'resend', 'activation-link']) {
      const res = await stack.http('POST', `/v1/caro-orders/${id}/${action}`, undefined, { key: outsider });
      expect([action, res.status, res.body.code]).toEqual([action, 404, 'not_found']);
    }
    const reactivate = await stack.http(
      'POST',
      `/v1/caro-orders/${id}/reactivate`,
      { cardholderEmail: 'x@example.be' },
      { key: outsider },
    );
    expect([reactivate.status, reactivate.body.code]).toEqual([404, 'not_found']);
    expect((await stack.http('GET', '/v1/caro-orders', undefined, { key: outsider })).body.data).toEqual([]);
    const clientId = (await stack.db.prisma.caroOrder.findUniqueOrThrow({ where: { id } })).clientId;
    const warning = await stack.http('GET', `/v1/clients/${clientId}/caro-preorder-warning`, undefined, {
      key: outsider,
    });
    expect([warning.status, warning.body.code]).toEqual([404, 'not_found']);
  });
});

describe('before ordering', () => {
  it("gives the office a ready-made warning for the cardholder, in the language asked or the client's", async () => {
    const { clientId } = await clientWithAccount();
    const nl = await stack.http('GET', `/v1/clients/${clientId}/caro-preorder-warning?language=nl`, undefined, {
      key: accountant,
    });
    expect(nl.status).toBe(200);
    expect(nl.body).toMatchObject({ language: 'nl', subject: expect.stringMatching(/kredietkaartafschriften/) });
    expect(nl.body.text).toMatch(/geen phishing/);
    expect(nl.body.text).toContain('Garage Martin SRL');
    const own = await stack.http('GET', `/v1/clients/${clientId}/caro-preorder-warning`, undefined, {
      key: accountant,
    });
    expect(own.body.language).toBe('fr');
  });
});

describe('accountant actions', () => {
  it('copy link gives the link e-mailed; resend issues version 2 and the old link no longer matches the order', async () => {
    const { id } = await order();
    await waitForTemplate(id, 'caro.invitation');
    const copied = await stack.http('POST', `/v1/caro-orders/${id}/activation-link`, undefined, { key: accountant });
    expect(copied.status).toBe(200);
    const [invitation] = await outbox(id);
    expect(copied.body.url).toBe(`https://bankfeed.test/l/${linkIn(invitation!.text)}`);

    const resent = await stack.http('POST', `/v1/caro-orders/${id}/resend`, undefined, { key: accountant });
    expect(resent.status).toBe(202);
    expect(resent.body).toMatchObject({ linkVersion: 2, status: 'invitation_sent', reminderCount: 0 });
    await waitForTemplate(id, 'caro.invitation', 2);
    const second = (await stack.http('POST', `/v1/caro-orders/${id}/activation-link`, undefined, { key: accountant }))
      .body;
    expect(second.linkVersion).toBe(2);
    expect(second.url).not.toBe(copied.body.url);
    const oldSubject = verifyLinkToken(copied.body.url.split('/l/')[1], TEST_LINK_ENV.LINK_SIGNING_SECRET, {
      purpose: 'caro-activation',
    }).subject;
    expect(oldSubject).toBe(`${id}.1`);
    expect((await stack.db.prisma.caroOrder.findUniqueOrThrow({ where: { id } })).linkVersion).toBe(2);
    const open = (url: string) => stack.http('GET', new URL(url).pathname, undefined, { key: null });
    const stale = await open(copied.body.url);
    expect(stale.status).toBe(410);
    expect(stale.body.code).toBe('link_superseded');
    const current = await open(second.url);
    expect(current.status).toBe(200);
    expect(current.body).toMatchObject({
      orderId: id,
      clientReference: expect.stringMatching(/^REF-/),
      companyName: 'Garage Martin SRL',
    });
    // After a failed attempt the cardholder retries with the same link; once cancelled it is closed.
    await stack.webhook('caro', event('caro.activation_failed', { orderId: id, reason: 'online_payments_disabled' }));
    await waitForStatus(id, 'problem');
    expect((await open(second.url)).status).toBe(200);
    await stack.http('POST', `/v1/caro-orders/${id}/cancel`, undefined, { key: accountant });
    expect((await open(second.url)).body.code).toBe('link_closed');
    expect((await open('https://bankfeed.test/l/v1.forged.token')).status).toBe(404);
    const trail = await stack.db.prisma.auditEvent.findMany({ where: { resourceId: id }, orderBy: { at: 'asc' } });
    expect(trail.map((a) => a.action)).toEqual([
      'caro.order',
      'caro.copy_link',
      'caro.resend',
      'caro.copy_link',
      'webhook.caro.caro.activation_failed',
      'caro.cancel',
    ]);
  });

  it('answers 409 with a clear message when the state does not allow the action', async () => {
    const kbc = await order(KBC_IBAN);
    const copy = await stack.http('POST', `/v1/caro-orders/${kbc.id}/activation-link`, undefined, { key: accountant });
    expect(copy.status).toBe(409);
    expect(copy.body).toMatchObject({
      code: 'caro_state_conflict',
      detail: expect.stringMatching(/KBC\/CBC order has no activation link/),
    });
    const reactivate = await stack.http(
      'POST',
      `/v1/caro-orders/${kbc.id}/reactivate`,
      { cardholderEmail: 'x@example.be' },
      { key: accountant },
    );
    expect(reactivate.status).toBe(409);
    expect((await stack.db.prisma.caroOrder.findUniqueOrThrow({ where: { id: kbc.id } })).cardholderEmail).not.toBe(
      'x@example.be',
    );
    const replay = await stack.http(
      'POST',
      `/v1/caro-orders/${kbc.id}/replay`,
      { dryRun: false },
      { key: await stack.key('support') },
    );
    expect(replay.status).toBe(409);
    expect(replay.body.detail).toMatch(/nothing to replay/);
  });

  it('cancel purges the cardholder address everywhere; reactivate invites the new address with a fresh schedule', async () => {
    const { id, email } = await order();
    await waitForTemplate(id, 'caro.invitation');
    const cancelled = await stack.http('POST', `/v1/caro-orders/${id}/cancel`, undefined, { key: accountant });
    expect(cancelled.status).toBe(202);
    expect(cancelled.body).toMatchObject({ status: 'cancelled', cardholderEmail: null });
    expect((await outbox(id)).map((m) => m.toAddress)).toEqual([null]);
    expect(await stack.db.prisma.emailOutbox.count({ where: { toAddress: email } })).toBe(0);
    expect((await stack.http('POST', `/v1/caro-orders/${id}/resend`, undefined, { key: accountant })).status).toBe(409);

    const reactivated = await stack.http(
      'POST',
      `/v1/caro-orders/${id}/reactivate`,
      { cardholderEmail: 'new-holder@example.be' },
      { key: accountant },
    );
    expect(reactivated.status).toBe(202);
    expect(reactivated.body).toMatchObject({
      status: 'invitation_sent',
      linkVersion: 2,
      cardholderEmail: 'new-holder@example.be',
    });
    await waitForTemplate(id, 'caro.invitation', 2);
    expect((await outbox(id)).map((m) => m.toAddress)).toEqual([null, 'new-holder@example.be']);
    expect((await get(id)).history.map((t: { event: string }) => t.event)).toEqual([
      'ordered',
      'cancelled',
      'reactivated',
    ]);
  });
});

describe('one order at a time per client reference', () => {
  it('refuses to reactivate a cancelled order once its reference was ordered again, as a second order is', async () => {
    const { clientId, bankAccountId } = await clientWithAccount();
    const item = {
      clientId,
      bankAccountId,
      clientReference: `REF-${randomUUID().slice(0, 8)}`,
      cardholderLanguage: 'nl',
    };
    const place = (cardholderEmail: string) =>
      stack.http('POST', '/v1/caro-orders', { orders: [{ ...item, cardholderEmail }] }, { key: accountant });
    const first = (await place('first@example.be')).body.data[0].id as string;
    await waitForTemplate(first, 'caro.invitation');
    expect((await place('again@example.be')).body.code).toBe('caro_reference_in_use');
    expect((await stack.http('POST', `/v1/caro-orders/${first}/cancel`, undefined, { key: accountant })).status).toBe(
      202,
    );
    const second = await place('second@example.be');
    expect(second.status).toBe(202);

    const reactivated = await stack.http(
      'POST',
      `/v1/caro-orders/${first}/reactivate`,
      { cardholderEmail: 'first@example.be' },
      { key: accountant },
    );
    expect([reactivated.status, reactivated.body.code]).toEqual([409, 'caro_reference_in_use']);
    expect(reactivated.body.detail).toContain(second.body.data[0].id);
    expect(await stack.db.prisma.caroOrder.findUniqueOrThrow({ where: { id: first } })).toMatchObject({
      status: 'cancelled',
      cardholderEmail: null,
    });
  });
});

describe('outcomes through the signed webhook', () => {
  it.each(CARO_PROBLEM_REASONS)(
    '%s: problem with the reason and the office-language guidance, e-mailed to the office; a later success ends active',
    async (reason) => {
      const { id } = await order();
      await waitForTemplate(id, 'caro.invitation');
      const failed = await stack.webhook('caro', event('caro.activation_failed', { orderId: id, reason }));
      expect(failed.body).toEqual({ status: 'accepted', handled: true });
      const problem = await waitForStatus(id, 'problem');
      expect(problem).toMatchObject({
        problemReason: reason,
        guidance: { language: 'fr', title: expect.any(String), todo: expect.any(Array) },
      });
      expect(problem.history.at(-1).reason).toBe(reason);
      await waitForTemplate(id, 'caro.failure');
      const guidanceMail = (await outbox(id)).find((m) => m.template === 'caro.failure')!;
      expect(guidanceMail).toMatchObject({ toAddress: 'office@example.be', language: 'fr' });
      expect(guidanceMail.text).toContain(problem.guidance.cause);

      expect((await stack.webhook('caro', event('caro.activated', { orderId: id }))).status).toBe(202);
      const active = await waitForStatus(id, 'active');
      expect(active).toMatchObject({ problemReason: null, guidance: null, statementsFrom: '2026-12-01T00:00:00.000Z' });
    },
  );

  it('success: confirmation with the terms, then the address is deleted; duplicate and late failure callbacks change nothing', async () => {
    const { id, email } = await order();
    const success = event('caro.activated', { orderId: id });
    expect((await stack.webhook('caro', success)).status).toBe(202);
    expect((await stack.webhook('caro', success)).body).toEqual({ status: 'duplicate' });
    await waitForStatus(id, 'active');
    await waitForTemplate(id, 'caro.confirmation');
    await waitFor(
      async () =>
        (await stack.db.prisma.caroOrder.findUniqueOrThrow({ where: { id } })).cardholderEmail === null
          ? true
          : undefined,
      'the purge',
    );
    const confirmation = (await outbox(id)).find((m) => m.template === 'caro.confirmation')!;
    expect(confirmation).toMatchObject({ status: 'sent', toAddress: null });
    expect(confirmation.text).toMatch(/https:\/\/bankfeed\.test\/terms\/caro/);
    expect(await stack.db.prisma.emailOutbox.count({ where: { toAddress: email } })).toBe(0);

    expect(
      (await stack.webhook('caro', event('caro.activation_failed', { orderId: id, reason: 'debit_card' }))).status,
    ).toBe(202);
    await temporal.sleep(60_000);
    const after = await get(id);
    expect(after).toMatchObject({ status: 'active', problemReason: null });
    expect(after.history.map((t: { event: string }) => t.event)).toEqual(['ordered', 'activated']);
    expect(await sentTemplates(id)).toEqual(['caro.invitation', 'caro.confirmation']);
    const resend = await stack.http('POST', `/v1/caro-orders/${id}/resend`, undefined, { key: accountant });
    expect(resend.status).toBe(409);
    expect(resend.body.detail).toMatch(/cannot resend the invitation of an order in state active/);
  });

  it('a card number in a callback is refused, and no trace of it is stored anywhere', async () => {
    const { id } = await order();
    const res = await stack.webhook(
      'caro',
      event('caro.activation_failed', { orderId: id, reason: 'debit_card', card: '4111111111111111' }),
    );
    expect(res.status).toBe(400);
    const traces = await stack.db.prisma.$queryRaw<{ n: number }[]>`
      SELECT (SELECT count(*) FROM webhook_events WHERE payload::text LIKE '%4111111111111111%')
           + (SELECT count(*) FROM audit_events WHERE details::text LIKE '%4111111111111111%')
           + (SELECT count(*) FROM caro_orders WHERE row_to_json(caro_orders)::text LIKE '%4111111111111111%')
           + (SELECT count(*) FROM email_outbox WHERE row_to_json(email_outbox)::text LIKE '%4111111111111111%') AS n`;
    expect(Number(traces[0]!.n)).toBe(0);
    expect((await get(id)).status).toBe('invitation_sent');
  });
});

describe('schedule through the real stack', () => {
  it('reminders on days 14, 28, 42 are recorded with their address; expiry on day 56 purges it from the order, the outbox and reminders_sent', async () => {
    const { id, email } = await order();
    await waitForTemplate(id, 'caro.invitation');
    for (const [days, count] of [
      [15, 1],
      [14, 2],
      [14, 3],
    ] as const) {
      await temporal.sleep(days * DAY);
      await waitForTemplate(id, 'caro.reminder', count);
    }
    const reminded = await get(id);
    expect(reminded).toMatchObject({ reminderCount: 3, status: 'invitation_sent' });
    expect(reminded.reminders.map((r: { number: number; toAddress: string }) => [r.number, r.toAddress])).toEqual([
      [1, email],
      [2, email],
      [3, email],
    ]);
    expect(reminded.nextStep).toMatchObject({ kind: 'expiry' });

    await temporal.sleep(14 * DAY);
    const expired = await waitForStatus(id, 'invitation_expired');
    expect(expired.cardholderEmail).toBeNull();
    await waitFor(
      async () =>
        (await stack.db.prisma.reminderSent.count({
          where: { caseType: 'caro', caseId: id, toAddress: { not: null } },
        })) === 0
          ? true
          : undefined,
      'reminder addresses purged',
    );
    expect((await outbox(id)).map((m) => m.toAddress)).toEqual([null, null, null, null]);
    const anywhere = await stack.db.prisma.$queryRaw<{ n: number }[]>`
      SELECT (SELECT count(*) FROM caro_orders WHERE "cardholderEmail" = ${email})
           + (SELECT count(*) FROM email_outbox WHERE "toAddress" = ${email})
           + (SELECT count(*) FROM reminders_sent WHERE "toAddress" = ${email}) AS n`;
    expect(Number(anywhere[0]!.n)).toBe(0);
  });
});

describe('listing', () => {
  it('filters by status and reason, with cursor pagination', async () => {
    const a = await order();
    const b = await order();
    await stack.webhook('caro', event('caro.activation_failed', { orderId: a.id, reason: 'debit_card' }));
    await stack.webhook('caro', event('caro.activation_failed', { orderId: b.id, reason: 'debit_card' }));
    await waitForStatus(a.id, 'problem');
    await waitForStatus(b.id, 'problem');
    const first = await stack.http('GET', '/v1/caro-orders?reason=debit_card&limit=1', undefined, { key: accountant });
    expect(first.body.data).toHaveLength(1);
    const second = await stack.http(
      'GET',
      `/v1/caro-orders?reason=debit_card&limit=1&cursor=${first.body.nextCursor}`,
      undefined,
      { key: accountant },
    );
    const both = [...first.body.data, ...second.body.data];
    expect(new Set(both.map((o: { id: string }) => o.id)).size).toBe(2);
    expect(both.every((o: { problemReason: string }) => o.problemReason === 'debit_card')).toBe(true);
    const all = await stack.http('GET', '/v1/caro-orders?status=problem&limit=200', undefined, { key: accountant });
    expect(all.body.data.every((o: { status: string }) => o.status === 'problem')).toBe(true);
    expect(all.body.data.map((o: { id: string }) => o.id)).toEqual(expect.arrayContaining([a.id, b.id]));
  });
});
