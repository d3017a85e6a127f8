import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectDeclaredResponse } from '../helpers/schemas.js';
import { startTestStack, type TestStack } from '../helpers/stack.js';
import { createTimeSkippingEnv } from '../helpers/temporal.js';

let temporal: TestWorkflowEnvironment;
let stack: TestStack;
let clientA: string;
let clientB: string;
const keys = { accountantA: '', accountantB: '', support: '' };

/** An HTTP call whose answer must match the schema its route declares for that status. */
async function call(operationId: string, method: string, path: string, body?: unknown, key?: string) {
  const res = await stack.http(method, path, body, key === undefined ? {} : { key });
  expectDeclaredResponse(operationId, res.status, res.body);
  return res;
}

beforeAll(async () => {
  temporal = await createTimeSkippingEnv();
  stack = await startTestStack(temporal);
  const officeA = (
    await stack.http('POST', '/v1/offices', { name: 'Fiduciaire A', language: 'fr', contactEmail: 'a@example.be' })
  ).body.id;
  const officeB = (
    await stack.http('POST', '/v1/offices', { name: 'Boekhouding B', language: 'nl', contactEmail: 'b@example.be' })
  ).body.id;
  keys.accountantA = await stack.key('accountant', officeA);
  keys.accountantB = await stack.key('accountant', officeB);
  keys.support = await stack.key('support');
  clientA = (
    await call(
      'createClient',
      'POST',
      '/v1/clients',
      { companyName: 'Client A', clientCode: 'A1', language: 'fr' },
      keys.accountantA,
    )
  ).body.id;
  clientB = (
    await call(
      'createClient',
      'POST',
      '/v1/clients',
      { companyName: 'Client B', clientCode: 'B1', language: 'nl' },
      keys.accountantB,
    )
  ).body.id;
});
afterAll(async () => {
  await stack?.stop();
  await temporal?.teardown();
});

const add = (clientId: string, iban: string, key = keys.accountantA) =>
  call('createBankAccount', 'POST', `/v1/clients/${clientId}/bank-accounts`, { iban }, key);

describe('POST /v1/clients/:clientId/bank-accounts', () => {
  it.each([
    ['KBC', 'BE09 7341 2345 6757', '734', 'KBC Bank'],
    ['KBC (400–499)', 'BE57 4010 0023 4535', '401', 'KBC Bank'],
    ['CBC', 'BE71 1931 2345 6769', '193', 'CBC Banque'],
    ['CBC (742)', 'BE30 7421 1111 1111', '742', 'CBC Banque'],
  ])('recognises %s as the KBC group', async (_bank, iban, bankCode, bankName) => {
    const res = await add(clientA, iban);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      clientId: clientA,
      iban: iban.replace(/ /g, ''),
      bankCode,
      bankName,
      isKbcGroup: true,
    });
    expect(res.headers.get('location')).toBe(`/v1/bank-accounts/${res.body.id}`);
  });

  it.each([
    ['BE53 0689 9999 5053', '068', 'Belfius Bank'],
    ['be35 3101 2345 6737', '310', 'ING Belgium'],
    ['BE25973123456782', '973', 'Argenta'],
    ['BE68 5390 0754 7034', '539', 'Unknown bank'],
    ['NL91 ABNA 0417 1643 00', 'NLABNA', 'Unknown bank'],
  ])('derives the bank of %s without the KBC path', async (iban, bankCode, bankName) => {
    const res = await add(clientA, iban);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      iban: iban.replace(/ /g, '').toUpperCase(),
      bankCode,
      bankName,
      isKbcGroup: false,
    });
  });

  it('refuses an IBAN whose check digits do not match', async () => {
    const res = await add(clientA, 'BE10 7341 2345 6757');
    expect(res).toMatchObject({ status: 400, body: { errors: [expect.objectContaining({ path: 'iban' })] } });
  });

  it('answers 409 for an IBAN the client already has, however it is written; another client may have it', async () => {
    expect((await add(clientA, 'BE48 0011 2345 6727')).status).toBe(201);
    const again = await add(clientA, 'be48001123456727');
    expect(again).toMatchObject({ status: 409, body: { code: 'iban_already_registered', errors: [{ path: 'iban' }] } });
    expect((await add(clientB, 'BE48 0011 2345 6727', keys.accountantB)).status).toBe(201);
  });

  it('audits the creation with the key and role', async () => {
    const res = await add(clientA, 'BE84 9511 2345 6759', stack.operatorKey);
    const key = await stack.db.prisma.apiKey.findFirstOrThrow({ where: { prefix: stack.operatorKey.split('_')[1] } });
    const trail = await stack.db.prisma.auditEvent.findMany({
      where: { resourceType: 'bank_account', resourceId: res.body.id },
    });
    expect(trail).toEqual([
      expect.objectContaining({
        action: 'bank_account.create',
        actorRole: 'operator',
        actorKeyId: key.id,
        details: { clientId: clientA },
      }),
    ]);
  });
});

