import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectDeclaredResponse } from '../helpers/schemas.js';
import { newClientAccount, orderCaro } from '../helpers/cases.js';
import { startTestStack, type TestStack } from '../helpers/stack.js';
import { createTimeSkippingEnv } from '../helpers/temporal.js';
import { waitFor } from '../helpers/wait.js';

// The case detail and timeline read the database only: state changes (case_transitions), e-mails,
// callbacks, people's actions, notes and the next step, in order, whatever the worker does.
let temporal: TestWorkflowEnvironment;
let stack: TestStack;
let officeId: string;
let support: string;
let accountant: string;
let outsider: string;
const DAY = 86_400_000;

beforeAll(async () => {
  temporal = await createTimeSkippingEnv();
  stack = await startTestStack(temporal);
  const office = (name: string) =>
    stack.http('POST', '/v1/offices', { name, language: 'nl', contactEmail: 'office@example.be' });
  officeId = (await office('Kantoor Timeline')).body.id;
  support = await stack.key('support');
  accountant = await stack.key('accountant', officeId);
  outsider = await stack.key('accountant', (await office('Kantoor Elders')).body.id);
});
afterAll(async () => {
  await stack?.stop();
  await temporal?.teardown();
});

type Entry = { kind: string; at: string } & Record<string, any>;
const sandbox = (provider: string, type: string, data: Record<string, unknown>) =>
  stack.http('POST', `/v1/sandbox/webhooks/${provider}`, { type, data });
const newAccount = (iban?: string) =>
  newClientAccount(stack, {
    officeId,
    companyName: 'Brouwerij Timeline',
    email: 'boekhouding@timeline.be',
    codePrefix: 'T',
    ...(iban ? { iban } : {}),
  });
const detail = async (path: string, operationId: string, key?: string) => {
  const res = await stack.http('GET', path, undefined, key ? { key } : {});
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  expectDeclaredResponse(operationId, 200, res.body);
  return res.body;
};
const untilStatus = (path: string, operationId: string, status: string) =>
  waitFor(async () => ((d) => (d.status === status ? d : undefined))(await detail(path, operationId)), status);
const timeline = async (path: string, operationId: string, key?: string) => {
  const body = await detail(`${path}/timeline`, operationId, key);
  const entries = body.entries as Entry[];
  const dated = entries.filter((e) => e.kind !== 'next_step');
  expect(dated.map((e) => e.at)).toEqual([...dated.map((e) => e.at)].sort((a, b) => Date.parse(a) - Date.parse(b)));
  return entries;
};
const steps = (entries: Entry[]) => entries.filter((e) => e.kind === 'state_change').map((e) => [e.from, e.to]);
const kinds = (entries: Entry[], wanted: string[]) =>
  entries.filter((e) => wanted.includes(e.kind)).map((e) => e.template ?? e.eventType ?? e.action ?? e.to);

