import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiRoutes } from '../../api/routes/index.js';
import type { Role } from '../../lib/auth/api-keys.js';
import { Prisma } from '../../lib/db/client.js';
import { seedRequestContext, validRequests, type ValidRequest } from '../helpers/requests.js';
import { asPerson, createPerson, signIn, type SignedIn } from '../helpers/session.js';
import { expectDeclaredResponse } from '../helpers/schemas.js';
import { startTestStack, type HttpOptions, type TestStack } from '../helpers/stack.js';
import { createTimeSkippingEnv } from '../helpers/temporal.js';

let temporal: TestWorkflowEnvironment;
let stack: TestStack;
let officeId: string;
let connectionId: string;
let calls: ReturnType<typeof validRequests>;
const keys = {} as Record<Role, string>;
const sessions = {} as Record<Role, SignedIn>;
const DAY = 86_400_000;

beforeAll(async () => {
  temporal = await createTimeSkippingEnv();
  // The matrices send well over the default 600 requests a minute with the operator key (tests/api/limits.test.ts
  // tests the limit itself).
  stack = await startTestStack(temporal, { rateLimitPerMinute: 100_000 });
  const context = await seedRequestContext(stack);
  ({ officeId, connectionId } = context);
  calls = validRequests(context);
  keys.operator = stack.operatorKey;
  keys.support = await stack.key('support');
  keys.accountant = await stack.key('accountant', officeId);
  for (const role of ['accountant', 'operator', 'support'] as const) {
    const person = await createPerson(stack, {
      role,
      name: `Matrix ${role}`,
      ...(role === 'accountant' ? { officeId } : {}),
    });
    sessions[role] = await signIn(stack, person.email);
  }
});
afterAll(async () => {
  await stack?.stop();
  await temporal?.teardown();
});

/** A route's case may take up to four builds of several steps each (an order invited, then cancelled): slow under CI's load. */
const MATRIX_TIMEOUT_MS = 180_000;

/**
 * Each role in turn, authenticated by `as`: served when the route allows the role, else 403 forbidden.
 * A refused request changes nothing, so its case serves the next role; a served one may use it up: a new one.
 */
async function eachRole(
  route: (typeof apiRoutes)[number],
  build: () => Promise<ValidRequest> | ValidRequest,
  first: ValidRequest,
  as: (role: 'accountant' | 'operator' | 'support') => HttpOptions,
) {
  let call = first;
  for (const role of ['accountant', 'operator', 'support'] as const) {
    const res = await stack.http(route.method.toUpperCase(), call.path, call.body, as(role));
    if (res.status < 400) call = await build();
    if (route.roles.includes(role)) {
      expect(res.status, `${role}: ${JSON.stringify(res.body)}`).toBeLessThan(400);
      expectDeclaredResponse(route.operationId, res.status, res.body);
    } else {
      expect(res.status, role).toBe(403);
      expect(res.body).toMatchObject({ code: 'forbidden' });
    }
  }
}

describe('role × route matrix', () => {
  it('has a request for every route', () => {
    expect(apiRoutes.map((r) => r.operationId).filter((id) => !calls[id])).toEqual([]);
  });

  for (const route of apiRoutes) {
    it(
      `${route.method.toUpperCase()} ${route.path}: 401 without a key, 403 for roles not in [${route.roles.join(', ')}], served otherwise`,
      async () => {
        const build = calls[route.operationId];
        if (!build) throw new Error(`no matrix entry for ${route.operationId}`);
        const call = await build();
        const unauthenticated = await stack.http(route.method.toUpperCase(), call.path, call.body, { key: null });
        expect(unauthenticated.status).toBe(401);
        expect(unauthenticated.headers.get('www-authenticate')).toMatch(/^Bearer/);

        await eachRole(route, build, call, (role) => ({ key: keys[role] }));
      },
      MATRIX_TIMEOUT_MS,
    );

    it(
      `${route.method.toUpperCase()} ${route.path}: the same through a person's session cookie${route.method === 'get' ? '' : ', with its X-CSRF-Token (403 without)'}`,
      async () => {
        const build = calls[route.operationId]!;
        const call = await build();
        if (route.method !== 'get') {
          const res = await stack.http(
            route.method.toUpperCase(),
            call.path,
            call.body,
            asPerson(sessions.operator, { csrf: false }),
          );
          expect(res.status).toBe(403);
          expect(res.body).toMatchObject({ code: 'csrf_token_invalid' });
        }
        await eachRole(route, build, call, (role) => asPerson(sessions[role]));
      },
      MATRIX_TIMEOUT_MS,
    );
  }
});

