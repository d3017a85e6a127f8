/**
 * `npm run bench:api`: throughput, latency and memory of the API with the real worker and a
 * real Temporal dev server, on the embedded database (PGlite) and, when BENCH_POSTGRES_URL (a
 * superuser URL) is set, on a PostgreSQL server; prints figures and the ratio between them.
 */
import { randomUUID } from 'node:crypto';
import { Runtime } from '@temporalio/worker';
import { OutboxSender } from '../../activities/email/sender.js';
import { createApp } from '../../api/app.js';
import { listen } from '../../api/server.js';
import { DEV_WEBHOOK_SECRETS } from '../../api/webhooks/env.js';
import { createApiKey } from '../../lib/auth/key-store.js';
import { createPrisma } from '../../lib/db/client.js';
import { startEmbeddedPostgres } from '../../lib/db/embedded.js';
import { createThrowawayDatabase } from '../../lib/db/throwaway-database.js';
import { applyMigrations } from '../../lib/db/migrate.js';
import { createLinkBuilder } from '../../lib/links/links.js';
import { createLogger } from '../../lib/logger.js';
import { createTemporalClient } from '../../lib/temporal/client.js';
import { temporalLogger } from '../../lib/temporal/sdk-logger.js';
import { provisionTemporalBinaries } from '../../lib/temporal-binaries.js';
import { createWorker } from '../../workers/create-worker.js';
import { DEFAULT_CONSENT_SCHEDULE } from '../../workflows/consent-renewal/contract.js';
import { startDevServer } from '../../tests/helpers/temporal.js';
import { measure as measureRuns, type Figures as SharedFigures } from './shared.js';

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 400);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
const logger = createLogger({ service: 'bench', level: 'silent' });
const RAW_START = 'raw client.workflow.start (the limit)';

type Figures = SharedFigures & { name: string };

/** `count` requests, `concurrency` at a time (scripts/bench/shared.ts), each answer read and refused when 4xx/5xx. */
async function measure(
  name: string,
  count: number,
  concurrency: number,
  request: (i: number) => Promise<Response>,
): Promise<Figures> {
  const run = async (i: number) => {
    const res = await request(i);
    await res.arrayBuffer();
    if (res.status >= 400) throw new Error(`${name}: HTTP ${res.status}`);
  };
  return { name, ...(await measureRuns(run, count, concurrency)) };
}

