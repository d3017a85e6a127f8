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
import { createApp } from '../api/app.js';
import { appDepsFromEnv } from '../api/deps-from-env.js';
import { apiEnvSchema, loadApiEnv } from '../api/env.js';
import { listen } from '../api/server.js';
import { createApiKey } from '../lib/auth/key-store.js';
import { createUser } from '../lib/auth/user-store.js';
import { envPort, exitOnEnvError, logLevel, parseEnv } from '../lib/config/env.js';
import { temporalConnectionSettings } from '../lib/config/temporal-env.js';
import { createPrisma } from '../lib/db/client.js';
import { EMBEDDED_POOL_MAX, startEmbeddedPostgres } from '../lib/db/embedded.js';
import { applyMigrations } from '../lib/db/migrate.js';
import { createLogger } from '../lib/logger.js';
import { onShutdownSignal } from '../lib/shutdown.js';
import { createTemporalClient } from '../lib/temporal/client.js';
import { startTracing } from '../lib/telemetry/tracing.js';
import { temporalLogger } from '../lib/temporal/sdk-logger.js';
import { provisionTemporalBinaries } from '../lib/temporal-binaries.js';
import { activityDepsFromEnv, createWorker, workerTuning } from '../workers/create-worker.js';
import { startEventPurge } from '../workers/event-purge.js';
import { ensureReconciler, reconcilerDeps } from '../workers/reconciler.js';
import { ensureWebhookWorkflows } from '../workers/webhooks.js';
import { loadWorkerEnv, reconcilerInput } from '../workers/env.js';
import { ensureConsoleBuilt } from './console/build.js';
import { claimDataDir, type StackPidFile } from './start/pid-file.js';
import { assertDevServerPortsFree, startTemporalDevServer } from './start/temporal-dev-server.js';

/** A fresh embedded database has no API key yet: the local stack creates one operator key and prints it once. */
async function bootstrapOperatorKey(prisma: ReturnType<typeof createPrisma>): Promise<string | undefined> {
  if ((await prisma.apiKey.count()) > 0) return undefined;
  return (await createApiKey(prisma, { name: 'local operator (npm start)', role: 'operator' })).key;
}

/**
 * No one can sign in to the console yet: the local stack creates a first operator account
 * (FIRST_OPERATOR_EMAIL) with a generated password and prints both once.
 */
async function bootstrapOperatorAccount(
  prisma: ReturnType<typeof createPrisma>,
  email: string,
): Promise<{ email: string; password: string } | undefined> {
  if ((await prisma.user.count()) > 0) return undefined;
  const { user, generatedPassword } = await createUser(prisma, {
    email,
    name: 'Operator',
    role: 'operator',
    language: 'en',
  });
  return { email: user.email, password: generatedPassword! };
}