describe('authentication', () => {
  it.each([
    ['a malformed header', 'Token abc'],
    ['a key of the wrong shape', 'Bearer not-a-key'],
    ['an unknown key', `Bearer bfk_000000000000_${'A'.repeat(43)}`],
  ])('refuses %s with 401 problem+json', async (_what, authorization) => {
    const res = await stack.http('GET', '/v1/offices', undefined, { key: null, headers: { authorization } });
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(res.body).toMatchObject({ code: 'unauthorized', status: 401 });
  });

  it('refuses a revoked key, and never answers with the key again', async () => {
    const created = await stack.http('POST', '/v1/api-keys', { name: 'short-lived', role: 'support' });
    expect(created.status).toBe(201);
    expect((await stack.http('GET', '/v1/offices', undefined, { key: created.body.key })).status).toBe(200);
    expect((await stack.http('DELETE', `/v1/api-keys/${created.body.id}`)).status).toBe(204);
    expect((await stack.http('GET', '/v1/offices', undefined, { key: created.body.key })).status).toBe(401);
    const listed = await stack.http('GET', '/v1/api-keys');
    expect(JSON.stringify(listed.body)).not.toContain(created.body.key);
    const row = await stack.db.prisma.apiKey.findUniqueOrThrow({ where: { id: created.body.id } });
    expect(row.hash).not.toContain(created.body.key.slice('bfk_'.length + 13));
  });
});

describe('office scoping', () => {
  it('an accountant of another office gets 404 and empty lists, never the data', async () => {
    const otherOffice = (
      await stack.http('POST', '/v1/offices', { name: 'Office B', language: 'nl', contactEmail: 'b@example.be' })
    ).body.id;
    const outsider = await stack.key('accountant', otherOffice);
    const read = await stack.http('GET', `/v1/connections/${connectionId}`, undefined, { key: outsider });
    expect(read.status).toBe(404);
    expect(JSON.stringify(read.body)).not.toContain(connectionId);
    expect((await stack.http('GET', `/v1/offices/${officeId}`, undefined, { key: outsider })).status).toBe(404);
    const list = await stack.http('GET', '/v1/connections', undefined, { key: outsider });
    expect(list.body.data).toEqual([]);
    const named = await stack.http('GET', `/v1/connections?officeId=${officeId}`, undefined, { key: outsider });
    expect(named.body.data).toEqual([]);
    const own = await stack.http('GET', `/v1/connections?officeId=${otherOffice}`, undefined, { key: keys.accountant });
    expect(own.body.data).toEqual([]);
    const offices = await stack.http('GET', '/v1/offices', undefined, { key: outsider });
    expect(offices.body.data.map((o: { id: string }) => o.id)).toEqual([otherOffice]);
    const create = await stack.http(
      'POST',
      '/v1/connections',
      {
        officeId,
        provider: 'ponto',
        ownerLanguage: 'nl',
        ibans: ['BE68539007547034'],
        validUntil: new Date(Date.now() + 90 * DAY).toISOString(),
      },
      { key: outsider },
    );
    expect(create.status).toBe(404);
  });

  it('another office’s id answers 404 not_found wherever it is, path or body, on every route', async () => {
    const outsider = await stack.key(
      'accountant',
      (await stack.http('POST', '/v1/offices', { name: 'Office C', language: 'nl', contactEmail: 'c@example.be' })).body
        .id,
    );
    const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/;
    const answers: Record<string, string> = {};
    for (const route of apiRoutes.filter((r) => r.roles.includes('accountant'))) {
      // The operator builds the request with office A's records; the outsider sends it.
      const call = await calls[route.operationId]!();
      const named = UUID.test(call.path.split('?')[0]!)
        ? 'path'
        : UUID.test(JSON.stringify(call.body ?? {}))
          ? 'body'
          : '';
      if (!named) continue;
      const res = await stack.http(route.method.toUpperCase(), call.path, call.body, { key: outsider });
      answers[`${route.operationId} (${named})`] = `${res.status} ${res.body?.code}`;
      if (res.status === 404) expectDeclaredResponse(route.operationId, 404, res.body);
    }
    expect(Object.keys(answers)).toEqual(
      expect.arrayContaining(['createClient (body)', 'orderMandates (body)', 'createCaroOrders (body)']),
    );
    expect(Object.entries(answers).filter(([, answer]) => answer !== '404 not_found')).toEqual([]);
  });

  it('a body naming a client of another office answers 404 not_found, for the accountant and the back office', async () => {
    const clientOfA = (
      await stack.http('POST', '/v1/clients', { officeId, companyName: 'A SRL', clientCode: 'A-1', language: 'fr' })
    ).body.id;
    const officeB = (
      await stack.http('POST', '/v1/offices', { name: 'Office D', language: 'nl', contactEmail: 'd@example.be' })
    ).body.id;
    const connection = {
      clientId: clientOfA,
      provider: 'ponto',
      ownerLanguage: 'nl',
      ibans: ['BE68539007547034'],
      validUntil: new Date(Date.now() + 90 * DAY).toISOString(),
    };
    const fromB = await stack.http('POST', '/v1/connections', connection, {
      key: await stack.key('accountant', officeB),
    });
    const operator = await stack.http('POST', '/v1/connections', { ...connection, officeId: officeB });
    for (const res of [fromB, operator]) {
      expect(res.status).toBe(404);
      expect(res.body).toMatchObject({ code: 'not_found', errors: [{ in: 'body', path: 'clientId' }] });
    }
    const nowhere = await stack.http('POST', '/v1/mandates', { bankAccountIds: [clientOfA], managementMode: 'office' });
    expect(nowhere.status).toBe(404);
    expect(nowhere.body).toMatchObject({ code: 'not_found', errors: [{ in: 'body', path: 'bankAccountIds.0' }] });
  });

  it('an accountant writes to their own office without naming it', async () => {
    const created = await stack.http(
      'POST',
      '/v1/connections',
      {
        provider: 'ponto',
        ownerLanguage: 'fr',
        ibans: ['BE68539007547034'],
        validUntil: new Date(Date.now() + 90 * DAY).toISOString(),
      },
      { key: keys.accountant },
    );
    expect(created.status).toBe(202);
    expect(created.body.officeId).toBe(officeId);
  });
});