async function runOn(
  label: string,
  databaseUrl: string,
  temporalAddress: string,
  env: Awaited<ReturnType<typeof startDevServer>>['env'],
) {
  await applyMigrations(databaseUrl);
  const prisma = createPrisma(databaseUrl);
  const taskQueue = `bench-${randomUUID()}`;
  const worker = await createWorker({
    connection: env.nativeConnection,
    namespace: 'default',
    taskQueue,
    deps: {
      prisma,
      logger,
      email: new OutboxSender(),
      links: createLinkBuilder({
        publicBaseUrl: 'http://localhost:3000',
        secret: 'bench-link-signing-secret-000000000000000',
      }),
    },
  });
  const running = worker.run();
  const temporal = createTemporalClient({
    TEMPORAL_ADDRESS: temporalAddress,
    TEMPORAL_NAMESPACE: 'default',
    TEMPORAL_TASK_QUEUE: taskQueue,
    TEMPORAL_TLS: false,
  });
  const app = createApp({
    temporal,
    prisma,
    logger,
    taskQueue,
    temporalTimeoutMs: 10_000,
    consentSchedule: DEFAULT_CONSENT_SCHEDULE,
    webhookSecrets: DEV_WEBHOOK_SECRETS,
    rateLimitPerMinute: 10_000_000,
  });
  const server = await listen(app, { port: 0, host: '127.0.0.1', logger, shutdownTimeoutMs: 1_000 });
  const { key } = await createApiKey(prisma, { name: 'bench', role: 'operator' });
  const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
  const post = (path: string, body: unknown) =>
    fetch(`${server.url}${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
  const office = (await (
    await post('/v1/offices', { name: 'Bench office', language: 'fr', contactEmail: 'bench@example.be' })
  ).json()) as { id: string };
  const validUntil = new Date(Date.now() + 90 * 86_400_000).toISOString();
  const first = (await (
    await post('/v1/connections', {
      officeId: office.id,
      provider: 'ponto',
      ownerLanguage: 'fr',
      ibans: ['BE68539007547034'],
      validUntil,
    })
  ).json()) as { id: string };

  // Mandate orders need an account each: made before the clock starts.
  const orders = Math.ceil(REQUESTS / 4);
  const accounts: string[] = [];
  for (let i = 0; i < orders; i++) {
    const client = (await (
      await post('/v1/clients', {
        officeId: office.id,
        companyName: `Bench ${i}`,
        clientCode: `B-${i}-${randomUUID().slice(0, 6)}`,
        email: `c${i}@example.be`,
        language: 'nl',
      })
    ).json()) as { id: string };
    accounts.push(
      (
        (await (await post(`/v1/clients/${client.id}/bank-accounts`, { iban: 'BE35 3101 2345 6737' })).json()) as {
          id: string;
        }
      ).id,
    );
  }
  const mandateIds: string[] = [];

  const results = [
    await measure(`${label} GET /readyz`, REQUESTS, CONCURRENCY, () => fetch(`${server.url}/readyz`)),
    await measure(`${label} POST /v1/offices`, REQUESTS, CONCURRENCY, (i) =>
      post('/v1/offices', { name: `Office ${i}`, language: 'nl', contactEmail: `o${i}@example.be` }),
    ),
    await measure(`${label} GET /v1/connections/:id`, REQUESTS, CONCURRENCY, () =>
      fetch(`${server.url}/v1/connections/${first.id}`, { headers }),
    ),
    await measure(`${label} POST /v1/connections (starts a workflow)`, Math.ceil(REQUESTS / 4), CONCURRENCY, () =>
      post('/v1/connections', {
        officeId: office.id,
        provider: 'ponto',
        ownerLanguage: 'fr',
        ibans: ['BE68539007547034'],
        validUntil,
      }),
    ),
    // The limit of the two starting cases: the same workflow started straight through the client, same server.
    {
      name: `${label} ${RAW_START}`,
      ...(await measureRuns(
        async () => {
          await temporal.workflow.start('consentRenewalWorkflow', {
            taskQueue,
            workflowId: `bench-raw:${randomUUID()}`,
            args: [{ connectionId: first.id, validUntil, schedule: DEFAULT_CONSENT_SCHEDULE }],
          });
        },
        Math.ceil(REQUESTS / 4),
        CONCURRENCY,
      )),
    },
    await measure(`${label} POST /v1/mandates (starts a workflow)`, orders, CONCURRENCY, async (i) => {
      const res = await post('/v1/mandates', { bankAccountIds: [accounts[i]], managementMode: 'service' });
      const body = (await res.clone().json()) as { data: { mandate: { id: string } }[] };
      mandateIds.push(body.data[0]!.mandate.id);
      return res;
    }),
    await measure(`${label} GET /v1/mandates/:id (from the database)`, REQUESTS, CONCURRENCY, (i) =>
      fetch(`${server.url}/v1/mandates/${mandateIds[i % mandateIds.length]}`, { headers }),
    ),
  ];
  const { rss, heapUsed } = process.memoryUsage();

  await server.close();
  worker.shutdown();
  await running;
  await temporal.connection.close();
  await prisma.$disconnect();
  return { results, rssMb: rss / 1e6, heapMb: heapUsed / 1e6 };
}

async function main() {
  Runtime.install({ logger: temporalLogger(logger) });
  await provisionTemporalBinaries({ log: (line) => console.log(line) });
  const temporal = await startDevServer();
  console.log(`bench: ${REQUESTS} requests per case, concurrency ${CONCURRENCY}, Node ${process.version}`);
  const runs: { results: Figures[]; rssMb: number; heapMb: number }[] = [];
  try {
    const embedded = await startEmbeddedPostgres();
    runs.push(await runOn('pglite', embedded.url, temporal.address, temporal.env));
    await embedded.stop();
    if (process.env.BENCH_POSTGRES_URL) {
      const db = await createThrowawayDatabase(process.env.BENCH_POSTGRES_URL, 'bench');
      runs.push(await runOn('postgres', db.url, temporal.address, temporal.env));
      await db.drop();
    }
  } finally {
    await temporal.stop();
  }
  console.log('\ncase                                                  req/s     p50 ms   p95 ms');
  for (const run of runs) {
    for (const r of run.results)
      console.log(
        `${r.name.padEnd(52)} ${r.reqPerSec.toFixed(0).padStart(7)} ${r.p50.toFixed(1).padStart(9)} ${r.p95.toFixed(1).padStart(8)}`,
      );
    console.log(
      `  memory after the run (API + worker + embedded database in one process): RSS ${run.rssMb.toFixed(0)} MB, JS heap ${run.heapMb.toFixed(0)} MB`,
    );
  }
  console.log('\nstarts against the raw client in the same run (target ≥ 0.9×):');
  for (const run of runs) {
    const raw = run.results.find((r) => r.name.endsWith(RAW_START))!;
    for (const r of run.results.filter((r) => r.name.includes('(starts a workflow)')))
      console.log(
        `  ${r.name.padEnd(52)} ${(r.reqPerSec / raw.reqPerSec).toFixed(2)}×  (raw ${raw.reqPerSec.toFixed(0)}/s)`,
      );
  }
  if (runs.length === 2) {
    console.log('\nratio postgres / pglite (req/s):');
    runs[0]!.results.forEach((r, i) => {
      const other = runs[1]!.results[i]!;
      console.log(`  ${r.name.replace(/^pglite /, '').padEnd(44)} ${(other.reqPerSec / r.reqPerSec).toFixed(2)}×`);
    });
  } else {
    console.log('\n(set BENCH_POSTGRES_URL to a PostgreSQL superuser URL to compare with a server)');
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
