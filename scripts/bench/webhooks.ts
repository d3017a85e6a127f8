/**
 * `npm run bench:webhooks`: 1,000 case changes (BENCH_EVENTS) of one office with 3 webhook
 * endpoints (BENCH_ENDPOINTS): the real worker's delivery workflows on a Temporal dev server
 * (in-memory SQLite) deliver every event to a receiver in this process. Prints deliveries per
 * second and the p50/p95 delay from the change's commit to its arrival, then the same signed HTTP
 * posts sent in a loop (lib/webhooks/send.ts) at the workflows' concurrency, and the ratio.
 * Embedded database (PGlite, one connection).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { Runtime } from '@temporalio/worker';
import { OutboxSender } from '../../activities/email/sender.js';
import { createPrisma } from '../../lib/db/client.js';
import { startEmbeddedPostgres } from '../../lib/db/embedded.js';
import { uuidv7 } from '../../lib/db/ids.js';
import { applyMigrations } from '../../lib/db/migrate.js';
import { presentEvent } from '../../lib/events/present.js';
import { recordEvent, EVENT_TX } from '../../lib/events/record.js';
import { createLinkBuilder } from '../../lib/links/links.js';
import { temporalLogger } from '../../lib/temporal/sdk-logger.js';
import { provisionTemporalBinaries } from '../../lib/temporal-binaries.js';
import { newSigningSecret } from '../../lib/webhooks/secret.js';
import { postWebhook } from '../../lib/webhooks/send.js';
import { wakeEndpointWorkflow } from '../../lib/webhooks/workflow.js';
import { createWorker } from '../../workers/create-worker.js';
import { startDevServer } from '../../tests/helpers/temporal.js';
import { figures, logger, measure } from './shared.js';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 1_000);
const ENDPOINTS = Number(process.env.BENCH_ENDPOINTS ?? 3);
/** Cases the changes are spread over (each case's events keep their order). */
const CASES = Number(process.env.BENCH_CASES ?? 100);
const POLL_MS = Number(process.env.BENCH_POLL_MS ?? 200);
/** The delivery workflow's cases at once (workflows/webhook-delivery/workflow.ts) × the endpoints. */
const RAW_CONCURRENCY = 8 * ENDPOINTS;