describe('a case’s detail and timeline, from the database', () => {
  it('a mandate walked to active through the sandbox lists every step in order', async () => {
    const { accountId } = await newAccount();
    const ordered = await stack.http('POST', '/v1/mandates', {
      bankAccountIds: [accountId],
      managementMode: 'service',
    });
    const id = ordered.body.data[0].mandate.id as string;
    const path = `/v1/mandates/${id}`;
    const sent = await untilStatus(path, 'getMandate', 'sent_to_client');
    expect(sent).toMatchObject({
      whoseMove: 'client',
      startPending: false,
      nextStep: { kind: 'reminder', number: 1 },
      history: [{ from: 'registered', to: 'in_preparation' }, { to: 'sent_to_client' }],
    });
    expect(sent.timeInStateMs).toBeGreaterThanOrEqual(0);
    await waitFor(
      async () => ((await timeline(path, 'getMandateTimeline')).some((e) => e.status === 'sent') ? true : undefined),
      'the invitation sent',
    );
    expect((await sandbox('esign', 'mandate.signed', { mandateId: id })).body.webhook.status).toBe(202);
    await untilStatus(path, 'getMandate', 'bank_processing');
    expect((await sandbox('banklink', 'bank.mandate_accepted', { mandateId: id })).body.webhook.status).toBe(202);
    const active = await untilStatus(path, 'getMandate', 'active');
    expect(active).toMatchObject({ whoseMove: 'nobody', nextStep: null });

    const entries = await timeline(path, 'getMandateTimeline');
    expect(steps(entries)).toEqual([
      ['registered', 'in_preparation'],
      ['in_preparation', 'sent_to_client'],
      ['sent_to_client', 'signed'],
      ['signed', 'bank_processing'],
      ['bank_processing', 'active'],
    ]);
    // The order's audit row is written as its workflow starts: either may come first.
    expect(kinds(entries, ['action'])).toEqual(['mandate.order']);
    // The invitation goes out, then the mandate is presented (sent_to_client).
    expect(kinds(entries, ['state_change', 'email', 'callback'])).toEqual([
      'in_preparation',
      'mandate.invitation',
      'sent_to_client',
      'mandate.signed',
      'signed',
      'bank_processing',
      'bank.mandate_accepted',
      'active',
    ]);
    expect(entries.find((e) => e.kind === 'callback')).toMatchObject({
      provider: 'esign',
      outcome: 'handled',
      eventId: expect.any(String),
    });
    expect(entries.find((e) => e.kind === 'action')).toMatchObject({
      actor: { keyId: expect.any(String), role: 'operator' },
    });
    expect(entries.find((e) => e.kind === 'email')).toMatchObject({ language: 'nl', status: 'sent', reason: null });
    expect(JSON.stringify(entries)).not.toContain('boekhouding@timeline.be');
    expect(entries.at(-1)!.kind).not.toBe('next_step');
  });

  it('a CARO order failed, replayed and activated lists every step in order, its next step last while open', async () => {
    const { clientId, accountId } = await newAccount('BE68 5390 0754 7034');
    const id = await orderCaro(stack, { clientId, accountId, cardholderEmail: 'holder@timeline.be' });
    const path = `/v1/caro-orders/${id}`;
    // The row starts in invitation_sent: its first transition (with the invitation's dates) is the workflow's.
    const open = await waitFor(async () => {
      const d = await detail(path, 'getCaroOrder');
      return d.history.length === 1 ? d : undefined;
    }, 'the invitation');
    expect(open).toMatchObject({ whoseMove: 'cardholder', nextStep: { kind: 'reminder', number: 1 } });
    const whileOpen = await timeline(path, 'getCaroOrderTimeline');
    expect(whileOpen.at(-1)).toMatchObject({ kind: 'next_step', step: { kind: 'reminder', number: 1 } });

    await sandbox('caro', 'caro.activation_failed', { orderId: id, reason: 'debit_card' });
    await untilStatus(path, 'getCaroOrder', 'problem');
    const replayed = await stack.http('POST', `${path}/replay`, { dryRun: false }, { key: support });
    expect(replayed.status, JSON.stringify(replayed.body)).toBe(202);
    await untilStatus(path, 'getCaroOrder', 'invitation_sent');
    await sandbox('caro', 'caro.activated', { orderId: id });
    const active = await untilStatus(path, 'getCaroOrder', 'active');
    expect(active).toMatchObject({ whoseMove: 'nobody', nextStep: null });
    expect(active.history.map((h: { event: string }) => h.event)).toEqual([
      'ordered',
      'failed',
      'replayed',
      'activated',
    ]);

    const entries = await waitFor(async () => {
      const all = await timeline(path, 'getCaroOrderTimeline');
      return all.filter((e) => e.kind === 'email').length >= 4 ? all : undefined;
    }, 'the confirmation e-mail');
    expect(steps(entries)).toEqual([
      [null, 'invitation_sent'],
      ['invitation_sent', 'problem'],
      ['problem', 'invitation_sent'],
      ['invitation_sent', 'active'],
    ]);
    expect(kinds(entries, ['action'])).toEqual(['caro.order', 'caro.replay']);
    const order = kinds(entries, ['state_change', 'callback', 'action']).filter((k) => k !== 'caro.order');
    expect(order).toEqual([
      'invitation_sent',
      'caro.activation_failed',
      'problem',
      'invitation_sent',
      'caro.replay',
      'caro.activated',
      'active',
    ]);
    expect(entries.find((e) => e.action === 'caro.replay')).toMatchObject({ actor: { role: 'support' } });
    expect(JSON.stringify(entries)).not.toContain('holder@timeline.be');
  });
});

