import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectDeclaredResponse } from '../helpers/schemas.js';
import { startTestStack, type TestStack } from '../helpers/stack.js';
import { createTimeSkippingEnv } from '../helpers/temporal.js';
import { waitFor } from '../helpers/wait.js';

// GET /v1/cases over HTTP against the real stack: each kind of key, in each formatting an
// operator types it, finds the client's cases of all three journeys; another office's never.
let temporal: TestWorkflowEnvironment;
let stack: TestStack;
const DAY = 86_400_000;

interface Office {
  officeId: string;
  clientId: string;
  mandateId: string;
  mandateWorkflowId: string;
  caroId: string;
  connectionId: string;
}

async function seedOffice(
  name: string,
  client: { companyName: string; enterpriseNumber: string; clientCode: string; iban: string; reference: string },
): Promise<Office> {
  const officeId = (
    await stack.http('POST', '/v1/offices', { name, language: 'fr', contactEmail: 'office@example.be' })
  ).body.id as string;
  const created = await stack.http('POST', '/v1/clients', {
    officeId,
    companyName: client.companyName,
    enterpriseNumber: client.enterpriseNumber,
    clientCode: client.clientCode,
    email: 'client@example.be',
    language: 'fr',
  });
  expect(created.status).toBe(201);
  const clientId = created.body.id as string;
  const bankAccountId = (await stack.http('POST', `/v1/clients/${clientId}/bank-accounts`, { iban: client.iban })).body
    .id as string;
  const mandates = await stack.http('POST', '/v1/mandates', {
    bankAccountIds: [bankAccountId],
    managementMode: 'office',
  });
  expect(mandates.status).toBe(202);
  const caro = await stack.http('POST', '/v1/caro-orders', {
    orders: [
      {
        clientId,
        bankAccountId,
        clientReference: client.reference,
        cardholderEmail: 'holder@example.be',
        cardholderLanguage: 'fr',
      },
    ],
  });
  expect(caro.status).toBe(202);
  const connection = await stack.http('POST', '/v1/connections', {
    officeId,
    clientId,
    provider: 'ponto',
    ownerEmail: 'owner@example.be',
    ownerLanguage: 'fr',
    ibans: [client.iban],
    validUntil: new Date(Date.now() + 90 * DAY).toISOString(),
  });
  expect(connection.status).toBe(202);
  const mandate = mandates.body.data[0].mandate;
  return {
    officeId,
    clientId,
    mandateId: mandate.id,
    mandateWorkflowId: mandate.workflowId,
    caroId: caro.body.data[0].id,
    connectionId: connection.body.id,
  };
}

let a: Office;
let b: Office;

beforeAll(async () => {
  temporal = await createTimeSkippingEnv();
  stack = await startTestStack(temporal);
  a = await seedOffice('Fiduciaire Dupont', {
    companyName: 'Société Générale Élévateurs',
    enterpriseNumber: '0123.456.749',
    clientCode: 'SGE-7',
    iban: 'BE68 5390 0754 7034',
    reference: '4-0012345-67',
  });
  b = await seedOffice('Kantoor Peeters', {
    companyName: 'Generale Bouw BV',
    enterpriseNumber: '0403019162',
    clientCode: 'GB-1',
    iban: 'BE71 0961 2345 6769',
    reference: '4-0099999-01',
  });
  // The mandate's workflow has presented it: its state is the workflow's, not the row's default.
  await waitFor(async () => {
    const res = await stack.http('GET', `/v1/mandates/${a.mandateId}`);
    return res.body.status === 'available_online' ? res.body : undefined;
  }, 'mandate presented');
}, 120_000);
afterAll(async () => {
  await stack?.stop();
  await temporal?.teardown();
});

const search = async (q: string, opts: { key?: string; extra?: string } = {}) => {
  const res = await stack.http(
    'GET',
    `/v1/cases?q=${encodeURIComponent(q)}${opts.extra ?? ''}`,
    undefined,
    opts.key ? { key: opts.key } : {},
  );
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  expectDeclaredResponse('listCases', 200, res.body);
  return res.body.data as { journey: string; caseId: string; [k: string]: unknown }[];
};
const ids = (rows: { caseId: string }[]) => rows.map((r) => r.caseId).sort();
const allOf = (o: Office) => [o.mandateId, o.caroId, o.connectionId].sort();