async function main() {
  await provisionTemporalBinaries();
  Runtime.install({ logger: temporalLogger(logger) });
  const dev = await startDevServer();
  const pg = await startEmbeddedPostgres();
  await applyMigrations(pg.url);
  const prisma = createPrisma(pg.url);

  // The receiver: when each (endpoint, event) arrived.
  const arrivals = new Map<string, number>();
  let done: () => void = () => {};
  const all = new Promise<void>((resolve) => (done = resolve));
  const receiver = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      arrivals.set(`${req.url}|${String(req.headers['webhook-id'])}`, Date.now());
      res.writeHead(204).end();
      if (arrivals.size === EVENTS * ENDPOINTS) done();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;

  const taskQueue = `bench-${randomUUID()}`;
  const worker = await createWorker({
    connection: dev.env.nativeConnection,
    namespace: 'default',
    taskQueue,
    deps: {
      prisma,
      logger,
      email: new OutboxSender(),
      links: createLinkBuilder({
        publicBaseUrl: 'http://localhost:3000',
        secret: 'bench-link-secret-0000000000000000000',
      }),
      webhooks: { retryScheduleMs: [1_000, 5_000], pollMs: POLL_MS, policy: { publicOnly: false } },
    },
  });
  const running = worker.run();

  const office = await prisma.office.create({
    data: { name: 'Bench', language: 'fr', contactEmail: 'bench@example.be' },
  });
  const clients = await Promise.all(
    Array.from({ length: CASES }, (_, i) =>
      prisma.client.create({
        data: { officeId: office.id, companyName: `Client ${i}`, clientCode: `B-${i}`, language: 'fr' },
      }),
    ),
  );
  const endpoints: { url: string; secret: string }[] = [];
  for (let i = 0; i < ENDPOINTS; i++) {
    const endpoint = await prisma.webhookEndpoint.create({
      data: { officeId: office.id, url: `${receiverUrl}/e${i}`, secret: newSigningSecret(), cursor: 0n },
    });
    await wakeEndpointWorkflow({ temporal: dev.env.client, taskQueue, prisma }, endpoint.id);
    endpoints.push(endpoint);
  }

  // The changes: each a transaction that writes its event (as the product's writers do).
  const committed = new Map<string, number>();
  const started = Date.now();
  for (let i = 0; i < EVENTS; i++) {
    const client = clients[i % CASES]!;
    const sourceKey = `bench:${uuidv7()}`;
    await prisma.$transaction(
      (tx) =>
        recordEvent(tx, {
          type: 'client.updated',
          subject: 'client',
          subjectId: client.id,
          data: { changed: ['clientCode'], mandatesPresentedAgain: [] },
          occurredAt: new Date(),
          sourceKey,
        }),
      EVENT_TX,
    );
    const { id } = await prisma.event.findUniqueOrThrow({ where: { sourceKey }, select: { id: true } });
    committed.set(id, Date.now());
  }
  const changesSeconds = (Date.now() - started) / 1000;
  const timeout = setTimeout(() => done(), 300_000);
  await all;
  clearTimeout(timeout);
  const seconds = (Math.max(...arrivals.values()) - started) / 1000;
  const delays: number[] = [];
  for (const [key, at] of arrivals) delays.push(at - committed.get(key.split('|')[1]!)!);
  const delivered = figures(delays, seconds);

  // The same posts, signed, in a loop at the workflows' concurrency.
  const events = await prisma.event.findMany({ orderBy: { seq: 'asc' } });
  const raw = await measure(
    async (i) => {
      const event = events[i % events.length]!;
      const endpoint = endpoints[i % ENDPOINTS]!;
      const outcome = await postWebhook({
        url: `${endpoint.url}-raw`,
        msgId: event.id,
        body: JSON.stringify(presentEvent(event)),
        secrets: [endpoint.secret],
        timeoutMs: 8_000,
        policy: { publicOnly: false },
      });
      if (outcome.status !== 'delivered') throw new Error(`raw post: ${outcome.error}`);
    },
    EVENTS * ENDPOINTS,
    RAW_CONCURRENCY,
  );
  const attempts = await prisma.webhookDelivery.count();

  const row = (name: string, perSec: number, p50: string, p95: string) =>
    `${name.padEnd(34)} ${perSec.toFixed(0).padStart(8)} ${p50.padStart(10)} ${p95.padStart(10)}`;
  console.log(
    `\n${EVENTS} changes of ${CASES} cases (written in ${changesSeconds.toFixed(1)} s), ${ENDPOINTS} endpoints, ` +
      `poll ${POLL_MS} ms; Temporal dev server (in-memory SQLite), embedded PGlite\n`,
  );
  console.log(row('', 0, 'p50 ms', 'p95 ms').replace(/ 0 /, '   /s  '));
  console.log(
    row(
      `webhook deliveries (${arrivals.size}, ${attempts} attempts)`,
      delivered.reqPerSec,
      `${delivered.p50}`,
      `${delivered.p95}`,
    ),
  );
  console.log(row('raw signed posts in a loop', raw.reqPerSec, raw.p50.toFixed(1), raw.p95.toFixed(1)));
  console.log(`\nratio deliveries/s ÷ raw posts/s: ${(delivered.reqPerSec / raw.reqPerSec).toFixed(3)}`);
  console.log('delivery delay: from the change’s commit to its arrival at the receiver; raw: one post’s latency');

  worker.shutdown();
  await running;
  receiver.close();
  await prisma.$disconnect();
  await pg.stop();
  await dev.stop();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
