import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MandateState } from '../../workflows/mandate/rules.js';
import { expectDeclaredResponse } from '../helpers/schemas.js';
import { startTestStack, type TestStack } from '../helpers/stack.js';
import { createTimeSkippingEnv } from '../helpers/temporal.js';

let temporal: TestWorkflowEnvironment;
let stack: TestStack;
let officeA: string;
let officeB: string;
const keys = { accountantA: '', accountantB: '', support: '' };

beforeAll(async () => {
  temporal = await createTimeSkippingEnv();
  stack = await startTestStack(temporal);
  officeA = (
    await stack.http('POST', '/v1/offices', { name: 'Fiduciaire A', language: 'fr', contactEmail: 'a@example.be' })
  ).body.id;
  officeB = (
    await stack.http('POST', '/v1/offices', { name: 'Boekhouding B', language: 'nl', contactEmail: 'b@example.be' })
  ).body.id;
  keys.accountantA = await stack.key('accountant', officeA);
  keys.accountantB = await stack.key('accountant', officeB);
  keys.support = await stack.key('support');
});
afterAll(async () => {
  await stack?.stop();
  await temporal?.teardown();
});

/** An HTTP call whose answer must match the schema its route declares for that status. */
async function call(operationId: string, method: string, path: string, body?: unknown, key?: string) {
  const res = await stack.http(method, path, body, key === undefined ? {} : { key });
  expectDeclaredResponse(operationId, res.status, res.body);
  return res;
}

let seq = 0;
async function createClient(fields: Record<string, unknown> = {}, key = keys.accountantA) {
  seq += 1;
  const res = await call(
    'createClient',
    'POST',
    '/v1/clients',
    { companyName: `Client ${seq} SRL`, clientCode: `C${seq}`, language: 'fr', ...fields },
    key,
  );
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as {
    id: string;
    officeId: string;
    clientCode: string;
    companyName: string;
    enterpriseNumber: string | null;
    email: string | null;
  };
}

const patch = (id: string, body: unknown, key = keys.accountantA) =>
  call('updateClient', 'PATCH', `/v1/clients/${id}`, body, key);
const keyId = async (key: string) =>
  (await stack.db.prisma.apiKey.findFirstOrThrow({ where: { prefix: key.split('_')[1] } })).id;
const auditOf = (resourceId: string) =>
  stack.db.prisma.auditEvent.findMany({ where: { resourceType: 'client', resourceId }, orderBy: { id: 'asc' } });

