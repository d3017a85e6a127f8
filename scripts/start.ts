/**
 * `npm start`: the whole stack in one command, with embedded defaults.
 * Temporal dev server (with Web UI, persisted under ./data), embedded PostgreSQL (PGlite,
 * persisted under ./data, migrations applied), the worker and the API. Ctrl-C stops it all.
 * DATABASE_URL or TEMPORAL_ADDRESS switch the embedded parts off.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { NativeConnection, Runtime } from '@temporalio/worker';
import { z } from 'zod';
import { createEmailSender } from '../activities/email/transport.js';
import { createApp } from '../api/app.js';
import { caroScheduleFromEnv, consentScheduleFromEnv, loadApiEnv, mandateScheduleFromEnv } from '../api/env.js';
import { caroDepsFromEnv } from '../activities/caro/links.js';
import { sandboxEnabled } from '../api/sandbox/env.js';
import { listen } from '../api/server.js';
import { webhookSecretsFromEnv } from '../api/webhooks/env.js';
import { createApiKey } from '../lib/auth/key-store.js';
import { envPort, exitOnEnvError, parseEnv } from '../lib/config/env.js';
import { temporalConnectionSettings } from '../lib/config/temporal-env.js';
import { createPrisma } from '../lib/db/client.js';
import { EMBEDDED_POOL_MAX, startEmbeddedPostgres } from '../lib/db/embedded.js';
import { applyMigrations } from '../lib/db/migrate.js';
import { linkBuilderFromEnv } from '../lib/links/links.js';
import { createLogger } from '../lib/logger.js';
import { onShutdownSignal } from '../lib/shutdown.js';
import { createTemporalClient } from '../lib/temporal/client.js';
import { temporalLogger } from '../lib/temporal/sdk-logger.js';
import { provisionTemporalBinaries } from '../lib/temporal-binaries.js';
import { createWorker } from '../workers/create-worker.js';
import { ensureReconciler, reconcilerDeps } from '../workers/reconciler.js';
import { loadWorkerEnv } from '../workers/env.js';
import { startTemporalDevServer } from './start/temporal-dev-server.js';

/** A fresh embedded database has no API key yet: the local stack creates one operator key and prints it once. */
async function bootstrapOperatorKey(prisma: ReturnType<typeof createPrisma>): Promise<string | undefined> {
  if ((await prisma.apiKey.count()) > 0) return undefined;
  return (await createApiKey(prisma, { name: 'local operator (npm start)', role: 'operator' })).key;
}

const stackEnvSchema = z.object({
  DATA_DIR: z.string().min(1).default('data'),
  EMBEDDED_DB_PORT: envPort(5433),
  TEMPORAL_DEV_PORT: envPort(7233),
  TEMPORAL_UI_PORT: envPort(8233),
  DATABASE_URL: z.string().optional(),
  TEMPORAL_ADDRESS: z.string().optional(),
  TEMPORAL_NAMESPACE: z.string().default('default'),
});

const started = Date.now();
/** What to stop, newest first; also run when start-up fails half-way, so nothing is left behind. */
const stops: (() => Promise<unknown>)[] = [];
const stopAll = async () => {
  for (const stop of stops.splice(0)) await stop();
};
const step = (message: string) =>
  process.stdout.write(`[start +${((Date.now() - started) / 1000).toFixed(1)}s] ${message}\n`);

