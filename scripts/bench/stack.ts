// What the order benchmarks (bench starts, bench bulk) share: a Temporal dev server, and per
// database the real worker, the API in this process and a raw Temporal client on the same server
// and task queue (the limit a route is measured against).
import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { makeTelemetryFilterString, Runtime } from '@temporalio/worker';
import { OutboxSender } from '../../activities/email/sender.js';
import { createApp } from '../../api/app.js';
import { listen } from '../../api/server.js';
import { DEV_WEBHOOK_SECRETS } from '../../api/webhooks/env.js';
import { createApiKey } from '../../lib/auth/key-store.js';
import { createPrisma } from '../../lib/db/client.js';
import { startEmbeddedPostgres } from '../../lib/db/embedded.js';
import { applyMigrations } from '../../lib/db/migrate.js';
import { createThrowawayDatabase } from '../../lib/db/throwaway-database.js';
import { uuidv7 } from '../../lib/db/ids.js';
import { createLinkBuilder } from '../../lib/links/links.js';
import { createTemporalClient } from '../../lib/temporal/client.js';
import { temporalLogger } from '../../lib/temporal/sdk-logger.js';
import { provisionTemporalBinaries } from '../../lib/temporal-binaries.js';
import { startDevServer } from '../../tests/helpers/temporal.js';
import { createWorker } from '../../workers/create-worker.js';
import { caroInput } from '../../api/services/caro.js';
import { mandateInput } from '../../api/services/mandates.js';
import { caroActivationWorkflowId } from '../../workflows/caro-activation/contract.js';
import { DEFAULT_CONSENT_SCHEDULE } from '../../workflows/consent-renewal/contract.js';
import { mandateWorkflowId } from '../../workflows/mandate/contract.js';
import { ADMIN_URL, logger, postgresReachable, taskQueueBacklog } from './shared.js';

type DevServer = Awaited<ReturnType<typeof startDevServer>>;

export interface OrderStack {
  label: string;
  /** POSTs JSON with the bench key; throws on any answer ≥ 400. */
  post(path: string, body: unknown): Promise<unknown>;
  /** Answers ≥ 500 (or none) met by `tolerant`, with the first one's body. */
  failures: { count: number; first?: string };
  /** POSTs JSON; an answer ≥ 500 is counted in `failures` (the figure of a failing route), a 4xx throws. */
  tolerant(path: string, body: unknown): Promise<void>;
  /** The raw start of one consent workflow, straight through the client: the limit. */
  rawStart(): Promise<void>;
  /**
   * Raw starts of one journey's own workflow (its rows written before the clock starts, as the
   * route's would be): what its route is also measured against, the workflow's own cost included.
   */
  rawStarts(journey: 'mandate' | 'caro', count: number): Promise<(i: number) => Promise<void>>;
  /**
   * Waits (up to 3 min) until the worker has caught up with what was started: no workflow or activity
   * task waiting. Between cases, so one case's workflows do not run inside the next case's clock.
   */
  settle(): Promise<void>;
  officeId: string;
  /** `count` clients with one account each, made before the clock starts. */
  accounts(count: number): Promise<{ clientId: string; accountId: string }[]>;
}

const validUntil = () => new Date(Date.now() + 90 * 86_400_000).toISOString();
/** The orderer a raw CARO start names (the route names the bench's key). */
const benchActor = { keyId: 'bench', prefix: 'bench', role: 'operator', officeId: null } as const;

