import {
  makeWorkflowExporter,
  OpenTelemetryActivityInboundInterceptor,
  OpenTelemetryActivityOutboundInterceptor,
} from '@temporalio/interceptors-opentelemetry';
import { Worker, type NativeConnection, type WorkerOptions } from '@temporalio/worker';
import { caroDepsFromEnv } from '../activities/caro/links.js';
import { createEmailSender } from '../activities/email/transport.js';
import { createActivities, type ActivityDeps } from '../activities/index.js';
import { linkBuilderFromEnv } from '../lib/links/links.js';
import { targetPolicyFor } from '../lib/webhooks/targets.js';
import { startTracing, type Tracing } from '../lib/telemetry/tracing.js';
import type { WorkerEnv } from './env.js';
import { workflowBundle } from './workflow-bundle.js';

/** Tracing off: workflow spans are dropped (the sink must exist either way). */
let tracingOff: Tracing | undefined;

export interface CreateWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  deps: ActivityDeps;
  /**
   * A pre-built bundle; otherwise this code's, from the cache or built (workers/workflow-bundle.ts), with the
   * workflows' tracing interceptors only when `tracing` is enabled.
   */
  workflowBundle?: WorkerOptions['workflowBundle'];
  /** Hears whether the bundle came from the cache or was built, and how long that took. */
  log?: (line: string) => void;
  shutdownGraceTime?: WorkerOptions['shutdownGraceTime'];
  /** The process's tracing (lib/telemetry/tracing.ts); off when absent. */
  tracing?: Tracing;
  /** The sticky cache's size and the workflow task slots (WORKER_MAX_CACHED_WORKFLOWS, WORKER_WORKFLOW_TASK_SLOTS). */
  tuning?: { maxCachedWorkflows: number; workflowTaskSlots: number };
}

/** The worker of every journey: every workflow in `workflows/index.ts`, every activity of `createActivities`. */
export async function createWorker(opts: CreateWorkerOptions): Promise<Worker> {
  const tracing = opts.tracing ?? (tracingOff ??= startTracing('worker', {}));
  return Worker.create({
    connection: opts.connection,
    namespace: opts.namespace,
    taskQueue: opts.taskQueue,
    activities: createActivities(opts.deps),
    // The workflows' tracing interceptors are in the bundle (workflowInterceptorModules) when the process traces.
    workflowBundle: opts.workflowBundle ?? (await workflowBundle(opts.log, tracing.enabled ? 'traced' : 'untraced')),
    // A span per activity under its workflow's; log lines of activities carry the trace id.
    interceptors: {
      activity: [
        (ctx) => ({
          inbound: new OpenTelemetryActivityInboundInterceptor(ctx),
          outbound: new OpenTelemetryActivityOutboundInterceptor(ctx),
        }),
      ],
    },
    sinks: { exporter: makeWorkflowExporter(tracing.exporter, tracing.resource) },
    ...(opts.shutdownGraceTime !== undefined ? { shutdownGraceTime: opts.shutdownGraceTime } : {}),
    ...(opts.tuning ? tuningOptions(opts.tuning) : {}),
  });
}

export type WorkerTuning = NonNullable<CreateWorkerOptions['tuning']>;

/** The SDK's options for a tuning: no more task slots than cached workflows (the SDK refuses it; 0 turns the cache off). */
export const tuningOptions = (
  tuning: WorkerTuning,
): Pick<WorkerOptions, 'maxCachedWorkflows' | 'maxConcurrentWorkflowTaskExecutions'> => ({
  maxCachedWorkflows: tuning.maxCachedWorkflows,
  maxConcurrentWorkflowTaskExecutions:
    tuning.maxCachedWorkflows === 0
      ? tuning.workflowTaskSlots
      : Math.min(tuning.workflowTaskSlots, tuning.maxCachedWorkflows),
});

/** The worker's tuning from its environment (workers/main.ts and npm start). */
export const workerTuning = (env: WorkerEnv): WorkerTuning => ({
  maxCachedWorkflows: env.WORKER_MAX_CACHED_WORKFLOWS,
  workflowTaskSlots: env.WORKER_WORKFLOW_TASK_SLOTS,
});

/** The activities' dependencies from the worker's environment (workers/main.ts and npm start). */
export const activityDepsFromEnv = (
  env: WorkerEnv,
  clients: Pick<ActivityDeps, 'prisma' | 'logger' | 'temporal'>,
): ActivityDeps => ({
  ...clients,
  email: createEmailSender(env, clients.logger),
  links: linkBuilderFromEnv(env),
  caro: caroDepsFromEnv(env),
  webhooks: {
    retryScheduleMs: env.WEBHOOK_RETRY_SCHEDULE.map((d) => d.ms),
    pollMs: env.WEBHOOK_POLL_MS,
    idlePollMaxMs: env.WEBHOOK_IDLE_POLL_MAX_MS,
    policy: targetPolicyFor(env.NODE_ENV),
    secretsKey: env.WEBHOOK_SECRETS_KEY,
  },
});
