import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker, type NativeConnection, type WorkerOptions } from '@temporalio/worker';
import { caroDepsFromEnv } from '../activities/caro/links.js';
import { createEmailSender } from '../activities/email/transport.js';
import { createActivities, type ActivityDeps } from '../activities/index.js';
import { linkBuilderFromEnv } from '../lib/links/links.js';
import type { WorkerEnv } from './env.js';

/** `workflows/index.ts` under tsx, `dist/workflows/index.js` once compiled. */
export const workflowsPath = fileURLToPath(
  new URL(`../workflows/index${extname(fileURLToPath(import.meta.url))}`, import.meta.url),
);

export interface CreateWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  deps: ActivityDeps;
  /** A pre-built bundle (tests build it once per file); otherwise `workflowsPath` is bundled at start. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  shutdownGraceTime?: WorkerOptions['shutdownGraceTime'];
}

/** The worker of every journey: every workflow in `workflows/index.ts`, every activity of `createActivities`. */
export function createWorker(opts: CreateWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: opts.connection,
    namespace: opts.namespace,
    taskQueue: opts.taskQueue,
    activities: createActivities(opts.deps),
    ...(opts.workflowBundle ? { workflowBundle: opts.workflowBundle } : { workflowsPath }),
    ...(opts.shutdownGraceTime !== undefined ? { shutdownGraceTime: opts.shutdownGraceTime } : {}),
  });
}

/** The activities' dependencies from the worker's environment (workers/main.ts and npm start). */
export const activityDepsFromEnv = (
  env: WorkerEnv,
  clients: Pick<ActivityDeps, 'prisma' | 'logger' | 'temporal'>,
): ActivityDeps => ({
  ...clients,
  email: createEmailSender(env, clients.logger),
  links: linkBuilderFromEnv(env),
  caro: caroDepsFromEnv(env),
});
