import type { TestWorkflowEnvironment } from '@temporalio/testing';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { apiRoutes } from '../../api/routes/index.js';
import { problemSchema } from '../../api/schemas/problem.js';
import { seedRequestContext, validRequests } from '../helpers/requests.js';
import { startTestStack, type TestStack } from '../helpers/stack.js';
import { createTimeSkippingEnv } from '../helpers/temporal.js';

// Every endpoint gets malformed JSON, wrong types, missing and unknown fields, huge strings and
// bodies, unicode oddities and injection strings. The answer is always a 4xx with a useful
// message (never a 5xx), and a refused request writes nothing.
let temporal: TestWorkflowEnvironment;
let stack: TestStack;
let requests: ReturnType<typeof validRequests>;

const NASTY: unknown[] = [
  null,
  true,
  0,
  -1,
  1e308,
  {},
  [],
  '',
  ' ',
  'x'.repeat(20_000),
  "'; DROP TABLE offices; --",
  '" OR 1=1 --',
  '<script>alert(1)</script>',
  '${jndi:ldap://example.invalid/a}',
  '../../../../etc/passwd',
  '\u0000',
  'a\u0000b',
  '\ud800',
  'e\u0301',
  '\u202etxt.exe',
  '🏦💶',
  'ＢＥ６８５３９００７５４７０３４',
  '2027-02-30T25:61:00Z',
];

async function rowCounts(): Promise<string> {
  const rows = await stack.db.prisma.$queryRaw<{ n: number; t: string }[]>`
    SELECT 'offices' t, count(*)::int n FROM offices UNION ALL SELECT 'clients', count(*)::int FROM clients
    UNION ALL SELECT 'connections', count(*)::int FROM connections UNION ALL SELECT 'bank_accounts', count(*)::int FROM bank_accounts
    UNION ALL SELECT 'api_keys', count(*)::int FROM api_keys UNION ALL SELECT 'audit_events', count(*)::int FROM audit_events
    UNION ALL SELECT 'webhook_events', count(*)::int FROM webhook_events UNION ALL SELECT 'mandates', count(*)::int FROM mandates
    UNION ALL SELECT 'caro_orders', count(*)::int FROM caro_orders UNION ALL SELECT 'users', count(*)::int FROM users`;
  return rows.map((r) => `${r.t}=${r.n}`).join(' ');
}

/** Sends one request; a 5xx fails the test, a 4xx must say why and change nothing. */
async function expectRefusedOrServed(method: string, path: string, body: unknown, raw = false) {
  const before = await rowCounts();
  const res = await stack.http(method, path, raw ? body : body === undefined ? undefined : JSON.stringify(body));
  expect(
    res.status,
    `${method} ${path} ${JSON.stringify(body)?.slice(0, 200)} → ${JSON.stringify(res.body)}`,
  ).toBeLessThan(500);
  if (res.status >= 400) {
    expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(res.body.detail, 'a useful message').toEqual(expect.any(String));
    expect(problemSchema.safeParse(res.body).success, 'the RFC 9457 shape').toBe(true);
    expect(await rowCounts(), `${method} ${path} wrote something although refused`).toBe(before);
  }
  return res;
}

beforeAll(async () => {
  temporal = await createTimeSkippingEnv();
  stack = await startTestStack(temporal, { rateLimitPerMinute: 1_000_000 });
  requests = validRequests(await seedRequestContext(stack));
});
afterAll(async () => {
  await stack?.stop();
  await temporal?.teardown();
});

const withBody = apiRoutes.filter((r) => r.body);
const withId = apiRoutes.filter((r) => r.path.includes(':'));
const withQuery = apiRoutes.filter((r) => r.query);

