import { NativeConnection, Runtime } from '@temporalio/worker';
import { exitOnEnvError } from '../lib/config/env.js';
import { temporalConnectionSettings } from '../lib/config/temporal-env.js';
import { createPrisma } from '../lib/db/client.js';
import { migrate } from '../lib/db/migrate-on-start.js';
import { createLogger } from '../lib/logger.js';
import { temporalLogger } from '../lib/temporal/sdk-logger.js';
import { startTracing } from '../lib/telemetry/tracing.js';
import { activityDepsFromEnv, createWorker, workerTuning } from './create-worker.js';
import { loadWorkerEnv, reconcilerInput, type WorkerEnv } from './env.js';
import { loopbackPort, serveWorkerMetrics, type WorkerMetricsServer } from './metrics.js';
import { startEventPurge } from './event-purge.js';
import { ensureReconciler, reconcilerDeps } from './reconciler.js';
import { ensureWebhookWorkflows } from './webhooks.js';

async function main(env: WorkerEnv): Promise<void> {
  const logger = createLogger({ service: 'worker', level: env.LOG_LEVEL });
  const tracing = startTracing('worker');
  if (tracing.enabled) logger.info('traces exported over OTLP (OTEL_EXPORTER_OTLP_*)');
  // SIGINT/SIGTERM make the worker stop polling and let running activities finish.
  const sdkAddress = env.WORKER_METRICS_PORT === undefined ? undefined : `127.0.0.1:${await loopbackPort()}`;
  Runtime.install({
    logger: temporalLogger(logger),
    shutdownSignals: ['SIGINT', 'SIGTERM'],
    ...(sdkAddress ? { telemetryOptions: { metrics: { prometheus: { bindAddress: sdkAddress } } } } : {}),
  });
  let metrics: WorkerMetricsServer | undefined;
  if (sdkAddress && env.WORKER_METRICS_PORT !== undefined) {
    metrics = await serveWorkerMetrics({
      port: env.WORKER_METRICS_PORT,
      host: env.WORKER_METRICS_HOST,
      sdkAddress,
      logger,
    });
    logger.info({ url: `${metrics.url}/metrics` }, 'worker metrics served');
  }

  if (env.MIGRATE_ON_START) await migrate(env.DATABASE_URL, logger);
  const prisma = createPrisma(env.DATABASE_URL, { maxConnections: env.DATABASE_POOL_MAX });
  const connection = await NativeConnection.connect(temporalConnectionSettings(env));
  const reconciler = reconcilerDeps(connection, env.TEMPORAL_NAMESPACE, env.TEMPORAL_TASK_QUEUE);
  try {
    const worker = await createWorker({
      connection,
      namespace: env.TEMPORAL_NAMESPACE,
      taskQueue: env.TEMPORAL_TASK_QUEUE,
      deps: activityDepsFromEnv(env, { prisma, logger, temporal: reconciler }),
      shutdownGraceTime: `${env.WORKER_SHUTDOWN_GRACE_SECONDS}s`,
      tracing,
      tuning: workerTuning(env),
      log: (line) => logger.info(line),
    });
    logger.info(
      { taskQueue: env.TEMPORAL_TASK_QUEUE, namespace: env.TEMPORAL_NAMESPACE, address: env.TEMPORAL_ADDRESS },
      'worker started',
    );
    await ensureReconciler(reconciler, logger, reconcilerInput(env));
    // Beside the worker's start, not before it (it never throws: a failure is logged).
    const webhooks = ensureWebhookWorkflows(reconciler, prisma, logger);
    const stopPurge = startEventPurge(prisma, env.EVENTS_RETENTION_DAYS, logger);
    await worker.run();
    await webhooks;
    stopPurge();
    logger.info('worker stopped cleanly');
  } finally {
    await metrics?.close();
    await tracing.shutdown();
    await connection.close();
    await prisma.$disconnect();
  }
}

let env: WorkerEnv;
try {
  env = loadWorkerEnv();
} catch (error) {
  exitOnEnvError(error);
}
main(env).catch((error: unknown) => {
  process.stderr.write(`worker failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
