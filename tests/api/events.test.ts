import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordTransition } from '../../activities/case-transitions.js';
import { newClientAccount, orderCaro } from '../helpers/cases.js';
import { startTestStack, type TestStack } from '../helpers/stack.js';
import { createTimeSkippingEnv } from '../helpers/temporal.js';
import { waitFor } from '../helpers/wait.js';

// GET /v1/events: every change of a case, in order, from the transaction that made it; scoped like
// everything else; never an address. Walked over HTTP with the real worker and Temporal.
let temporal: TestWorkflowEnvironment;
let stack: TestStack;
let officeId: string;
let accountant: string;
let outsider: string;
const DAY = 86_400_000;

type Event = {
  id: string;
  type: string;
  caseId: string | null;
  journey: string | null;
  sequence: number;
  status: string | null;
  cursor: string;
  data: Record<string, unknown>;
} & Record<string, unknown>;

beforeAll(async () => {
  temporal = await createTimeSkippingEnv();
  stack = await startTestStack(temporal);
  const office = (name: string) =>
    stack.http('POST', '/v1/offices', { name, language: 'nl', contactEmail: 'office@example.be' });
  officeId = (await office('Kantoor Events')).body.id;
  accountant = await stack.key('accountant', officeId);
  outsider = await stack.key('accountant', (await office('Kantoor Anders')).body.id);
});
afterAll(async () => {
  await stack?.stop();
  await temporal?.teardown();
});

const sandbox = (provider: string, type: string, data: Record<string, unknown>) =>
  stack.http('POST', `/v1/sandbox/webhooks/${provider}`, { type, data });
async function feed(
  query: string,
  key?: string,
): Promise<{ data: Event[]; nextCursor: string | null; hasMore: boolean }> {
  const res = await stack.http('GET', `/v1/events${query}`, undefined, key ? { key } : {});
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}
const eventsOf = async (caseId: string, key?: string) => (await feed(`?caseId=${caseId}`, key)).data;
const untilEvent = (caseId: string, type: string) =>
  waitFor(async () => ((all) => (all.some((e) => e.type === type) ? all : undefined))(await eventsOf(caseId)), type);

const newAccount = (iban?: string) =>
  newClientAccount(stack, {
    officeId,
    companyName: 'Brouwerij Events',
    email: 'boekhouding@events.be',
    codePrefix: 'E',
    ...(iban ? { iban } : {}),
  });