describe('reading bank accounts', () => {
  it('lists a client’s accounts page by page and reads one', async () => {
    const client = (
      await call(
        'createClient',
        'POST',
        '/v1/clients',
        { companyName: 'Pages', clientCode: 'P1', language: 'en' },
        keys.accountantA,
      )
    ).body.id;
    const ibans = ['BE42 6511 2345 6754', 'BE59 5231 2345 6726', 'BE11 0001 2345 6748'];
    const created: string[] = [];
    for (const iban of ibans) created.push((await add(client, iban)).body.id);
    const first = await call(
      'listBankAccounts',
      'GET',
      `/v1/clients/${client}/bank-accounts?limit=2`,
      undefined,
      keys.accountantA,
    );
    expect(first.body.data.map((a: { id: string }) => a.id)).toEqual(created.slice(0, 2));
    const second = await call(
      'listBankAccounts',
      'GET',
      `/v1/clients/${client}/bank-accounts?limit=2&cursor=${first.body.nextCursor}`,
      undefined,
      keys.accountantA,
    );
    expect(second.body).toMatchObject({ data: [{ id: created[2], bankName: 'bpost bank' }], nextCursor: null });
    const one = await call('getBankAccount', 'GET', `/v1/bank-accounts/${created[0]}`, undefined, keys.support);
    expect(one.body).toMatchObject({
      id: created[0],
      clientId: client,
      bankCode: '651',
      bankName: 'Keytrade Bank',
      isKbcGroup: false,
    });
  });

  it('keeps offices apart: another office’s accountant gets 404 everywhere', async () => {
    const account = (await add(clientA, 'BE29 7512 3456 7864')).body.id;
    expect(
      (await call('getBankAccount', 'GET', `/v1/bank-accounts/${account}`, undefined, keys.accountantB)).status,
    ).toBe(404);
    expect(
      (await call('listBankAccounts', 'GET', `/v1/clients/${clientA}/bank-accounts`, undefined, keys.accountantB))
        .status,
    ).toBe(404);
    expect((await add(clientA, 'BE39 1031 2345 6719', keys.accountantB)).status).toBe(404);
    expect(
      (await call('getBankAccount', 'GET', `/v1/bank-accounts/${account}`, undefined, keys.accountantA)).status,
    ).toBe(200);
  });

  it('lets support read but not add (403); an unknown client is 404', async () => {
    expect((await add(clientA, 'BE39 1031 2345 6719', keys.support)).status).toBe(403);
    expect(
      (await call('listBankAccounts', 'GET', `/v1/clients/${clientA}/bank-accounts`, undefined, keys.support)).status,
    ).toBe(200);
    expect((await add('0193a8a4-0000-7000-8000-000000000000', 'BE39 1031 2345 6719')).status).toBe(404);
    expect((await call('getBankAccount', 'GET', '/v1/bank-accounts/0193a8a4-0000-7000-8000-000000000000')).status).toBe(
      404,
    );
  });
});