async function openStack(label: string, databaseUrl: string, dev: DevServer) {
  await applyMigrations(databaseUrl);
  const prisma = createPrisma(databaseUrl);
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
        secret: 'bench-link-signing-secret-000000000000000',
      }),
    },
  });
  const running = worker.run();
  const temporal = createTemporalClient({
    TEMPORAL_ADDRESS: dev.address,
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
    rateLimitPerMinute: 100_000_000,
  });
  const server = await listen(app, { port: 0, host: '127.0.0.1', logger, shutdownTimeoutMs: 1_000 });
  const { key } = await createApiKey(prisma, { name: 'bench', role: 'operator' });
  const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
  const post = async (path: string, body: unknown): Promise<unknown> => {
    const res = await fetch(`${server.url}${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
    const json: unknown = await res.json();
    if (res.status >= 400) throw new Error(`${label} POST ${path}: HTTP ${res.status} ${JSON.stringify(json)}`);
    return json;
  };
  const office = (await post('/v1/offices', {
    name: 'Bench office',
    language: 'fr',
    contactEmail: 'bench@example.be',
  })) as { id: string };
  const connection = (await post('/v1/connections', {
    officeId: office.id,
    provider: 'ponto',
    ownerLanguage: 'fr',
    ibans: ['BE68539007547034'],
    validUntil: validUntil(),
  })) as { id: string };
  let made = 0;
  const failures: OrderStack['failures'] = { count: 0 };
  const stack: OrderStack = {
    label,
    post,
    failures,
    async tolerant(path, body) {
      let res: Response;
      try {
        res = await fetch(`${server.url}${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
      } catch (error) {
        // A socket the server closed as idle while the request left (keep-alive race on a stalled loop).
        failures.count++;
        failures.first ??= `no answer: ${((error as Error).cause as Error | undefined)?.message ?? String(error)}`;
        return;
      }
      const text = await res.text();
      if (res.status >= 500) {
        failures.count++;
        failures.first ??= `HTTP ${res.status} ${text.slice(0, 200)}`;
      } else if (res.status >= 400) throw new Error(`${label} POST ${path}: HTTP ${res.status} ${text}`);
    },
    officeId: office.id,
    async rawStart() {
      await temporal.workflow.start('consentRenewalWorkflow', {
        taskQueue,
        workflowId: `bench-raw:${randomUUID()}`,
        args: [{ connectionId: connection.id, validUntil: validUntil(), schedule: DEFAULT_CONSENT_SCHEDULE }],
      });
    },
    async rawStarts(journey, count) {
      const rows = await stack.accounts(count);
      const ids = rows.map(() => uuidv7());
      const workflowIds = ids.map(journey === 'mandate' ? mandateWorkflowId : caroActivationWorkflowId);
      const input = (i: number) =>
        journey === 'mandate'
          ? mandateInput({}, { id: ids[i]!, managementMode: 'service', bankAccount: { isKbcGroup: false } })
          : caroInput({}, { id: ids[i]!, kbcGroup: false }, benchActor);
      if (journey === 'mandate')
        await prisma.$executeRaw`
          INSERT INTO mandates (id, "bankAccountId", "managementMode", "workflowId", "updatedAt")
          SELECT id, account, 'service', workflow, now()
            FROM unnest(${ids}::text[], ${rows.map((r) => r.accountId)}::text[], ${workflowIds}::text[])
              AS t(id, account, workflow)`;
      else
        await prisma.$executeRaw`
          INSERT INTO caro_orders (id, "clientId", "bankAccountId", "kbcGroup", "clientReference", "cardholderEmail",
                                   "cardholderLanguage", "workflowId", "updatedAt")
          SELECT id, client, account, false, 'RAW-' || id, 'holder@example.be', 'fr', workflow, now()
            FROM unnest(${ids}::text[], ${rows.map((r) => r.clientId)}::text[], ${rows.map((r) => r.accountId)}::text[],
                        ${workflowIds}::text[]) AS t(id, client, account, workflow)`;
      const type = journey === 'mandate' ? 'mandateWorkflow' : 'caroActivationWorkflow';
      return async (i) => {
        await temporal.workflow.start(type, { taskQueue, workflowId: workflowIds[i]!, args: [input(i)] });
      };
    },
    async settle() {
      // The task queue's backlog leaves out the worker's sticky queue, where a workflow's next task waits
      // between its activities: it reads 0 in the middle of a mandate's chain of four activities. Settled is
      // no task waiting and nothing running in the worker, ten checks in a row (5 s).
      const deadline = Date.now() + 180_000;
      const busy = async () => {
        const status = worker.getStatus();
        return (
          status.numInFlightWorkflowActivations +
          status.numInFlightActivities +
          (await taskQueueBacklog(temporal, 'default', taskQueue)) +
          (await taskQueueBacklog(temporal, 'default', taskQueue, 'activity'))
        );
      };
      for (let quiet = 0; quiet < 10 && Date.now() < deadline; await delay(500))
        quiet = (await busy()) > 0 ? 0 : quiet + 1;
    },
    async accounts(count) {
      const from = made;
      made += count;
      // Straight into the database: what is measured is the order, not how its client was made.
      const rows = await prisma.$queryRaw<{ clientId: string; accountId: string }[]>`
        WITH c AS (
          INSERT INTO clients (id, "officeId", "companyName", "clientCode", email, language, "updatedAt")
          SELECT gen_random_uuid()::text, ${office.id}, 'Bench ' || i, 'B-' || i, 'c' || i || '@example.be', 'nl', now()
            FROM generate_series(${from}::int, ${from + count - 1}::int) i
          RETURNING id)
        INSERT INTO bank_accounts (id, "clientId", iban, "bankCode", "bankName", "isKbcGroup", "updatedAt")
        SELECT gen_random_uuid()::text, id, 'BE35310123456737', '310', 'ING Belgium', false, now() FROM c
        RETURNING "clientId", id AS "accountId"`;
      return rows;
    },
  };
  const close = async () => {
    await server.close();
    worker.shutdown();
    await running;
    await temporal.connection.close();
    await prisma.$disconnect();
  };
  return { stack, close };
}

/**
 * Runs `measure` on PGlite and then on PostgreSQL (BENCH_POSTGRES_URL, else the local server; skipped
 * with a note when it does not answer), each with its own worker, task queue and API, one dev server.
 */
export async function onEachDatabase<T>(bench: string, measure: (stack: OrderStack) => Promise<T>): Promise<T[]> {
  // The core's warnings (workflow tasks slower than 5 s on a loaded machine) would drown the figures.
  Runtime.install({
    logger: temporalLogger(logger),
    telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: 'ERROR' }), forward: {} } },
  });
  await provisionTemporalBinaries({ log: () => undefined });
  const dev = await startDevServer();
  const results: T[] = [];
  try {
    // On its own thread, as npm start runs it; BENCH_PGLITE_IN_PROCESS=1 runs it on the bench's main thread
    // (the code before 7 Dec), for a comparison.
    const embedded = await startEmbeddedPostgres({ thread: !process.env.BENCH_PGLITE_IN_PROCESS });
    const pglite = await openStack('pglite', embedded.url, dev);
    try {
      results.push(await measure(pglite.stack));
    } finally {
      await pglite.close();
      await embedded.stop();
    }
    if (await postgresReachable(bench)) {
      const db = await createThrowawayDatabase(ADMIN_URL, 'bench');
      const postgres = await openStack('postgres', db.url, dev);
      try {
        results.push(await measure(postgres.stack));
      } finally {
        await postgres.close();
        await db.drop();
      }
    }
  } finally {
    await dev.stop();
  }
  return results;
}
