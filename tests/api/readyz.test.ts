import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../api/app.js';
import { listen } from '../../api/server.js';
import { createPrisma } from '../../lib/db/client.js';
import { createTemporalClient } from '../../lib/temporal/client.js';
import { DEFAULT_CONSENT_SCHEDULE } from '../../workflows/consent-renewal/contract.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { silentLogger, TEST_WEBHOOK_SECRETS } from '../helpers/stack.js';
import { createTimeSkippingEnv, deadTemporalClient, freePort } from '../helpers/temporal.js';

let temporal: TestWorkflowEnvironment;
let db: TestDatabase;

beforeAll(async () => {
  [temporal, db] = await Promise.all([createTimeSkippingEnv(), createTestDatabase()]);
});
afterAll(async () => {
  await db?.stop();
  await temporal?.teardown();
});

async function readyz(
  temporalAddress: string,
  databaseUrl?: string,
  path = '/readyz',
  headers: Record<string, string> = {},
) {
  const client = createTemporalClient({
    TEMPORAL_ADDRESS: temporalAddress,
    TEMPORAL_NAMESPACE: 'default',
    TEMPORAL_TASK_QUEUE: 'q',
    TEMPORAL_TLS: false,
  });
  const prisma = databaseUrl ? createPrisma(databaseUrl) : db.prisma;
  const app = createApp({
    temporal: client,
    prisma,
    logger: silentLogger,
    taskQueue: 'q',
    // Generous: on a loaded machine the time-skipping server may take seconds to answer; a dead
    // address is refused at once either way.
    temporalTimeoutMs: 5_000,
    consentSchedule: DEFAULT_CONSENT_SCHEDULE,
    webhookSecrets: TEST_WEBHOOK_SECRETS,
  });
  const server = await listen(app, { port: 0, host: '127.0.0.1', logger: silentLogger, shutdownTimeoutMs: 100 });
  try {
    const res = await fetch(`${server.url}${path}`, { headers });
    return {
      status: res.status,
      retryAfter: res.headers.get('retry-after'),
      body: (await res.json()) as { code?: string; checks: Record<string, { ok: boolean; error?: string }> },
    };
  } finally {
    await server.close();
    // Against a dead address the SDK's retry interceptor still has retries queued: closing the
    // channel under them throws from a timer. Those clients are left to the end of the file.
    if (temporalAddress === temporal.address) await client.connection.close();
    if (databaseUrl) await prisma.$disconnect();
  }
}

describe('GET /readyz', () => {
  it('is 200 when Temporal and the database answer', async () => {
    const res = await readyz(temporal.address);
    expect(res.status).toBe(200);
    expect(res.body.checks).toMatchObject({ temporal: { ok: true }, database: { ok: true } });
    // The time-skipping server cannot describe a task queue: the worker check says so and passes
    // (tests/api/readyz-worker.test.ts sees a worker come and go on the dev server).
    expect(res.body.checks.worker).toEqual({ ok: true, pollers: 0, note: 'the server cannot describe task queues' });
  });

  it('is 503 naming Temporal when Temporal is down', async () => {
    const res = await readyz(`127.0.0.1:${await freePort()}`);
    expect(res.status).toBe(503);
    expect(res.retryAfter).toBe('5');
    expect(res.body.checks.temporal).toMatchObject({ ok: false, error: expect.any(String) });
    expect(res.body.checks.database).toEqual({ ok: true });
  });

  it('is 503 naming the database when the database is down', async () => {
    const res = await readyz(temporal.address, `postgresql://postgres:postgres@127.0.0.1:${await freePort()}/postgres`);
    expect(res.status).toBe(503);
    expect(res.body.checks.temporal).toEqual({ ok: true });
    expect(res.body.checks.database).toMatchObject({ ok: false, error: expect.any(String) });
  });

  it('answers an API request 503 database_unavailable with Retry-After while the database is down, not 500', async () => {
    const down = `postgresql://postgres:postgres@127.0.0.1:${await freePort()}/postgres`;
    const res = await readyz(temporal.address, down, '/v1/offices', {
      authorization: `Bearer bfk_abcdefgh1234_${'s'.repeat(43)}`,
    });
    expect(res.status).toBe(503);
    expect(res.retryAfter).toBe('5');
    expect(res.body.code).toBe('database_unavailable');
  });

  it('/healthz answers without asking anyone', async () => {
    const client = await deadTemporalClient();
    const app = createApp({
      temporal: client,
      prisma: db.prisma,
      logger: silentLogger,
      taskQueue: 'q',
      temporalTimeoutMs: 1_000,
      consentSchedule: DEFAULT_CONSENT_SCHEDULE,
      webhookSecrets: TEST_WEBHOOK_SECRETS,
    });
    const server = await listen(app, { port: 0, host: '127.0.0.1', logger: silentLogger, shutdownTimeoutMs: 100 });
    const res = await fetch(`${server.url}/healthz`); // never touches Temporal: the lazy connection stays unopened
    await server.close();
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });
});