const stackEnvSchema = z.object({
  DATA_DIR: z.string().min(1).default('data'),
  EMBEDDED_DB_PORT: envPort(5433),
  TEMPORAL_DEV_PORT: envPort(7233),
  TEMPORAL_UI_PORT: envPort(8233),
  DATABASE_URL: z.string().optional(),
  TEMPORAL_ADDRESS: z.string().optional(),
  TEMPORAL_NAMESPACE: z.string().default('default'),
  LOG_LEVEL: logLevel,
  SHUTDOWN_TIMEOUT_MS: apiEnvSchema.shape.SHUTDOWN_TIMEOUT_MS,
  /** The first operator account's e-mail, created on a database without accounts. */
  FIRST_OPERATOR_EMAIL: z.email({ message: 'must be an e-mail address' }).default('admin@bankfeed.local'),
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
  // A bad variable (a schedule, a port) stops the stack before anything starts, in one line.
  loadApiEnv({ DATABASE_URL: 'postgresql://embedded', ...process.env });
  const dataDir = resolve(stack.DATA_DIR);
  const logger = createLogger({ service: 'stack', level: stack.LOG_LEVEL });
  let pidFile: StackPidFile | undefined;
  // From the first moment on, so that a signal during start-up also stops what already runs.
  // Bounded: the API's drain, then the dev server's 10 s grace; a second signal exits at once.
  onShutdownSignal(
    logger,
    async () => {
      await stopAll();
      pidFile?.release();
      process.stdout.write('stopped cleanly\n');
    },
    { forceExitAfterMs: stack.SHUTDOWN_TIMEOUT_MS + 20_000, signals: ['SIGINT', 'SIGTERM', 'SIGHUP'] },
  );
  if (!stack.DATABASE_URL || !stack.TEMPORAL_ADDRESS) {
    pidFile = await claimDataDir(dataDir, step);
    process.once('exit', pidFile.release);
  }
  if (!stack.TEMPORAL_ADDRESS)
    await assertDevServerPortsFree({ port: stack.TEMPORAL_DEV_PORT, uiPort: stack.TEMPORAL_UI_PORT });

  // The console (console/ → console/dist) when its build is missing or older than its sources.
  await ensureConsoleBuilt(step);

  let databaseUrl = stack.DATABASE_URL;
  if (!databaseUrl) {
    step(`starting embedded PostgreSQL (PGlite) in ${join(stack.DATA_DIR, 'pg')}`);
    // On a thread of its own: PGlite runs each statement on the thread that holds it (lib/db/embedded.ts).
    const pg = await startEmbeddedPostgres({
      dataDir: join(dataDir, 'pg'),
      port: stack.EMBEDDED_DB_PORT,
      thread: true,
    });
    stops.unshift(pg.stop);
    databaseUrl = pg.url;
  }
  step('applying database migrations');
  const applied = await applyMigrations(databaseUrl);
  step(
    applied.length ? `applied ${applied.length} migration(s): ${applied.join(', ')}` : 'database schema is up to date',
  );

  let temporalAddress = stack.TEMPORAL_ADDRESS;
  let uiUrl = process.env.TEMPORAL_UI_URL ?? 'your Temporal UI';
  if (!temporalAddress) {
    const { cli } = await provisionTemporalBinaries({ log: step });
    step(`starting Temporal dev server (data in ${join(stack.DATA_DIR, 'temporal.db')})`);
    const server = await startTemporalDevServer({
      cli,
      dataDir,
      port: stack.TEMPORAL_DEV_PORT,
      uiPort: stack.TEMPORAL_UI_PORT,
      namespace: stack.TEMPORAL_NAMESPACE,
      onSpawn: (child) => pidFile?.add({ name: 'Temporal dev server', group: true, ...child }),
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
    // The console links each case's workflow to the dev server's Web UI.
    ...(stack.TEMPORAL_ADDRESS ? {} : { TEMPORAL_UI_URL: uiUrl }),
  };
  const env = loadApiEnv(processEnv);
  const workerEnv = loadWorkerEnv(processEnv);
  const workerLogger = createLogger({ service: 'worker', level: env.LOG_LEVEL });
  const apiLogger = createLogger({ service: 'api', level: env.LOG_LEVEL });
  const prisma = createPrisma(databaseUrl, { maxConnections: env.DATABASE_POOL_MAX });
  stops.unshift(() => prisma.$disconnect());
  const firstKey = stack.DATABASE_URL ? undefined : await bootstrapOperatorKey(prisma);
  const firstAccount = stack.DATABASE_URL
    ? undefined
    : await bootstrapOperatorAccount(prisma, stack.FIRST_OPERATOR_EMAIL);

  Runtime.install({ logger: temporalLogger(workerLogger), shutdownSignals: [] });
  const tracing = startTracing('bankfeed');
  stops.unshift(() => tracing.shutdown());
  step('starting worker');
  const nativeConnection = await NativeConnection.connect(temporalConnectionSettings(env));
  const reconciler = reconcilerDeps(nativeConnection, env.TEMPORAL_NAMESPACE, env.TEMPORAL_TASK_QUEUE);
  const worker = await createWorker({
    connection: nativeConnection,
    namespace: env.TEMPORAL_NAMESPACE,
    taskQueue: env.TEMPORAL_TASK_QUEUE,
    deps: activityDepsFromEnv(workerEnv, { prisma, logger: workerLogger, temporal: reconciler }),
    shutdownGraceTime: `${workerEnv.WORKER_SHUTDOWN_GRACE_SECONDS}s`,
    tracing,
    tuning: workerTuning(workerEnv),
    log: (line) => step(line),
  });
  const running = worker.run();
  await ensureReconciler(reconciler, workerLogger, reconcilerInput(workerEnv));
  // Beside the worker's start (it never throws: a failure is logged); a stop waits for it before the database goes.
  const webhooksEnsured = ensureWebhookWorkflows(reconciler, prisma, workerLogger);
  stops.unshift(() => webhooksEnsured);
  const stopPurge = startEventPurge(prisma, workerEnv.EVENTS_RETENTION_DAYS, workerLogger);
  stops.unshift(async () => stopPurge());
  stops.unshift(async () => {
    if (worker.getState() === 'RUNNING') worker.shutdown();
    await running.catch(() => undefined);
    await nativeConnection.close();
  });

  const temporal = createTemporalClient(env);
  stops.unshift(() => temporal.connection.close());
  const app = createApp(appDepsFromEnv(env, { temporal, prisma, logger: apiLogger }));
  const server = await listen(app, {
    port: env.PORT,
    host: env.HOST,
    logger: apiLogger,
    shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS,
  });
  stops.unshift(server.close);

  running.catch((error: unknown) => {
    logger.fatal({ err: error }, 'worker crashed: stopping the stack');
    void stopAll().finally(() => process.exit(1));
  });

  step('ready');
  process.stdout.write(
    [
      '',
      `  Console      ${server.url.replace('//0.0.0.0:', '//localhost:')}/console/   (sign in with your account)`,
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
      ...(firstAccount
        ? [
            '',
            `  First start: an operator account was created to sign in to the console (${server.url}/console).`,
            '  Its password is shown this once; keep it:',
            `    e-mail    ${firstAccount.email}`,
            `    password  ${firstAccount.password}`,
            `  (more people: npm run users -- create, while the stack is stopped, or /v1/users)`,
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