describe('GET /v1/cases?q=', () => {
  it.each(['générale élév', 'GENERALE ELEV', 'societe generale', 'Élévateurs', 'ÉLÉVATEURS'])(
    'client name %s (partial, accents and case ignored)',
    async (q) => {
      expect(ids(await search(q))).toEqual(allOf(a));
    },
  );

  it.each(['0123456749', '0123.456.749', 'BE0123456749', 'BE 0123.456.749', 'be0123 456 749'])(
    'enterprise number %s',
    async (q) => {
      expect(ids(await search(q))).toEqual(allOf(a));
    },
  );

  it.each(['SGE-7', 'sge-7', ' SGE-7 '])('client code %s', async (q) => {
    expect(ids(await search(q))).toEqual(allOf(a));
  });

  it.each([
    'BE68 5390 0754 7034',
    'BE68539007547034',
    'be68 5390 0754 7034',
    'BE68-5390-0754-7034',
    'BE6853900754 7034',
  ])('IBAN %s: the mandate, the card order on that account and the connection', async (q) => {
    expect(ids(await search(q))).toEqual(allOf(a));
  });

  it.each(['4-0012345-67', ' 4-0012345-67'])('card client reference %s', async (q) => {
    expect(ids(await search(q))).toEqual([a.caroId]);
  });

  it('case id, in either case, and workflow id', async () => {
    expect(ids(await search(a.mandateId))).toEqual([a.mandateId]);
    expect(ids(await search(a.caroId.toUpperCase()))).toEqual([a.caroId]);
    expect(ids(await search(a.mandateWorkflowId))).toEqual([a.mandateId]);
  });

  it('each result: journey, office, client, status, whose move, since when, next step, the actions open to the caller', async () => {
    const [mandate] = await search(a.mandateId);
    expect(mandate).toMatchObject({
      journey: 'mandate',
      caseId: a.mandateId,
      office: { id: a.officeId, name: 'Fiduciaire Dupont' },
      client: { id: a.clientId, name: 'Société Générale Élévateurs' },
      status: 'available_online',
      whoseMove: 'office',
      actions: ['download', 'sign', 'archive', 'resend', 'mark_problem'],
      attention: [],
    });
    expect(Date.parse(mandate!.stateSince as string)).toBeLessThanOrEqual(Date.now());
    // Support edits nothing: of a mandate it may only download the document; of a CARO order, replay (none open now).
    const support = await stack.key('support');
    expect((await search(a.mandateId, { key: support }))[0]!.actions).toEqual(['download']);
    const order = (await search(a.caroId, { key: support }))[0]!;
    expect(order).toMatchObject({ journey: 'caro', status: 'invitation_sent', whoseMove: 'cardholder', actions: [] });
    expect((await search(a.caroId))[0]!.actions).toEqual(['resend', 'copyLink', 'cancel']);
    const connection = (await search(a.connectionId))[0]!;
    expect(connection).toMatchObject({
      journey: 'consent',
      status: 'connected',
      whoseMove: 'nobody',
      nextStep: { kind: 'reminder' },
      actions: ['remind_now', 'renew'],
    });
    // renew is the operator's (POST /v1/connections/:id/renewal): an accountant is not offered it.
    const accountant = await stack.key('accountant', a.officeId);
    expect((await search(a.connectionId, { key: accountant }))[0]!.actions).toEqual(['remind_now']);
  });

  it('filters: journey, status, client; pages with the cursor', async () => {
    expect(ids(await search('generale', { extra: '&journey=caro' }))).toEqual([a.caroId, b.caroId].sort());
    expect(ids(await search('generale', { extra: `&clientId=${b.clientId}` }))).toEqual(allOf(b));
    expect(ids(await search('generale', { extra: '&status=connected' }))).toEqual(
      [a.connectionId, b.connectionId].sort(),
    );
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res: { body: { data: { caseId: string }[]; nextCursor: string | null } } = await stack.http(
        'GET',
        `/v1/cases?q=generale&limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      );
      seen.push(...res.body.data.map((r) => r.caseId));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(seen.sort()).toEqual([...allOf(a), ...allOf(b)].sort());
  });

  it("another office's cases never appear for an accountant", async () => {
    const keyB = await stack.key('accountant', b.officeId);
    expect(ids(await search('generale', { key: keyB }))).toEqual(allOf(b));
    expect(await search('BE68 5390 0754 7034', { key: keyB })).toEqual([]);
    expect(await search(a.mandateId, { key: keyB })).toEqual([]);
    expect(await search('generale', { key: keyB, extra: `&officeId=${a.officeId}` })).toEqual([]);
    const all = await stack.http('GET', '/v1/cases?limit=200', undefined, { key: keyB });
    expect(ids(all.body.data)).toEqual(allOf(b));
  });

  it('refuses bad input naming the field', async () => {
    for (const [query, field] of [
      ['journey=invoice', 'journey'],
      ['status=lost', 'status'],
      ['limit=0', 'limit'],
      ['cursor=zzz', 'cursor'],
      ['attention=maybe', 'attention'],
      ['officeId=1', 'officeId'],
      ['colour=red', '(root)'],
    ] as const) {
      const res = await stack.http('GET', `/v1/cases?${query}`);
      expect(res.status, query).toBe(400);
      expect(JSON.stringify(res.body.errors), query).toContain(field);
    }
  });
});