describe('idempotency', () => {
  const body = { name: 'Office I', language: 'en', contactEmail: 'i@example.be' };

  it('replays the first answer for the same key and body, and creates once', async () => {
    const headers = { 'idempotency-key': 'create-office-i-1' };
    const first = await stack.http('POST', '/v1/offices', body, { headers });
    const second = await stack.http('POST', '/v1/offices', body, { headers });
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.body).toEqual(first.body);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(await stack.db.prisma.office.count({ where: { name: 'Office I' } })).toBe(1);
  });

  it('answers 422 when the same key comes with another body', async () => {
    const headers = { 'idempotency-key': 'create-office-i-2' };
    expect((await stack.http('POST', '/v1/offices', body, { headers })).status).toBe(201);
    const reused = await stack.http('POST', '/v1/offices', { ...body, name: 'Office J' }, { headers });
    expect(reused.status).toBe(422);
    expect(reused.body).toMatchObject({ code: 'idempotency_key_reused' });
    expect(await stack.db.prisma.office.count({ where: { name: 'Office J' } })).toBe(0);
  });

  it('keeps keys apart per API key', async () => {
    const headers = { 'idempotency-key': 'shared-key' };
    const otherOperator = await stack.key('operator');
    const a = await stack.http('POST', '/v1/offices', { ...body, name: 'Office K' }, { headers });
    const b = await stack.http('POST', '/v1/offices', { ...body, name: 'Office K' }, { headers, key: otherOperator });
    expect(a.body.id).not.toBe(b.body.id);
  });

  it('answers 409 while a twin with the same key still runs, and lets a retry take over an abandoned one', async () => {
    const headers = { 'idempotency-key': 'create-office-i-3' };
    const named = { ...body, name: 'Office Twin Key' };
    expect((await stack.http('POST', '/v1/offices', named, { headers })).status).toBe(201);
    const where = { key: 'create-office-i-3' };
    // As if the first request were still running (in another API process): reserved, no answer yet.
    await stack.db.prisma.idempotencyRecord.updateMany({
      where,
      data: { responseStatus: null, responseBody: Prisma.DbNull },
    });
    const twin = await stack.http('POST', '/v1/offices', named, { headers });
    expect(twin.status).toBe(409);
    expect(twin.body).toMatchObject({ code: 'idempotency_in_progress' });
    expect(twin.headers.get('retry-after')).toBe('1');
    expect(await stack.db.prisma.office.count({ where: { name: 'Office Twin Key' } })).toBe(1);
    // Reserved ten minutes ago and never answered: its process died; the retry runs it.
    await stack.db.prisma.idempotencyRecord.updateMany({ where, data: { createdAt: new Date(Date.now() - 600_000) } });
    const retry = await stack.http('POST', '/v1/offices', named, { headers });
    expect(retry.status).toBe(201);
    expect(retry.headers.get('idempotent-replayed')).toBeNull();
    expect(await stack.db.prisma.idempotencyRecord.findFirst({ where })).toMatchObject({ responseStatus: 201 });
  });

  it('frees the key when the request fails, so the retry runs for real', async () => {
    const headers = { 'idempotency-key': 'create-client-i-4' };
    const client = {
      officeId: '01900000-0000-7000-8000-000000000000',
      companyName: 'X',
      clientCode: 'X',
      language: 'fr',
    };
    const refused = await stack.http('POST', '/v1/clients', client, { headers });
    expect(refused.status).toBeGreaterThanOrEqual(400);
    expect(refused.status).toBeLessThan(500);
    expect(await stack.db.prisma.idempotencyRecord.count({ where: { key: 'create-client-i-4' } })).toBe(0);
  });

  it('keeps the answer before the audit: a request that acted and then failed is replayed, never run twice', async () => {
    const headers = { 'idempotency-key': 'create-office-i-5' };
    const named = { ...body, name: 'Office Audited Once' };
    const prisma = stack.db.prisma;
    await prisma.$executeRawUnsafe(
      `CREATE FUNCTION refuse_audit() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'audit down'; END $$ LANGUAGE plpgsql`,
    );
    await prisma.$executeRawUnsafe(
      'CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_events FOR EACH ROW EXECUTE FUNCTION refuse_audit()',
    );
    try {
      expect((await stack.http('POST', '/v1/offices', named, { headers, contract: false })).status).toBe(500);
    } finally {
      await prisma.$executeRawUnsafe('DROP TRIGGER refuse_audit ON audit_events');
      await prisma.$executeRawUnsafe('DROP FUNCTION refuse_audit()');
    }
    const retry = await stack.http('POST', '/v1/offices', named, { headers });
    expect(retry.status).toBe(201);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(await prisma.office.count({ where: { name: 'Office Audited Once' } })).toBe(1);
  });

  it('refuses an unusable key with 400', async () => {
    const res = await stack.http('POST', '/v1/offices', body, { headers: { 'idempotency-key': 'ä'.repeat(3) } });
    expect(res.status).toBe(400);
  });
});

