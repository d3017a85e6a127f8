/**
 * `npm run bench -- webhooks`: 1,000 case changes (BENCH_EVENTS) of one office with 3 webhook
 * endpoints (BENCH_ENDPOINTS): the real worker's delivery workflows on a Temporal dev server
 * (in-memory SQLite) deliver every event to a receiver in this process. Prints deliveries per
 * second and the p50/p95 delay from the change's commit to its arrival, then the same signed HTTP
 * posts sent in a loop (lib/webhooks/send.ts) at the workflows' concurrency, and the ratio.
 * On the embedded database (PGlite, one connection), or on a PostgreSQL server (a throwaway
 * database) when BENCH_POSTGRES_URL (a superuser URL) is set.
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
import { createThrowawayDatabase } from '../../lib/db/throwaway-database.js';
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
  const serverUrl = process.env.BENCH_POSTGRES_URL;
  const database = serverUrl
    ? await createThrowawayDatabase(serverUrl, 'bench_webhooks').then((d) => ({ url: d.url, stop: d.drop }))
    : await startEmbeddedPostgres();
  await applyMigrations(database.url);
  const prisma = createPrisma(database.url);

  // The receiver: when each (endpoint, event) arrived; `expect` resolves once that many have.
  const arrivals = new Map<string, number>();
  let waiting: { count: number; resolve: () => void } | undefined;
  const receiver = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      if (!req.url?.endsWith('-raw')) arrivals.set(`${req.url}|${String(req.headers['webhook-id'])}`, Date.now());
      res.writeHead(204).end();
      if (waiting && arrivals.size >= waiting.count) waiting.resolve();
    });
  });
  const arrived = (count: number) =>
    new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`only ${arrivals.size} of ${count} arrived`)), 600_000);
      waiting = {
        count,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      };
      if (arrivals.size >= count) waiting.resolve();
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

  /** An office with its cases and endpoints (their workflows not started yet). */
  async function setup(name: string) {
    const office = await prisma.office.create({ data: { name, language: 'fr', contactEmail: 'bench@example.be' } });
    const clients = await Promise.all(
      Array.from({ length: CASES }, (_, i) =>
        prisma.client.create({
          data: { officeId: office.id, companyName: `Client ${i}`, clientCode: `B-${i}`, language: 'fr' },
        }),
      ),
    );
    const { _max } = await prisma.event.aggregate({ _max: { seq: true } });
    const endpoints = await Promise.all(
      Array.from({ length: ENDPOINTS }, (_, i) =>
        prisma.webhookEndpoint.create({
          data: {
            officeId: office.id,
            url: `${receiverUrl}/${name}/e${i}`,
            secret: newSigningSecret(),
            cursor: _max.seq ?? 0n,
          },
        }),
      ),
    );
    const wake = () =>
      Promise.all(endpoints.map((e) => wakeEndpointWorkflow({ temporal: dev.env.client, taskQueue, prisma }, e.id)));
    return { clients, endpoints, wake };
  }

  /** The changes: each a transaction that writes its event (as the product's writers do); when each committed. */
  async function change(clients: { id: string }[]): Promise<Map<string, number>> {
    const committed = new Map<string, number>();
    for (let i = 0; i < EVENTS; i++) {
      const sourceKey = `bench:${uuidv7()}`;
      await prisma.$transaction(
        (tx) =>
          recordEvent(tx, {
            type: 'client.updated',
            subject: 'client',
            subjectId: clients[i % CASES]!.id,
            data: { changed: ['clientCode'], mandatesPresentedAgain: [] },
            occurredAt: new Date(),
            sourceKey,
          }),
        EVENT_TX,
      );
      const { id } = await prisma.event.findUniqueOrThrow({ where: { sourceKey }, select: { id: true } });
      committed.set(id, Date.now());
    }
    return committed;
  }

  // 1. Live: the endpoints run while the changes are made; delay from each commit to its arrival.
  const live = await setup('live');
  await live.wake();
  const liveStart = Date.now();
  const committed = await change(live.clients);
  const changesSeconds = (Date.now() - liveStart) / 1000;
  await arrived(EVENTS * ENDPOINTS);
  const liveSeconds = (Math.max(...arrivals.values()) - liveStart) / 1000;
  const delays = [...arrivals].map(([key, at]) => at - committed.get(key.split('|')[1]!)!);
  const liveFigures = figures(delays, liveSeconds);

  // 2. Backlog: the changes are made first, then the endpoints start: how fast they catch up.
  const backlog = await setup('backlog');
  await change(backlog.clients);
  const backlogStart = Date.now();
  await backlog.wake();
  await arrived(2 * EVENTS * ENDPOINTS);
  const backlogPerSec = (EVENTS * ENDPOINTS) / ((Math.max(...arrivals.values()) - backlogStart) / 1000);

  // 3. The same posts, signed, in a loop at the workflows' concurrency.
  const events = await prisma.event.findMany({ orderBy: { seq: 'asc' }, take: EVENTS });
  const raw = await measure(
    async (i) => {
      const event = events[i % events.length]!;
      const endpoint = live.endpoints[i % ENDPOINTS]!;
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

  const row = (name: string, perSec: string, p50: string, p95: string) =>
    `${name.padEnd(44)} ${perSec.padStart(8)} ${p50.padStart(10)} ${p95.padStart(10)}`;
  console.log(
    `\n${EVENTS} changes of ${CASES} cases, ${ENDPOINTS} endpoints, poll ${POLL_MS} ms; ` +
      `Temporal dev server (in-memory SQLite), ${serverUrl ? 'PostgreSQL server' : 'embedded PGlite'}; ` +
      `${attempts} attempts for ${arrivals.size} deliveries\n`,
  );
  console.log(row('', '/s', 'p50 ms', 'p95 ms'));
  console.log(
    row(
      `live: deliveries (changes took ${changesSeconds.toFixed(1)} s)`,
      liveFigures.reqPerSec.toFixed(0),
      `${liveFigures.p50}`,
      `${liveFigures.p95}`,
    ),
  );
  console.log(row('backlog: deliveries catching up', backlogPerSec.toFixed(0), '', ''));
  console.log(row('raw signed posts in a loop', raw.reqPerSec.toFixed(0), raw.p50.toFixed(1), raw.p95.toFixed(1)));
  console.log(
    `\nratio deliveries/s ÷ raw posts/s: live ${(liveFigures.reqPerSec / raw.reqPerSec).toFixed(3)}, ` +
      `backlog ${(backlogPerSec / raw.reqPerSec).toFixed(3)}`,
  );
  console.log('live p50/p95: from the change’s commit to its arrival at the receiver; raw: one post’s latency');

  worker.shutdown();
  await running;
  receiver.close();
  await prisma.$disconnect();
  await database.stop();
  await dev.stop();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