describe('POST /v1/clients', () => {
  it('creates a client in the accountant’s own office, normalising the enterprise number, and audits it', async () => {
    const client = await createClient({ enterpriseNumber: 'BE 0403.227.515', email: 'boss@client.be' });
    expect(client).toMatchObject({ officeId: officeA, enterpriseNumber: '0403227515', email: 'boss@client.be' });
    const read = await call('getClient', 'GET', `/v1/clients/${client.id}`, undefined, keys.accountantA);
    expect(read.body).toEqual(client);
    expect(await auditOf(client.id)).toEqual([
      expect.objectContaining({
        action: 'client.create',
        actorRole: 'accountant',
        actorKeyId: await keyId(keys.accountantA),
      }),
    ]);
  });

  it('needs an existing office from the back office, and refuses another office to an accountant', async () => {
    const body = { companyName: 'Nameless NV', clientCode: 'N1', language: 'nl' };
    const missing = await call('createClient', 'POST', '/v1/clients', body);
    expect(missing).toMatchObject({ status: 400, body: { errors: [expect.objectContaining({ path: 'officeId' })] } });
    const unknown = await call('createClient', 'POST', '/v1/clients', {
      ...body,
      officeId: '0193a8a4-0000-7000-8000-000000000000',
    });
    // An id in the body that names nothing answers as in a path: 404 not_found, saying which field.
    expect(unknown).toMatchObject({
      status: 404,
      body: { code: 'not_found', errors: [expect.objectContaining({ in: 'body', path: 'officeId' })] },
    });
    expect(
      (await call('createClient', 'POST', '/v1/clients', { ...body, officeId: officeB }, keys.accountantA)).status,
    ).toBe(404);
    const created = await call('createClient', 'POST', '/v1/clients', { ...body, officeId: officeB });
    expect(created.body.officeId).toBe(officeB);
  });

  it('answers 409 naming the field for a client code or enterprise number already used in the office', async () => {
    const first = await createClient({ enterpriseNumber: '0462.920.226' });
    const sameCode = await call(
      'createClient',
      'POST',
      '/v1/clients',
      { companyName: 'Other', clientCode: first.clientCode, language: 'fr' },
      keys.accountantA,
    );
    expect(sameCode).toMatchObject({
      status: 409,
      body: { code: 'client_code_taken', errors: [{ path: 'clientCode' }] },
    });
    const sameNumber = await call(
      'createClient',
      'POST',
      '/v1/clients',
      { companyName: 'Other', clientCode: 'OTHER-1', enterpriseNumber: '0462920226', language: 'fr' },
      keys.accountantA,
    );
    expect(sameNumber).toMatchObject({
      status: 409,
      body: { code: 'enterprise_number_taken', errors: [{ path: 'enterpriseNumber' }] },
    });
    await createClient({ clientCode: first.clientCode, enterpriseNumber: '0462920226' }, keys.accountantB);
  });

  it('refuses an enterprise number with wrong check digits', async () => {
    const res = await call(
      'createClient',
      'POST',
      '/v1/clients',
      { companyName: 'X', clientCode: 'X1', enterpriseNumber: '0123.456.748', language: 'fr' },
      keys.accountantA,
    );
    expect(res).toMatchObject({
      status: 400,
      body: { errors: [expect.objectContaining({ path: 'enterpriseNumber' })] },
    });
  });

  it('is refused to support (403), who may still read', async () => {
    const client = await createClient();
    expect(
      (
        await call(
          'createClient',
          'POST',
          '/v1/clients',
          { officeId: officeA, companyName: 'S', clientCode: 'S1', language: 'fr' },
          keys.support,
        )
      ).status,
    ).toBe(403);
    expect((await patch(client.id, { email: 'x@client.be' }, keys.support)).status).toBe(403);
    expect((await call('getClient', 'GET', `/v1/clients/${client.id}`, undefined, keys.support)).status).toBe(200);
    expect((await call('listClients', 'GET', `/v1/clients?officeId=${officeA}`, undefined, keys.support)).status).toBe(
      200,
    );
  });
});