describe('audit', () => {
  it('records who changed what, readable by operators and support only', async () => {
    const created = await stack.http('POST', '/v1/offices', {
      name: 'Office Audit',
      language: 'fr',
      contactEmail: 'audit@example.be',
    });
    const path = `/v1/audit?resourceType=office&resourceId=${created.body.id}`;
    const trail = await stack.http('GET', path, undefined, { key: keys.support });
    expect(trail.status).toBe(200);
    const operatorKey = await stack.db.prisma.apiKey.findFirstOrThrow({
      where: { prefix: stack.operatorKey.split('_')[1] },
    });
    expect(trail.body.data).toEqual([
      expect.objectContaining({
        action: 'office.create',
        actorRole: 'operator',
        actorKeyId: operatorKey.id,
        resourceType: 'office',
      }),
    ]);
    expect((await stack.http('GET', path, undefined, { key: keys.accountant })).status).toBe(403);
  });

  it('records nothing for reads and refused writes', async () => {
    const before = await stack.db.prisma.auditEvent.count();
    await stack.http('GET', '/v1/offices');
    await stack.http('POST', '/v1/offices', { name: '' });
    await stack.http(
      'POST',
      '/v1/offices',
      { name: 'Office S', language: 'fr', contactEmail: 's@example.be' },
      { key: keys.support },
    );
    expect(await stack.db.prisma.auditEvent.count()).toBe(before);
  });
});