async function main(): Promise<void> {
  if (existsSync('.env')) process.loadEnvFile('.env');
  const stack = parseEnv(stackEnvSchema);
  const dataDir = resolve(stack.DATA_DIR);

  let databaseUrl = stack.DATABASE_URL;
  if (!databaseUrl) {
    step(`starting embedded PostgreSQL (PGlite) in ${join(stack.DATA_DIR, 'pg')}`);
    const pg = await startEmbeddedPostgres({ dataDir: join(dataDir, 'pg'), port: stack.EMBEDDED_DB_PORT });
    stops.unshift(pg.stop);
    databaseUrl = pg.url;
  }
  step('applying database migrations');
  const applied = await applyMigrations(databaseUrl);
  step(
    applied.length ? `applied ${applied.length} migration(s): ${applied.join(', ')}` : 'database schema is up to date',
  );

  let temporalAddress = stack.TEMPORAL_ADDRESS;
  let uiUrl = 'your Temporal UI';
  if (!temporalAddress) {
    const { cli } = await provisionTemporalBinaries({ log: step });
    step(`starting Temporal dev server (data in ${join(stack.DATA_DIR, 'temporal.db')})`);
    const server = await startTemporalDevServer({
      cli,
      dataDir,
      port: stack.TEMPORAL_DEV_PORT,
      uiPort: stack.TEMPORAL_UI_PORT,
      namespace: stack.TEMPORAL_NAMESPACE,
    });
    stops.unshift(server.stop);
    temporalAddress = server.address;
    uiUrl = server.uiUrl;
  }

  // The embedded database is one session: worker and API share one client with one connection.
  const processEnv = {
    ...process.env,
    DATABASE_URL: databaseUrl,
    TEMPORAL_ADDRESS: temporalAddress,
    ...(stack.DATABASE_URL ? {} : { DATABASE_POOL_MAX: String(EMBEDDED_POOL_MAX) }),
  };
  const env = loadApiEnv(processEnv);
  const workerEnv = loadWorkerEnv(processEnv);
  const logger = createLogger({ service: 'stack', level: env.LOG_LEVEL });
  const workerLogger = createLogger({ service: 'worker', level: env.LOG_LEVEL });
  const apiLogger = createLogger({ service: 'api', level: env.LOG_LEVEL });
  const prisma = createPrisma(databaseUrl, { maxConnections: env.DATABASE_POOL_MAX });
  stops.unshift(() => prisma.$disconnect());
  const firstKey = stack.DATABASE_URL ? undefined : await bootstrapOperatorKey(prisma);

  Runtime.install({ logger: temporalLogger(workerLogger), shutdownSignals: [] });
  step('starting worker');
  const nativeConnection = await NativeConnection.connect(temporalConnectionSettings(env));
  const reconciler = reconcilerDeps(nativeConnection, env.TEMPORAL_NAMESPACE, env.TEMPORAL_TASK_QUEUE);
  const worker = await createWorker({
    connection: nativeConnection,
    namespace: env.TEMPORAL_NAMESPACE,
    taskQueue: env.TEMPORAL_TASK_QUEUE,
    deps: {
      prisma,
      logger: workerLogger,
      email: createEmailSender(workerEnv, workerLogger),
      links: linkBuilderFromEnv(workerEnv),
      caro: caroDepsFromEnv(workerEnv),
      temporal: reconciler,
    },
  });
  const running = worker.run();
  await ensureReconciler(reconciler, workerLogger);
  stops.unshift(async () => {
    if (worker.getState() === 'RUNNING') worker.shutdown();
    await running.catch(() => undefined);
    await nativeConnection.close();
  });

  const temporal = createTemporalClient(env);
  stops.unshift(() => temporal.connection.close());
  const app = createApp({
    temporal,
    prisma,
    logger: apiLogger,
    taskQueue: env.TEMPORAL_TASK_QUEUE,
    temporalTimeoutMs: env.TEMPORAL_RPC_TIMEOUT_MS,
    consentSchedule: consentScheduleFromEnv(env),
    mandateSchedule: mandateScheduleFromEnv(env),
    caroSchedule: caroScheduleFromEnv(env),
    linkSigning: { secret: workerEnv.LINK_SIGNING_SECRET, publicBaseUrl: workerEnv.PUBLIC_BASE_URL },
    emailFrom: workerEnv.EMAIL_FROM,
    rateLimitPerMinute: env.RATE_LIMIT_PER_MINUTE,
    webhookSecrets: webhookSecretsFromEnv(env, apiLogger),
    sandbox: sandboxEnabled(env),
  });
  const server = await listen(app, {
    port: env.PORT,
    host: env.HOST,
    logger: apiLogger,
    shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS,
  });
  stops.unshift(server.close);

  onShutdownSignal(logger, async () => {
    await stopAll();
    process.stdout.write('stopped cleanly\n');
  });
  running.catch((error: unknown) => {
    logger.fatal({ err: error }, 'worker crashed: stopping the stack');
    void stopAll().finally(() => process.exit(1));
  });

  step('ready');
  process.stdout.write(
    [
      '',
      `  API          ${server.url}   (health: ${server.url}/readyz)`,
      `  Temporal UI  ${uiUrl}`,
      `  Temporal     ${temporalAddress} (namespace ${env.TEMPORAL_NAMESPACE}, task queue ${env.TEMPORAL_TASK_QUEUE})`,
      `  Database     ${stack.DATABASE_URL ? 'DATABASE_URL' : `embedded, ${join(stack.DATA_DIR, 'pg')} (port ${stack.EMBEDDED_DB_PORT})`}`,
      '',
      ...(firstKey
        ? [
            '',
            '  First start: an operator API key was created. It is shown this once; keep it:',
            `    ${firstKey}`,
            `  (more with: npm run keys -- create --role operator, while the stack is stopped)`,
          ]
        : []),
      '',
      '  Ctrl-C stops everything.',
      '',
    ].join('\n'),
  );
}

main().catch(async (error: unknown) => {
  await stopAll().catch(() => undefined);
  try {
    exitOnEnvError(error);
  } catch {
    process.stderr.write(`npm start failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
});
