import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ResendSender } from '../../activities/email/resend-sender.js';
import { startFakeResend, validationError, type FakeResend } from '../email/fake-resend.js';
import { parseMetrics, sample } from '../helpers/prometheus.js';
import { expectDeclaredResponse } from '../helpers/schemas.js';
import { startTestStack, type TestStack } from '../helpers/stack.js';
import { createTimeSkippingEnv } from '../helpers/temporal.js';
import { waitFor } from '../helpers/wait.js';

// The work queue over HTTP against the real stack: a scripted mix of outcomes (the office's
// actions, the providers played by the sandbox, short schedules so reminders, stalls and expiries
// happen within seconds), then GET /v1/cases?attention=true lists exactly the cases needing it.
let temporal: TestWorkflowEnvironment;
let stack: TestStack;
let resend: FakeResend;
const DAY = 86_400_000;
const wait = { timeoutMs: 30_000 };

beforeAll(async () => {
  temporal = await createTimeSkippingEnv();
  resend = await startFakeResend();
  stack = await startTestStack(temporal, {
    // E-mail through the real Resend SDK to a local fake, which can refuse an address.
    email: new ResendSender({
      apiKey: resend.apiKey,
      from: 'Bankfeed <no-reply@bankfeed.example>',
      baseUrl: resend.url,
    }),
    mandateSchedule: { remindersMs: [1_000, 2_000], stalledAfterMs: 3_000, bankLinkIssueAfterMs: 1_000 },
    // One reminder after a second: from then on an open invitation is in its last stretch before expiry.
    caroSchedule: { remindersMs: [1_000], expiryMs: 30 * DAY },
  });
}, 60_000);
afterAll(async () => {
  await stack?.stop();
  await resend?.close();
  await temporal?.teardown();
});

const post = async (path: string, body: unknown) => {
  const res = await stack.http('POST', path, body);
  expect(res.status, `${path} ${JSON.stringify(res.body)}`).toBeLessThan(300);
  return res.body;
};
const get = async (path: string, key?: string) => {
  const res = await stack.http('GET', path, undefined, key ? { key } : {});
  expect(res.status, `${path} ${JSON.stringify(res.body)}`).toBe(200);
  return res.body;
};
const sandbox = (provider: string, type: string, data: Record<string, unknown>) =>
  post(`/v1/sandbox/webhooks/${provider}`, { type, data });
const until = (path: string, test: (body: any) => boolean, what: string) =>
  waitFor(
    async () => {
      const body = await get(path);
      return test(body) ? body : undefined;
    },
    what,
    wait.timeoutMs,
  );

async function office(name: string) {
  return (await post('/v1/offices', { name, language: 'fr', contactEmail: 'office@example.be' })).id as string;
}
async function client(officeId: string, code: string, email?: string) {
  return (
    await post('/v1/clients', {
      officeId,
      companyName: `Client ${code}`,
      clientCode: code,
      language: 'fr',
      ...(email ? { email } : {}),
    })
  ).id as string;
}
const account = async (clientId: string, iban: string) =>
  (await post(`/v1/clients/${clientId}/bank-accounts`, { iban })).id as string;
const mandate = async (bankAccountId: string, managementMode: 'office' | 'service') =>
  (await post('/v1/mandates', { bankAccountIds: [bankAccountId], managementMode })).data[0].mandate.id as string;
const caro = async (clientId: string, bankAccountId: string, clientReference: string) =>
  (
    await post('/v1/caro-orders', {
      orders: [
        { clientId, bankAccountId, clientReference, cardholderEmail: 'holder@example.be', cardholderLanguage: 'fr' },
      ],
    })
  ).data[0].id as string;
const connection = async (officeId: string, validUntilMs: number, ownerEmail: string | null = 'owner@example.be') =>
  (
    await post('/v1/connections', {
      officeId,
      provider: 'ponto',
      ...(ownerEmail ? { ownerEmail } : {}),
      ownerLanguage: 'fr',
      ibans: ['BE68539007547034'],
      validUntil: new Date(validUntilMs).toISOString(),
    })
  ).id as string;

type Row = { caseId: string; attention: { kind: string; since: string; reason: string; guidance?: unknown }[] };
const kindsById = (rows: Row[]) =>
  Object.fromEntries(rows.map((r) => [r.caseId, r.attention.map((a) => a.kind).sort()]));

const ids: Record<string, string> = {};
let officeA: string;
let officeB: string;