describe.each(withBody.map((r) => [`${r.method.toUpperCase()} ${r.path}`, r] as const))(
  'body of %s',
  (_name, route) => {
    const method = route.method.toUpperCase();

    it('refuses malformed JSON and non-object bodies with 400', async () => {
      const { path } = await requests[route.operationId]!();
      for (const raw of ['{"a":', '{,}', "{'single': 1}", '[1,2', 'nul']) {
        const res = await expectRefusedOrServed(method, path, raw, true);
        expect(res.status).toBe(400);
        expect(res.body.code).toBe('malformed_body');
      }
      for (const body of [[], 'text', 42, null, true])
        expect((await expectRefusedOrServed(method, path, body)).status).toBe(400);
    });

    it('names every missing required field and every unknown field', async () => {
      const { path, body } = await requests[route.operationId]!();
      const res = await expectRefusedOrServed(method, path, {});
      expect(res.status).toBe(400);
      expect(res.body.errors.length).toBeGreaterThan(0);
      const unknown = await expectRefusedOrServed(method, path, { ...(body as object), unexpectedField: 1 });
      expect(unknown.status).toBe(400);
      expect(unknown.body.detail).toContain('unexpectedField');
    });

    it('never fails on wrong types, huge strings, unicode oddities or injection strings in any field', async () => {
      type Request = { path: string; body: Record<string, unknown> };
      let fresh = (await requests[route.operationId]!()) as Request;
      for (const field of Object.keys(fresh.body)) {
        for (const value of NASTY) {
          const res = await expectRefusedOrServed(method, fresh.path, { ...fresh.body, [field]: value });
          // A refused request changed nothing, so its case is still as valid for the next value; a
          // served one may have used it up (a mandate signed, a client's code taken): a new one.
          if (res.status < 400) fresh = (await requests[route.operationId]!()) as Request;
        }
      }
      expect(fresh.path).toBeTruthy();
    });

    it('refuses a body over the size limit with 413', async () => {
      const { path } = await requests[route.operationId]!();
      const res = await expectRefusedOrServed(method, path, { blob: 'x'.repeat(150_000) });
      expect(res.status).toBe(413);
    });

    it('survives arbitrary JSON (property-based)', async () => {
      const { path, body } = await requests[route.operationId]!();
      const keys = Object.keys(body as object);
      await fc.assert(
        fc.asyncProperty(
          fc.dictionary(fc.oneof(fc.constantFrom(...keys), fc.string()), fc.jsonValue({ maxDepth: 2 }), {
            maxKeys: keys.length + 2,
          }),
          async (candidate) => {
            await expectRefusedOrServed(method, path, candidate);
          },
        ),
        { numRuns: 25 },
      );
    });
  },
);

describe.each(withId.map((r) => [`${r.method.toUpperCase()} ${r.path}`, r] as const))(
  'path parameters of %s',
  (_name, route) => {
    it('answers 400 or 404 for any id, never 5xx', async () => {
      const { body } = await requests[route.operationId]!();
      for (const value of [
        '0',
        'not-a-uuid',
        "1' OR '1'='1",
        '%00',
        '..%2F..%2Fetc',
        'x'.repeat(2_000),
        '🏦',
        '00000000-0000-0000-0000-000000000000',
      ]) {
        const path = route.path.replace(/:([A-Za-z_]+)/g, encodeURIComponent(value));
        const res = await expectRefusedOrServed(route.method.toUpperCase(), path, body);
        expect([400, 404]).toContain(res.status);
      }
    });
  },
);

describe.each(withQuery.map((r) => [`${r.method.toUpperCase()} ${r.path}`, r] as const))(
  'query of %s',
  (_name, route) => {
    it('refuses unknown and malformed parameters with 400, never 5xx', async () => {
      const { path } = await requests[route.operationId]!();
      const base = path.split('?')[0]!;
      expect(
        (await expectRefusedOrServed('GET', `${base}?${path.split('?')[1] ?? ''}&unknownParam=1`, undefined)).status,
      ).toBe(400);
      const fields = (route.query as unknown as { shape: Record<string, z.ZodType> }).shape;
      const shape = Object.keys(fields);
      const integers = shape.filter(
        (param) =>
          (z.toJSONSchema(fields[param]!, { io: 'input', unrepresentable: 'any' }) as { type?: string }).type ===
          'integer',
      );
      for (const param of shape) {
        for (const value of ['', '-1', '99999999999999999999', 'abc', "' OR 1=1", '%00', '🏦', 'x'.repeat(5_000)]) {
          const kept = new URLSearchParams(path.split('?')[1] ?? '');
          kept.set(param, value);
          const res = await expectRefusedOrServed('GET', `${base}?${kept.toString()}`, undefined);
          // A parameter the document says is an integer refuses a blank or a word (schemathesis: ST201).
          if (integers.includes(param) && (value === '' || value === 'abc'))
            expect(res.status, `${param}=${value}`).toBe(400);
        }
      }
    });
  },
);
