// Two API processes and two workers against one Temporal server and one PostgreSQL server: the
// production shape behind a load balancer. The rate limit and idempotency are kept in the
// database, so they hold across the API processes; the workers share the task queue.
// Needs a PostgreSQL server (TEST_POSTGRES_URL, set by CI): the embedded database serves one
// session, which two processes would share transaction-unsafely.
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../lib/auth/key-store.js';
import { createPrisma, type PrismaClient } from '../../lib/db/client.js';
import { applyMigrations } from '../../lib/db/migrate.js';
import { createThrowawayDatabase, type ThrowawayDatabase } from '../../lib/db/throwaway-database.js';
import { createTimeSkippingEnv } from '../helpers/temporal.js';
import { waitFor } from '../helpers/wait.js';
import { spawnEntry, type Spawned } from './spawn.js';

const adminUrl = process.env.TEST_POSTGRES_URL;
const PER_MINUTE = 10;

describe.skipIf(!adminUrl)('two API processes and two workers on one PostgreSQL', () => {
  let temporal: TestWorkflowEnvironment;
  let db: ThrowawayDatabase;
  let prisma: PrismaClient;
  const processes: Spawned[] = [];
  const apis: string[] = [];

  const call = async (base: string, key: string, method: string, path: string, body?: unknown, headers = {}) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...headers },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, headers: res.headers, body: (await res.json().catch(() => null)) as any };
  };

  beforeAll(async () => {
    [temporal, db] = await Promise.all([createTimeSkippingEnv(), createThrowawayDatabase(adminUrl!, 'multi')]);
    await applyMigrations(db.url);
    prisma = createPrisma(db.url);
    const env = {
      DATABASE_URL: db.url,
      TEMPORAL_ADDRESS: temporal.address,
      TEMPORAL_TASK_QUEUE: 'multi-instance',
      LOG_LEVEL: 'warn',
    };
    for (let i = 0; i < 2; i++) {
      processes.push(spawnEntry('workers/main.ts', { ...env, LOG_LEVEL: 'info' }));
      processes.push(
        spawnEntry('api/main.ts', {
          ...env,
          LOG_LEVEL: 'info',
          PORT: '0',
          HOST: '127.0.0.1',
          RATE_LIMIT_PER_MINUTE: String(PER_MINUTE),
        }),
      );
    }
    for (const proc of processes) {
      const line = await proc.waitForLine(/"(api listening|worker started)"/, 90_000);
      const { url } = JSON.parse(line) as { url?: string };
      if (url) apis.push(url);
    }
  }, 180_000);

  afterAll(async () => {
    for (const proc of processes) proc.child.kill('SIGTERM');
    await Promise.all(processes.map((proc) => proc.exited));
    await prisma?.$disconnect();
    await db?.drop();
    await temporal?.teardown();
  });

  const [a, b] = [() => apis[0]!, () => apis[1]!];

  it('counts one rate limit for a key, whichever process answers', async () => {
    const { key } = await createApiKey(prisma, { name: 'limits', role: 'support' });
    const statuses: number[] = [];
    for (let i = 0; i < PER_MINUTE + 2; i++) {
      statuses.push((await call(i % 2 === 0 ? a() : b(), key, 'GET', '/v1/offices')).status);
    }
    expect(statuses).toEqual([...Array<number>(PER_MINUTE).fill(200), 429, 429]);
    const refused = await call(a(), key, 'GET', '/v1/offices');
    expect(refused.body).toMatchObject({ code: 'rate_limited' });
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  });

  it('runs a POST once for one Idempotency-Key sent to both processes at the same time', async () => {
    const { key } = await createApiKey(prisma, { name: 'idempotency', role: 'operator' });
    const body = { name: 'Fiduciaire Twin', language: 'fr', contactEmail: 'twin@example.be' };
    const headers = { 'idempotency-key': 'twin-order-1' };
    const answers = await Promise.all(
      [a(), b(), a(), b()].map((base) => call(base, key, 'POST', '/v1/offices', body, headers)),
    );
    const created = answers.filter((r) => r.status === 201);
    expect(created.length).toBeGreaterThanOrEqual(1);
    for (const r of answers) {
      if (r.status === 409) expect(r.body).toMatchObject({ code: 'idempotency_in_progress' });
      else expect(r.status).toBe(201);
    }
    expect(new Set(created.map((r) => r.body.id)).size).toBe(1);
    expect(await prisma.office.count({ where: { name: 'Fiduciaire Twin' } })).toBe(1);
    // Once the first one answered, a retry to either process replays its answer.
    const again = await call(b(), key, 'POST', '/v1/offices', body, headers);
    expect(again).toMatchObject({ status: 201, body: { id: created[0]!.body.id } });
    expect(again.headers.get('idempotent-replayed')).toBe('true');
  });

  it('starts journeys through both processes, each handled once by the two workers', async () => {
    const { key } = await createApiKey(prisma, { name: 'orders', role: 'operator' });
    const office = await call(a(), key, 'POST', '/v1/offices', {
      name: 'Fiduciaire Multi',
      language: 'nl',
      contactEmail: 'office@example.be',
    });
    const client = await call(b(), key, 'POST', '/v1/clients', {
      officeId: office.body.id,
      companyName: 'Multi BV',
      clientCode: 'M-1',
      language: 'nl',
    });
    const account = await call(a(), key, 'POST', `/v1/clients/${client.body.id}/bank-accounts`, {
      iban: 'BE68539007547034',
    });
    const orders = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        call(i % 2 === 0 ? a() : b(), key, 'POST', '/v1/caro-orders', {
          orders: [
            {
              clientId: client.body.id,
              bankAccountId: account.body.id,
              clientReference: `MULTI-REF-${i}`,
              cardholderEmail: `holder${i}@example.be`,
              cardholderLanguage: 'nl',
            },
          ],
        }),
      ),
    );
    for (const order of orders) expect(order.status).toBe(202);
    const ids = orders.flatMap((order) => (order.body.data as { id: string }[]).map((o) => o.id));
    expect(ids).toHaveLength(6);
    await waitFor(
      async () =>
        (await prisma.emailOutbox.count({ where: { caseId: { in: ids }, template: 'caro.invitation' } })) === 6
          ? true
          : undefined,
      'one invitation per order',
      60_000,
    );
    const perOrder = await prisma.emailOutbox.groupBy({
      by: ['caseId'],
      where: { caseId: { in: ids }, template: 'caro.invitation' },
      _count: true,
    });
    expect(perOrder.map((row) => row._count)).toEqual([1, 1, 1, 1, 1, 1]);
  });
});