describe('scoping and the deadline changes of a consent', () => {
  it('another office’s case is 404 on its detail, timeline, notes and workflow; the live part is the back office’s', async () => {
    const { accountId } = await newAccount();
    const ordered = await stack.http('POST', '/v1/mandates', { bankAccountIds: [accountId], managementMode: 'office' });
    const id = ordered.body.data[0].mandate.id as string;
    for (const suffix of ['', '/timeline', '/notes']) {
      const res = await stack.http('GET', `/v1/mandates/${id}${suffix}`, undefined, { key: outsider });
      expect(res.status, suffix).toBe(404);
      expect(res.body).toMatchObject({ code: 'not_found' });
      expect((await stack.http('GET', `/v1/mandates/${id}${suffix}`, undefined, { key: accountant })).status).toBe(200);
    }
    expect((await stack.http('GET', `/v1/mandates/${id}/workflow`, undefined, { key: accountant })).status).toBe(403);
    const live = await stack.http('GET', `/v1/mandates/${id}/timeline?workflow=true`, undefined, { key: accountant });
    expect(live).toMatchObject({ status: 403, body: { code: 'forbidden' } });
    const bad = await stack.http('GET', `/v1/mandates/${id}/timeline?workflow=yes`);
    expect(bad).toMatchObject({ status: 400, body: { errors: [{ in: 'query', path: 'workflow' }] } });
    const withWorkflow = await detail(`/v1/mandates/${id}/timeline?workflow=true`, 'getMandateTimeline', support);
    // No TEMPORAL_UI_URL in the test stack: no Web UI link (tests/console/browser-case.test.ts checks one).
    expect(withWorkflow.workflow).toMatchObject({ status: 'RUNNING', available: true, reason: null, webUiUrl: null });
    expect(withWorkflow.workflow.state).toMatchObject({ whoseMove: expect.any(String) });
  });

  it('a consent’s reminder (expires_soon) and its expiry are state changes in its timeline', async () => {
    const created = await stack.http('POST', '/v1/connections', {
      officeId,
      provider: 'ponto',
      ownerEmail: 'owner@timeline.be',
      ownerLanguage: 'nl',
      ibans: ['BE68539007547034'],
      validUntil: new Date(Date.now() + 2 * DAY).toISOString(),
    });
    const path = `/v1/connections/${created.body.id}`;
    const waiting = await detail(path, 'getConnection');
    expect(waiting).toMatchObject({ status: 'connected', whoseMove: 'nobody', nextStep: { kind: 'reminder' } });
    await temporal.sleep(1.5 * DAY);
    const soon = await untilStatus(path, 'getConnection', 'expires_soon');
    expect(soon).toMatchObject({ whoseMove: 'owner', history: [{ from: 'connected', to: 'expires_soon' }] });
    await temporal.sleep(DAY);
    const expired = await untilStatus(path, 'getConnection', 'expired');
    expect(expired).toMatchObject({ nextStep: null, history: [{ event: 'reminded' }, { event: 'expired' }] });
    const entries = await waitFor(async () => {
      const all = await timeline(path, 'getConnectionTimeline');
      return all.filter((e) => e.kind === 'email').length === 3 ? all : undefined;
    }, 'the expiry e-mails');
    // State changes carry workflow time, e-mails the database's: the skipped days put the changes after
    // the e-mails here (in production both clocks agree), so each kind is checked in its own order.
    expect(kinds(entries, ['state_change'])).toEqual(['expires_soon', 'expired']);
    expect(kinds(entries, ['email'])).toEqual(['consent.reminder', 'consent.expired.owner', 'consent.expired.office']);
    expect(entries.find((e) => e.to === 'expired')).toMatchObject({ from: 'expires_soon', actor: { kind: 'system' } });
  });
});

describe('with the worker stopped', () => {
  it('the detail and the timeline are complete; the live view says no worker answered', async () => {
    const { accountId } = await newAccount();
    const ordered = await stack.http('POST', '/v1/mandates', { bankAccountIds: [accountId], managementMode: 'office' });
    const id = ordered.body.data[0].mandate.id as string;
    const path = `/v1/mandates/${id}`;
    const presented = await untilStatus(path, 'getMandate', 'available_online');
    stack.worker.shutdown();
    await waitFor(async () => (stack.worker.getState() === 'STOPPED' ? true : undefined), 'the worker to stop');

    const started = Date.now();
    const read = await detail(path, 'getMandate');
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(read).toEqual(presented);
    expect(read).toMatchObject({ whoseMove: 'office', startPending: false, history: [{}, {}] });
    const live = await detail(`${path}/workflow`, 'getMandateWorkflow', support);
    expect(live).toMatchObject({ status: 'RUNNING', state: null, available: false });
    expect(live.reason).toMatch(/no worker answered .* within 2 s/);
    const withWorkflow = await detail(`${path}/timeline?workflow=true`, 'getMandateTimeline', support);
    expect(withWorkflow.workflow).toMatchObject({ available: false, reason: expect.stringMatching(/no worker/) });
    expect(steps(withWorkflow.entries)).toEqual([
      ['registered', 'in_preparation'],
      ['in_preparation', 'available_online'],
    ]);
  });
});