describe('GET /v1/events', () => {
  it('tells each step of a mandate walked to active, in sequence, to its office only', async () => {
    const { clientId, accountId } = await newAccount();
    const ordered = await stack.http('POST', '/v1/mandates', {
      bankAccountIds: [accountId],
      managementMode: 'service',
    });
    const id = ordered.body.data[0].mandate.id as string;
    await untilEvent(id, 'mandate.status_changed');
    await waitFor(
      async () => ((await eventsOf(id)).some((e) => e.status === 'sent_to_client') ? true : undefined),
      'sent',
    );
    await sandbox('esign', 'mandate.signed', { mandateId: id });
    await untilEvent(id, 'mandate.status_changed').then(() =>
      waitFor(async () => {
        const all = await eventsOf(id);
        return all.some((e) => e.status === 'bank_processing') ? all : undefined;
      }, 'bank_processing'),
    );
    await sandbox('banklink', 'bank.mandate_accepted', { mandateId: id });
    const events = await untilEvent(id, 'mandate.active');

    expect(events.map((e) => [e.type, e.status])).toEqual([
      ['mandate.status_changed', 'in_preparation'],
      ['mandate.status_changed', 'sent_to_client'],
      ['mandate.status_changed', 'signed'],
      ['mandate.status_changed', 'bank_processing'],
      ['mandate.active', 'active'],
    ]);
    expect(events.map((e) => e.sequence)).toEqual([1, 2, 3, 4, 5]);
    expect(events.map((e) => Number(e.cursor))).toEqual([...events.map((e) => Number(e.cursor))].sort((a, b) => a - b));
    expect(events[4]).toMatchObject({
      journey: 'mandate',
      caseId: id,
      clientId,
      officeId,
      subject: { type: 'mandate', id },
      data: { from: 'bank_processing', to: 'active', actor: 'bank' },
    });
    expect(JSON.stringify(events)).not.toContain('@');

    // The office's accountant reads them; another office's sees none of them, even by case id.
    expect((await eventsOf(id, accountant)).map((e) => e.id)).toEqual(events.map((e) => e.id));
    expect(await eventsOf(id, outsider)).toEqual([]);
    expect((await feed('', outsider)).data.filter((e) => e.officeId === officeId)).toEqual([]);
    expect((await feed(`?officeId=${officeId}`, outsider)).data).toEqual([]);
    expect((await feed(`?officeId=${officeId}&caseId=${id}`)).data.map((e) => e.id)).toEqual(events.map((e) => e.id));
  });

  it('pages with a cursor, filters by type, and answers an empty page with the same cursor', async () => {
    const all = (await feed('?limit=500')).data;
    expect(all.length).toBeGreaterThanOrEqual(5);
    const first = await feed('?limit=2');
    expect(first).toMatchObject({ hasMore: true, nextCursor: first.data[1]!.cursor });
    const rest = await feed(`?after=${first.nextCursor}&limit=500`);
    expect([...first.data, ...rest.data].map((e) => e.id)).toEqual(all.map((e) => e.id));
    const tail = await feed(`?after=${rest.nextCursor}`);
    expect(tail).toEqual({ data: [], nextCursor: rest.nextCursor, hasMore: false });
    const active = await feed('?types=mandate.active,caro.active');
    expect(active.data.length).toBeGreaterThan(0);
    expect(new Set(active.data.map((e) => e.type))).toEqual(new Set(['mandate.active']));
  });

  it('refuses an unknown type or a malformed cursor, naming the field', async () => {
    const types = await stack.http('GET', '/v1/events?types=mandate.active,mandate.exploded');
    expect(types).toMatchObject({ status: 400, body: { errors: [{ in: 'query', path: 'types.1' }] } });
    const after = await stack.http('GET', '/v1/events?after=abc');
    expect(after).toMatchObject({ status: 400, body: { errors: [{ in: 'query', path: 'after' }] } });
  });

  it('tells a CARO order’s invitation, reminder, problem, replay and activation', async () => {
    const { clientId, accountId } = await newAccount('BE68 5390 0754 7034');
    const id = await orderCaro(stack, { clientId, accountId, cardholderEmail: 'holder@events.be' });
    await untilEvent(id, 'caro.invitation_sent');
    await temporal.sleep(15 * DAY);
    await untilEvent(id, 'caro.reminder_sent');
    await sandbox('caro', 'caro.activation_failed', { orderId: id, reason: 'debit_card' });
    await untilEvent(id, 'caro.problem');
    const support = await stack.key('support');
    expect((await stack.http('POST', `/v1/caro-orders/${id}/replay`, { dryRun: false }, { key: support })).status).toBe(
      202,
    );
    await untilEvent(id, 'caro.replayed');
    await sandbox('caro', 'caro.activated', { orderId: id });
    const events = await untilEvent(id, 'caro.active');
    const types = events.map((e) => e.type);
    // The first transition (ordered) and the invitation e-mail are written by two activities: either comes first.
    expect(types.slice(0, 2).sort()).toEqual(['caro.invitation_sent', 'caro.status_changed']);
    expect(types.slice(2, 5)).toEqual(['caro.reminder_sent', 'caro.problem', 'caro.replayed']);
    expect(types.at(-1)).toBe('caro.active');
    expect(events.find((e) => e.type === 'caro.problem')).toMatchObject({
      status: 'problem',
      data: { reason: 'debit_card' },
    });
    expect(events.map((e) => e.sequence)).toEqual(events.map((_, i) => i + 1));
    expect(JSON.stringify(events)).not.toContain('holder@events.be');
    expect(JSON.stringify(events)).not.toMatch(/https?:\/\//);
  });

  it('tells a consent renewed with its new deadline, once however often the aggregator repeats it', async () => {
    const created = await stack.http('POST', '/v1/connections', {
      officeId,
      provider: 'ponto',
      ownerEmail: 'owner@events.be',
      ownerLanguage: 'nl',
      ibans: ['BE68539007547034'],
      validUntil: new Date(Date.now() + 40 * DAY).toISOString(),
    });
    const id = created.body.id as string;
    const validUntil = new Date(Date.now() + 120 * DAY).toISOString();
    const event = {
      eventId: `evt-${randomUUID()}`,
      type: 'consent.renewed',
      occurredAt: new Date().toISOString(),
      data: { connectionId: id, validUntil },
    };
    expect((await stack.webhook('aggregator', event)).status).toBe(202);
    const events = await untilEvent(id, 'connection.renewed');
    expect(events.find((e) => e.type === 'connection.renewed')).toMatchObject({
      journey: 'consent',
      status: 'connected',
      data: { validUntil, actor: 'aggregator' },
    });
    expect((await stack.webhook('aggregator', event)).status).toBe(200);
    await new Promise((r) => setTimeout(r, 500));
    expect((await eventsOf(id)).filter((e) => e.type === 'connection.renewed')).toHaveLength(1);
  });

  it('tells a client edit with the fields changed (not their values) and the mandates presented again', async () => {
    const { clientId, accountId } = await newAccount('BE71 0961 2345 6769');
    const ordered = await stack.http('POST', '/v1/mandates', {
      bankAccountIds: [accountId],
      managementMode: 'service',
    });
    const mandateId = ordered.body.data[0].mandate.id as string;
    await waitFor(
      async () => ((await eventsOf(mandateId)).some((e) => e.status === 'sent_to_client') ? true : undefined),
      'sent',
    );
    const edit = await stack.http(
      'PATCH',
      `/v1/clients/${clientId}`,
      { email: 'nieuw@events.be' },
      { key: accountant },
    );
    expect(edit.status, JSON.stringify(edit.body)).toBe(200);
    const [updated] = await eventsOf(clientId, accountant);
    expect(updated).toMatchObject({
      type: 'client.updated',
      journey: null,
      caseId: null,
      clientId,
      subject: { type: 'client', id: clientId },
      sequence: 1,
      status: null,
      data: { changed: ['email'], mandatesPresentedAgain: [mandateId] },
    });
    expect(JSON.stringify(updated)).not.toContain('nieuw@events.be');
  });

  it('records one event for a transition recorded twice (an activity retried)', async () => {
    const { accountId } = await newAccount('BE43 0689 9999 9501');
    const ordered = await stack.http('POST', '/v1/mandates', { bankAccountIds: [accountId], managementMode: 'office' });
    const id = ordered.body.data[0].mandate.id as string;
    const step = {
      caseType: 'mandate' as const,
      caseId: id,
      version: 99,
      from: 'sent_to_client',
      to: 'archived',
      actor: { kind: 'operator' },
      at: new Date().toISOString(),
    };
    await recordTransition(stack.db.prisma, step);
    await recordTransition(stack.db.prisma, step);
    const archived = (await eventsOf(id)).filter((e) => e.type === 'mandate.archived');
    expect(archived).toHaveLength(1);
  });
});
