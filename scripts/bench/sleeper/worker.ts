/**
 * Bench sleeping's bare worker: the Temporal SDK's Worker with only `sleeperWorkflow` (./workflow.ts), no
 * interceptor, no activity, the same sticky cache and task slots as the product's worker. Its first tasks per
 * second are the limit the product's worker is measured against. TEMPORAL_ADDRESS and TEMPORAL_TASK_QUEUE from
 * the bench; stops on SIGTERM.
 */
import { fileURLToPath } from 'node:url';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { loadWorkerEnv } from '../../../workers/env.js';
import { tuningOptions, workerTuning } from '../../../workers/create-worker.js';

Runtime.install({ logger: new DefaultLogger('WARN'), shutdownSignals: ['SIGTERM', 'SIGINT'] });
const connection = await NativeConnection.connect({ address: process.env.TEMPORAL_ADDRESS! });
const worker = await Worker.create({
  connection,
  namespace: 'default',
  taskQueue: process.env.TEMPORAL_TASK_QUEUE!,
  workflowsPath: fileURLToPath(new URL('./workflow.ts', import.meta.url)),
  ...tuningOptions(workerTuning(loadWorkerEnv())),
});
await worker.run();
await connection.close();
