// /readyz sees the worker: on the dev server (the time-skipping server cannot describe a task
// queue) a worker polling the API's task queue makes it ready, and once the worker stops, no new
// poll begins and /readyz answers 503 naming `worker`. The server's long poll is cut to 2 s here,
// so a stopped worker shows within seconds rather than the default minute and a half.
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../api/app.js';
import { listen } from '../../api/server.js';
import { createTemporalClient } from '../../lib/temporal/client.js';
import { DEFAULT_CONSENT_SCHEDULE } from '../../workflows/consent-renewal/contract.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { silentLogger, TEST_WEBHOOK_SECRETS } from '../helpers/stack.js';
import { productBundle } from '../helpers/workflow-bundle.js';
import { startDevServer, type DevServer } from '../helpers/temporal.js';
import { waitFor } from '../helpers/wait.js';

const TASK_QUEUE = 'readyz-worker';
let dev: DevServer;
let db: TestDatabase;

beforeAll(async () => {
  [dev, db] = await Promise.all([
    startDevServer({ extraArgs: ['--dynamic-config-value', 'matching.longPollExpirationInterval="2s"'] }),
    createTestDatabase(),
  ]);
}, 120_000);
afterAll(async () => {
  await db?.stop();
  await dev?.stop();
});

describe('GET /readyz and the worker', () => {
  it('is 200 while a worker polls the task queue and 503 `worker` once it has stopped', async () => {
    const client = createTemporalClient({
      TEMPORAL_ADDRESS: dev.address,
      TEMPORAL_NAMESPACE: dev.namespace,
      TEMPORAL_TASK_QUEUE: TASK_QUEUE,
      TEMPORAL_TLS: false,
    });
    const app = createApp({
      temporal: client,
      prisma: db.prisma,
      logger: silentLogger,
      taskQueue: TASK_QUEUE,
      temporalTimeoutMs: 5_000,
      workerStaleAfterMs: 6_000,
      consentSchedule: DEFAULT_CONSENT_SCHEDULE,
      webhookSecrets: TEST_WEBHOOK_SECRETS,
    });
    const server = await listen(app, { port: 0, host: '127.0.0.1', logger: silentLogger, shutdownTimeoutMs: 100 });
    const readyz = async () => {
      const res = await fetch(`${server.url}/readyz`);
      return {
        status: res.status,
        body: (await res.json()) as { checks: Record<string, { ok: boolean; error?: string }> },
      };
    };
    try {
      // No worker yet.
      const before = await readyz();
      expect(before.status).toBe(503);
      expect(before.body.checks.worker).toMatchObject({ ok: false, error: expect.stringContaining(TASK_QUEUE) });
      expect(before.body.checks.temporal).toEqual({ ok: true });

      const worker = await Worker.create({
        connection: dev.env.nativeConnection,
        namespace: dev.namespace,
        taskQueue: TASK_QUEUE,
        workflowBundle: await productBundle(),
      });
      const running = worker.run();
      const ready = await waitFor(async () => {
        const res = await readyz();
        return res.status === 200 ? res : undefined;
      }, 'ready with the worker polling');
      expect(ready.body.checks.worker).toMatchObject({ ok: true, pollers: expect.any(Number) });

      worker.shutdown();
      await running;
      const gone = await waitFor(
        async () => {
          const res = await readyz();
          return res.status === 503 ? res : undefined;
        },
        '503 once the worker stopped',
        30_000,
      );
      expect(gone.body.checks).toMatchObject({ temporal: { ok: true }, database: { ok: true }, worker: { ok: false } });
    } finally {
      await server.close();
      await client.connection.close();
    }
  }, 120_000);
});
