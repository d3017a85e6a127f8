import { exitOnEnvError } from '../lib/config/env.js';
import { createPrisma } from '../lib/db/client.js';
import { migrate } from '../lib/db/migrate-on-start.js';
import { createLogger } from '../lib/logger.js';
import { onShutdownSignal } from '../lib/shutdown.js';
import { createTemporalClient } from '../lib/temporal/client.js';
import { startTracing } from '../lib/telemetry/tracing.js';
import { createApp } from './app.js';
import { appDepsFromEnv } from './deps-from-env.js';
import { loadApiEnv, type ApiEnv } from './env.js';
import { sandboxEnabled } from './sandbox/env.js';
import { listen } from './server.js';

async function main(env: ApiEnv): Promise<void> {
  const logger = createLogger({ service: 'api', level: env.LOG_LEVEL });
  const tracing = startTracing('api');
  if (tracing.enabled) logger.info('traces exported over OTLP (OTEL_EXPORTER_OTLP_*)');
  if (env.MIGRATE_ON_START) await migrate(env.DATABASE_URL, logger);
  const prisma = createPrisma(env.DATABASE_URL, { maxConnections: env.DATABASE_POOL_MAX });
  const temporal = createTemporalClient(env);
  const app = createApp(appDepsFromEnv(env, { temporal, prisma, logger }));
  if (sandboxEnabled(env))
    logger.warn(
      'development sandbox enabled: POST /v1/sandbox/webhooks/:provider forges signed provider events (SANDBOX_ENABLED=false turns it off)',
    );
  const server = await listen(app, {
    port: env.PORT,
    host: env.HOST,
    logger,
    shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS,
  });
  logger.info(
    { url: server.url, namespace: env.TEMPORAL_NAMESPACE, taskQueue: env.TEMPORAL_TASK_QUEUE },
    'api listening',
  );

  onShutdownSignal(logger, async () => {
    await server.close();
    await Promise.allSettled([prisma.$disconnect(), temporal.connection.close(), tracing.shutdown()]);
    logger.info('api stopped cleanly');
  });
}

let env: ApiEnv;
try {
  env = loadApiEnv();
} catch (error) {
  exitOnEnvError(error);
}
main(env).catch((error: unknown) => {
  process.stderr.write(`api failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