describe('GET /v1/clients', () => {
  it('pages through an office in creation order with nextCursor', async () => {
    const office = (
      await stack.http('POST', '/v1/offices', { name: 'Paging', language: 'en', contactEmail: 'p@example.be' })
    ).body.id;
    const created: string[] = [];
    for (let i = 0; i < 5; i++) created.push((await createClient({ officeId: office }, stack.operatorKey)).id);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await call(
        'listClients',
        'GET',
        `/v1/clients?officeId=${office}&limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(res.body.data.length).toBeLessThanOrEqual(2);
      seen.push(...res.body.data.map((c: { id: string }) => c.id));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(created);
  });

  it('filters on a missing e-mail address and on part of the company name', async () => {
    const office = (
      await stack.http('POST', '/v1/offices', { name: 'Filters', language: 'nl', contactEmail: 'f@example.be' })
    ).body.id;
    const without = await createClient({ officeId: office, companyName: 'Bakkerij Janssens' }, stack.operatorKey);
    const withMail = await createClient(
      { officeId: office, companyName: 'Garage Peeters', email: 'info@peeters.be' },
      stack.operatorKey,
    );
    const ids = async (query: string) =>
      (await call('listClients', 'GET', `/v1/clients?officeId=${office}&${query}`)).body.data.map(
        (c: { id: string }) => c.id,
      );
    expect(await ids('missingEmail=true')).toEqual([without.id]);
    expect(await ids('missingEmail=false')).toEqual([withMail.id]);
    expect(await ids('q=JANSS')).toEqual([without.id]);
    expect(await ids('q=garage&missingEmail=true')).toEqual([]);
    expect((await call('listClients', 'GET', '/v1/clients?missingEmail=yes')).status).toBe(400);
  });

  it('finds a client by client code, enterprise number or an account IBAN, in any notation (the console search)', async () => {
    const office = (
      await stack.http('POST', '/v1/offices', { name: 'Keys', language: 'fr', contactEmail: 'k@example.be' })
    ).body.id;
    const client = await createClient(
      { officeId: office, companyName: 'Menuiserie Dubois', clientCode: 'DUB-77', enterpriseNumber: '0123456749' },
      stack.operatorKey,
    );
    await createClient({ officeId: office, companyName: 'Autre SA' }, stack.operatorKey);
    const account = await stack.http('POST', `/v1/clients/${client.id}/bank-accounts`, { iban: 'BE68539007547034' });
    expect(account.status).toBe(201);
    const ids = async (q: string) =>
      (await call('listClients', 'GET', `/v1/clients?officeId=${office}&q=${encodeURIComponent(q)}`)).body.data.map(
        (c: { id: string }) => c.id,
      );
    for (const q of ['DUB-77', '0123.456.749', 'BE 0123 456 749', 'be68 5390 0754 7034', 'BE68539007547034'])
      expect(await ids(q), q).toEqual([client.id]);
    expect(await ids('BE71096123456769')).toEqual([]);
  });
});

describe('office scoping', () => {
  it('an accountant of another office gets 404 and never sees the client in a list', async () => {
    const client = await createClient();
    expect((await call('getClient', 'GET', `/v1/clients/${client.id}`, undefined, keys.accountantB)).status).toBe(404);
    expect((await patch(client.id, { email: 'x@client.be' }, keys.accountantB)).status).toBe(404);
    for (const query of [
      '',
      `?officeId=${officeA}`,
      '?missingEmail=true',
      `?q=${encodeURIComponent(client.companyName)}`,
    ]) {
      const list = await call('listClients', 'GET', `/v1/clients${query}`, undefined, keys.accountantB);
      expect(list.body.data.every((c: { officeId: string }) => c.officeId === officeB)).toBe(true);
    }
    expect((await stack.db.prisma.client.findUniqueOrThrow({ where: { id: client.id } })).email).toBeNull();
  });
});

describe('PATCH /v1/clients/:id', () => {
  it('locks the company name while the enterprise number is empty, unless the same edit fills it in', async () => {
    const client = await createClient({ companyName: 'Old Name SRL' });
    const locked = await patch(client.id, { companyName: 'New Name SRL' });
    expect(locked).toMatchObject({
      status: 409,
      body: { code: 'company_name_locked', errors: [{ path: 'companyName' }] },
    });
    const both = await patch(client.id, { companyName: 'New Name SRL', enterpriseNumber: '0123.456.749' });
    expect(both.status).toBe(200);
    expect(both.body.client).toMatchObject({ companyName: 'New Name SRL', enterpriseNumber: '0123456749' });
    expect((await patch(client.id, { companyName: 'Newer Name SRL' })).body.client.companyName).toBe('Newer Name SRL');
  });

  it('fills the enterprise number in once; a different one is 409, the same one changes nothing', async () => {
    const client = await createClient();
    expect((await patch(client.id, { enterpriseNumber: '0400123416' })).status).toBe(200);
    const changed = await patch(client.id, { enterpriseNumber: '0876543270' });
    expect(changed).toMatchObject({
      status: 409,
      body: { code: 'enterprise_number_locked', errors: [{ path: 'enterpriseNumber' }] },
    });
    const same = await patch(client.id, { enterpriseNumber: 'BE0400.123.416' });
    expect(same.body).toMatchObject({
      client: { enterpriseNumber: '0400123416' },
      warnings: [],
      impact: { mandates: [] },
    });
  });

  it('refuses an enterprise number another client of the office already has', async () => {
    await createClient({ enterpriseNumber: '0202.239.951' });
    const client = await createClient();
    const res = await patch(client.id, { enterpriseNumber: '0202239951' });
    expect(res).toMatchObject({
      status: 409,
      body: { code: 'enterprise_number_taken', errors: [{ path: 'enterpriseNumber' }] },
    });
  });

  it('allows a new client code with a warning about the delivery folder, unless another client has it', async () => {
    const other = await createClient();
    const client = await createClient({ clientCode: 'DUP-001' });
    const res = await patch(client.id, { clientCode: 'DUP-002' });
    expect(res.status).toBe(200);
    expect(res.body.warnings).toEqual([
      { code: 'client_code_changed', message: 'future statements land in another delivery folder: DUP-001 → DUP-002' },
    ]);
    const taken = await patch(client.id, { clientCode: other.clientCode });
    expect(taken).toMatchObject({ status: 409, body: { code: 'client_code_taken', errors: [{ path: 'clientCode' }] } });
  });

  it('edits e-mail and language, clears the e-mail with null, and refuses an empty edit', async () => {
    const client = await createClient({ email: 'old@client.be' });
    const res = await patch(client.id, { email: 'new@client.be', language: 'nl' });
    expect(res.body.client).toMatchObject({ email: 'new@client.be', language: 'nl' });
    expect(res.body.warnings).toEqual([]);
    expect((await patch(client.id, { email: null })).body.client.email).toBeNull();
    expect((await patch(client.id, {})).status).toBe(400);
    expect((await patch(client.id, { officeId: officeB })).status).toBe(400);
  });

  it('lists every unsigned mandate of the client’s accounts with its actions, only when data changed', async () => {
    const client = await createClient();
    const other = await createClient();
    const account = async (clientId: string, iban: string) =>
      (await stack.http('POST', `/v1/clients/${clientId}/bank-accounts`, { iban }, { key: keys.accountantA })).body
        .id as string;
    const mandate = (bankAccountId: string, status: MandateState) =>
      stack.db.prisma.mandate.create({
        data: { bankAccountId, managementMode: 'office', status, workflowId: `mandate:${bankAccountId}` },
      });
    const ibans = ['BE53 0689 9999 5053', 'BE35 3101 2345 6737', 'BE24 3101 2345 6838', 'BE46 7351 2345 6736'];
    const accounts: string[] = [];
    for (const iban of ibans) accounts.push(await account(client.id, iban));
    // Mandates made in the reverse order of their accounts: still listed in the accounts' order.
    const kbcProblem = await mandate(accounts[3]!, 'problem');
    const preparing = await mandate(accounts[2]!, 'in_preparation');
    const problem = await mandate(accounts[1]!, 'problem');
    const online = await mandate(accounts[0]!, 'available_online');
    await mandate(await account(client.id, 'BE09 7341 2345 6757'), 'signed');
    // KBC/CBC's unsigned state: not presented again by a client edit (docs/domain.md#client-edits names four states).
    await mandate(await account(client.id, 'BE95 7341 2345 6858'), 'awaiting_bank_link');
    await mandate(await account(other.id, 'BE48 0011 2345 6727'), 'sent_to_client');

    // Before the edit: the same mandates, as the console shows them before saving; the client's office only.
    const edits = `/v1/clients/${client.id}/edit-impact`;
    const preview = await call('getClientEditImpact', 'GET', edits, undefined, keys.accountantA);
    expect((await call('getClientEditImpact', 'GET', edits, undefined, keys.accountantB)).status).toBe(404);
    expect((await call('getClientEditImpact', 'GET', edits, undefined, keys.support)).status).toBe(403);
    // Rows without a workflow: listed, and reported as not presented again (the e2e test has real ones).
    const res = await patch(client.id, { email: 'accounts@client.be' });
    const row = (m: { id: string; bankAccountId: string }, iban: string, status: MandateState, actions: string[]) => ({
      id: m.id,
      bankAccountId: m.bankAccountId,
      iban,
      status,
      actions,
      presentedAgain: false,
    });
    const impact = [
      row(online, 'BE53068999995053', 'available_online', ['download', 'sign', 'archive', 'resend', 'mark_problem']),
      row(problem, 'BE35310123456737', 'problem', ['download', 'sign', 'archive', 'resend', 'resolve_problem']),
      // Its presentation is under way: resending would present it twice.
      row(preparing, 'BE24310123456838', 'in_preparation', ['download', 'sign', 'archive', 'mark_problem']),
      // Linked in the bank app: no electronic signature.
      row(kbcProblem, 'BE46735123456736', 'problem', ['download', 'archive', 'resend', 'resolve_problem']),
    ];
    expect(res.body.impact.mandates).toEqual(impact);
    expect(preview.body.mandates).toEqual(impact.map(({ presentedAgain: _, ...row }) => row));
    // The same actions as each mandate's own view.
    for (const m of impact) {
      expect(
        (await stack.http('GET', `/v1/mandates/${m.id}`, undefined, { key: keys.accountantA })).body.actions,
      ).toEqual(m.actions);
    }
    expect((await patch(client.id, { email: 'accounts@client.be' })).body.impact.mandates).toEqual([]);
  });

  it('audits changed field names (never values); refused and empty edits write nothing', async () => {
    const client = await createClient();
    const operatorKeyId = await keyId(stack.operatorKey);
    await patch(client.id, { email: 'secret@client.be', language: 'en' }, stack.operatorKey);
    await patch(client.id, { email: 'secret@client.be' }, stack.operatorKey);
    await patch(client.id, { companyName: 'Locked' }, stack.operatorKey);
    const trail = await auditOf(client.id);
    expect(trail.map((e) => e.action)).toEqual(['client.create', 'client.update']);
    expect(trail[1]).toMatchObject({
      actorRole: 'operator',
      actorKeyId: operatorKeyId,
      details: { changed: ['email', 'language'] },
    });
    expect(JSON.stringify(trail)).not.toContain('secret@client.be');
  });
});

describe('DELETE /v1/clients/:id', () => {
  it('deletes a client without records, audited; the client is gone', async () => {
    const client = await createClient();
    const res = await call('deleteClient', 'DELETE', `/v1/clients/${client.id}`, undefined, keys.accountantA);
    expect(res.status).toBe(204);
    expect((await stack.http('GET', `/v1/clients/${client.id}`)).status).toBe(404);
    expect((await auditOf(client.id)).map((e) => e.action)).toEqual(['client.create', 'client.delete']);
  });

  it('refuses (409, with the counts) a client that still has a bank account, and changes nothing', async () => {
    const client = await createClient();
    expect(
      (
        await stack.http(
          'POST',
          `/v1/clients/${client.id}/bank-accounts`,
          { iban: 'BE68 5390 0754 7034' },
          { key: keys.accountantA },
        )
      ).status,
    ).toBe(201);
    const res = await call('deleteClient', 'DELETE', `/v1/clients/${client.id}`, undefined, keys.accountantA);
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ code: 'client_in_use', bankAccounts: 1, caroOrders: 0, connections: 0 });
    expect((await stack.http('GET', `/v1/clients/${client.id}`)).status).toBe(200);
  });

  it('is 404 for another office’s accountant and 403 for support', async () => {
    const client = await createClient();
    expect((await call('deleteClient', 'DELETE', `/v1/clients/${client.id}`, undefined, keys.accountantB)).status).toBe(
      404,
    );
    expect((await call('deleteClient', 'DELETE', `/v1/clients/${client.id}`, undefined, keys.support)).status).toBe(
      403,
    );
    expect((await stack.http('GET', `/v1/clients/${client.id}`)).status).toBe(200);
  });
});