describe('the attention queue after a scripted mix of outcomes', () => {
  it('sets the cases up and lets their workflows get there', async () => {
    officeA = await office('Fiduciaire Attention');
    officeB = await office('Kantoor Elders');
    const withEmail = await client(officeA, 'ATT-1', 'client@example.be');
    const elsewhere = await client(officeB, 'ELS-1', 'elders@example.be');

    // First, while nothing else sends: the provider refuses a cardholder's address, the run FAILS;
    // the cardholder's activation then reaches a workflow that is not running (stored, not handled).
    const bouncedAccount = await account(withEmail, 'BE02310765432140');
    resend.script(validationError('The `to` address is on the suppression list.'));
    ids.caroBounced = await caro(withEmail, bouncedAccount, '4-0000004-04');
    await until(`/v1/caro-orders/${ids.caroBounced}/workflow`, (w) => w.status === 'FAILED', 'the run to fail');
    const unhandled = await sandbox('caro', 'caro.activated', { orderId: ids.caroBounced });
    expect(unhandled.webhook.body).toEqual({ status: 'accepted', handled: false });

    ids.problem = await mandate(await account(withEmail, 'BE21001234567803'), 'office');
    ids.stalled = await mandate(await account(withEmail, 'BE72363111111116'), 'service');
    ids.kbc = await mandate(await account(withEmail, 'BE09734123456757'), 'office');
    ids.fine = await mandate(await account(withEmail, 'BE15979333333330'), 'office');
    ids.elsewhere = await mandate(await account(elsewhere, 'BE96143444444405'), 'office');

    const cardAccount = await account(withEmail, 'BE68539007547034');
    ids.caroFailed = await caro(withEmail, cardAccount, '4-0000001-01');
    ids.caroActive = await caro(withEmail, cardAccount, '4-0000002-02');
    ids.caroOpen = await caro(withEmail, cardAccount, '4-0000003-03');

    ids.consentFine = await connection(officeA, Date.now() + 90 * DAY);
    ids.consentSoon = await connection(officeA, Date.now() + 10 * DAY);
    ids.consentExpired = await connection(officeA, Date.now() + 4_000);
    ids.consentJournal = await connection(officeA, Date.now() + 90 * DAY);
    ids.consentNoOwner = await connection(officeA, Date.now() + 12 * DAY, null);

    // The office's and the providers' moves.
    await until(`/v1/mandates/${ids.problem}`, (m) => m.status === 'available_online', 'presented');
    await post(`/v1/mandates/${ids.problem}/problem`, { reason: 'signer_not_authorised' });
    await until(`/v1/mandates/${ids.elsewhere}`, (m) => m.status === 'available_online', 'presented');
    await post(`/v1/mandates/${ids.elsewhere}/problem`, { reason: 'bank_data_outdated' });
    await sandbox('caro', 'caro.activation_failed', { orderId: ids.caroFailed, reason: 'debit_card' });
    await sandbox('caro', 'caro.activated', { orderId: ids.caroActive });
    await sandbox('aggregator', 'connection.status_changed', {
      connectionId: ids.consentJournal,
      status: 'journal_missing',
    });
    // "Remind now" of a connection whose owner has no address on file: the reminder cannot go out.
    const remind = await stack.http('POST', `/v1/connections/${ids.consentNoOwner}/remind`, {});
    expect(remind.status, JSON.stringify(remind.body)).toBeLessThan(500);

    // What the workflows do on their own, on the short schedules.
    await until(`/v1/mandates/${ids.problem}`, (m) => m.status === 'problem', 'problem');
    await until(`/v1/mandates/${ids.stalled}`, (m) => m.stalledAt !== null, 'stalled');
    await until(`/v1/mandates/${ids.kbc}`, (m) => m.linkIssueAt !== null, 'bank link issue');
    await until(`/v1/caro-orders/${ids.caroFailed}`, (o) => o.status === 'problem', 'CARO problem');
    await until(`/v1/caro-orders/${ids.caroActive}`, (o) => o.status === 'active', 'CARO active');
    await until(`/v1/caro-orders/${ids.caroOpen}`, (o) => o.reminderCount >= 1, 'CARO reminded');
    await until(`/v1/connections/${ids.consentJournal}`, (c) => c.status === 'journal_missing', 'journal missing');
    await until(`/v1/connections/${ids.consentExpired}`, (c) => c.status === 'expired', 'expired');
  }, 120_000);

  it('GET /v1/cases?attention=true lists exactly the cases that need it, with their reasons, oldest first', async () => {
    const res = await stack.http('GET', '/v1/cases?attention=true&limit=200');
    expect(res.status).toBe(200);
    expectDeclaredResponse('listCases', 200, res.body);
    const rows = res.body.data as Row[];
    expect(kindsById(rows)).toEqual({
      [ids.problem!]: ['mandate_problem'],
      [ids.elsewhere!]: ['mandate_problem'],
      [ids.stalled!]: ['mandate_stalled'],
      [ids.consentNoOwner!]: ['consent_expiring', 'email_not_sent'],
      [ids.kbc!]: ['mandate_bank_link'],
      [ids.caroFailed!]: ['caro_problem'],
      [ids.caroOpen!]: ['caro_invitation_expiring'],
      [ids.consentSoon!]: ['consent_expiring'],
      [ids.consentExpired!]: ['consent_expired'],
      [ids.caroBounced!]: ['callback_not_handled', 'email_not_sent'],
      [ids.consentJournal!]: ['consent_action'],
    });
    const firstSince = rows.map((r) => Math.min(...r.attention.map((a) => Date.parse(a.since))));
    expect(firstSince).toEqual([...firstSince].sort((x, y) => x - y));
    const reasons = Object.fromEntries(rows.map((r) => [r.caseId, r.attention.map((a) => a.reason)]));
    expect(reasons[ids.problem!]).toEqual(['mandate in problem: signer not authorised']);
    expect(reasons[ids.consentJournal!]).toEqual([
      'journal missing: create a ledger journal for this IBAN, then reactivate',
    ]);
    expect(reasons[ids.consentNoOwner!]).toContain('e-mail not sent (consent.reminder: no e-mail address on file)');
    expect(reasons[ids.caroBounced!]).toContain(
      'provider callback stored but not handled (caro caro.activated: the order’s workflow is not running (it failed and waits for support to replay it))',
    );
    const failed = rows.find((r) => r.caseId === ids.caroFailed)!.attention[0]!;
    expect(failed).toMatchObject({
      reason: 'CARO activation failed: debit card',
      guidance: { language: 'fr', title: expect.any(String), todo: expect.any(Array) },
    });
  });

  it('attention=<kind> lists that kind only; pages keep the order', async () => {
    const problems = await get('/v1/cases?attention=mandate_problem');
    expect(problems.data.map((r: Row) => r.caseId).sort()).toEqual([ids.problem, ids.elsewhere].sort());
    const paged: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { data: Row[]; nextCursor: string | null } = await get(
        `/v1/cases?attention=true&limit=3${cursor ? `&cursor=${cursor}` : ''}`,
      );
      paged.push(...page.data.map((r) => r.caseId));
      cursor = page.nextCursor;
    } while (cursor);
    const whole = (await get('/v1/cases?attention=true&limit=200')).data.map((r: Row) => r.caseId);
    expect(paged).toEqual(whole);
  });

  it("an accountant's queue holds their office's cases only", async () => {
    const key = await stack.key('accountant', officeB);
    const rows = (await get('/v1/cases?attention=true', key)).data as Row[];
    expect(kindsById(rows)).toEqual({ [ids.elsewhere!]: ['mandate_problem'] });
  });

  it('GET /v1/cases/summary counts per journey × status and per kind, with the median time in state', async () => {
    const res = await stack.http('GET', '/v1/cases/summary');
    expect(res.status).toBe(200);
    expectDeclaredResponse('getCasesSummary', 200, res.body);
    const count = (journey: string, status: string) =>
      res.body.states.find((s: { journey: string; status: string }) => s.journey === journey && s.status === status)
        ?.count;
    expect(count('mandate', 'problem')).toBe(2);
    expect(count('caro', 'active')).toBe(1);
    expect(count('consent', 'expired')).toBe(1);
    expect(count('consent', 'journal_missing')).toBe(1);
    for (const s of res.body.states) expect(s.medianTimeInStateMs).toBeGreaterThanOrEqual(0);
    const kinds = Object.fromEntries(res.body.attention.map((a: { kind: string; count: number }) => [a.kind, a.count]));
    expect(kinds).toEqual({
      mandate_problem: 2,
      mandate_stalled: 1,
      mandate_bank_link: 1,
      caro_problem: 1,
      caro_invitation_expiring: 1,
      consent_expiring: 2,
      consent_expired: 1,
      consent_action: 1,
      email_not_sent: 2,
      callback_not_handled: 1,
    });
    expect(res.body.attentionTotal).toBe(11);
    const key = await stack.key('accountant', officeA);
    const own = (await get('/v1/cases/summary', key)) as { attentionTotal: number };
    expect(own.attentionTotal).toBe(10);
  });

  it('GET /metrics has the same counts as bankfeed_cases_attention{kind}', async () => {
    const summary = await get('/v1/cases/summary');
    const res = await fetch(`${stack.api.url}/metrics`);
    const families = parseMetrics(await res.text());
    for (const { kind, count } of summary.attention as { kind: string; count: number }[])
      expect(sample(families, 'bankfeed_cases_attention', { kind }), kind).toBe(count);
    expect(sample(families, 'bankfeed_cases_attention', { kind: 'mandate_problem' })).toBe(2);
  });
});
