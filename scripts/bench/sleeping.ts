/**
 * `npm run bench -- sleeping`: how much memory one worker needs for many sleeping journeys, and whether it keeps
 * up with their starts (issue 15 §4).
 *
 * First the worker's own rate against its limit: BENCH_SLEEPING_BASELINE (3000) workflows are started with no
 * worker polling, then one worker alone runs their first tasks. The limit is a bare SDK worker
 * (scripts/bench/sleeper/: a one-line `sleep` workflow, no interceptor, the same cache and slots) on the same
 * server; the figure is the product's worker on as many consent renewals. Both in first tasks a second.
 *
 * Then the steps: consent renewals (each sleeps until its first reminder, 75 days away) are started in steps
 * (BENCH_SLEEPING_COUNTS, 10000,50000,100000 by default) straight through the Temporal client, as fast as the
 * server takes them, with the worker running. After each step: how long after the last start every sampled
 * workflow had run its first task, and the worker's resident memory (RSS). With each figure, the CPU a workflow
 * cost the worker, Temporal's server, this process and PostgreSQL (scripts/bench/cpu.ts).
 *
 * The worker is `workers/main.ts` in its own process, with the environment's WORKER_MAX_CACHED_WORKFLOWS and
 * WORKER_WORKFLOW_TASK_SLOTS. The Temporal dev server keeps its SQLite on tmpfs (/dev/shm): on disk it tops out
 * near 70 starts/s here. PostgreSQL from BENCH_POSTGRES_URL (a throwaway database), as the other benchmarks.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { Client, Connection } from '@temporalio/client';
import pg from 'pg';
import { uuidv7 } from '../../lib/db/ids.js';
import { applyMigrations } from '../../lib/db/migrate.js';
import { createThrowawayDatabase } from '../../lib/db/throwaway-database.js';
import { provisionTemporalBinaries } from '../../lib/temporal-binaries.js';
import { consentRenewalWorkflowId, DEFAULT_CONSENT_SCHEDULE } from '../../workflows/consent-renewal/contract.js';
import { freePort } from '../chaos/processes.js';
import { startTemporalDevServer } from '../start/temporal-dev-server.js';
import { cpuSpan, describeCpu, withCpu } from './cpu.js';
import { ADMIN_URL, measure, postgresReachable, taskQueueBacklog } from './shared.js';

const COUNTS = (process.env.BENCH_SLEEPING_COUNTS ?? '10000,50000,100000').split(',').map(Number);
const BASELINE = Number(process.env.BENCH_SLEEPING_BASELINE ?? 3000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
const TASK_QUEUE = 'bench-sleeping';
const BARE_TASK_QUEUE = 'bench-sleeping-bare';
const NAMESPACE = 'default';
const DAY_MS = 86_400_000;

const t0 = performance.now();
const say = (line: string) => console.log(`[sleeping +${((performance.now() - t0) / 1000).toFixed(0)}s] ${line}`);
const mib = (kib: number) => Math.round(kib / 1024);

/** Resident memory of a process in KiB, from /proc. */
async function rssKib(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
}

/** Workflow tasks waiting in the task queue. */
const backlog = (client: Client) => taskQueueBacklog(client, NAMESPACE, TASK_QUEUE);

/** Workers polling a task queue. */
async function pollers(client: Client, taskQueue: string): Promise<number> {
  const described = await client.workflowService.describeTaskQueue({
    namespace: NAMESPACE,
    taskQueue: { name: taskQueue, kind: 1 },
    taskQueueType: 1,
  });
  return described.pollers?.length ?? 0;
}

/**
 * Whether the worker has run the first task of each of these workflows: it then sleeps on its first reminder's
 * timer (started, task scheduled, task started, task completed, timer started: five events at least).
 */
async function allAsleep(client: Client, workflowIds: string[]): Promise<boolean> {
  const described = await Promise.all(workflowIds.map((id) => client.workflow.getHandle(id).describe()));
  return described.every((d) => (d.historyLength ?? 0) >= 5);
}

/**
 * Seconds from now until the last 10 workflows started and 10 spread over them are all asleep (Infinity after
 * `maxMs`). Checked every 2 s: 20 describes at a time keep the check's own load on the server small (sampling
 * 100 every 500 ms, as this bench did, cost the server about 200 requests a second).
 */
async function secondsUntilAsleep(client: Client, workflowIds: string[], maxMs: number): Promise<number> {
  const sample = [
    ...workflowIds.slice(-10),
    ...Array.from({ length: 10 }, (_, i) => workflowIds[Math.floor((i * workflowIds.length) / 10)]!),
  ];
  const t = performance.now();
  while (!(await allAsleep(client, sample))) {
    if (performance.now() - t > maxMs) return Number.POSITIVE_INFINITY;
    await delay(2_000);
  }
  return (performance.now() - t) / 1000;
}

/** Starts `count` workflows, CONCURRENCY at a time, with a progress line every 10 s; returns starts a second. */
async function startAll(count: number, start: (i: number) => Promise<unknown>, progress: (n: number) => Promise<void>) {
  let lastReport = performance.now();
  let done = 0;
  const f = await measure(
    async (i) => {
      await start(i);
      done++;
      if (performance.now() - lastReport > 10_000) {
        lastReport = performance.now();
        await progress(done);
      }
    },
    count,
    CONCURRENCY,
  );
  return f.reqPerSec;
}

interface WorkerProcess {
  pid: number;
  /** Resolves once the worker polls its task queue (throws if it exits first). */
  polling(): Promise<void>;
  stop(): Promise<void>;
}

/** A worker in its own process: `script` under tsx, on `taskQueue` of the bench's server. */
function spawnWorker(client: Client, script: string, taskQueue: string, env: NodeJS.ProcessEnv): WorkerProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, ...env, TEMPORAL_TASK_QUEUE: taskQueue, LOG_LEVEL: 'error' },
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    pid: child.pid!,
    async polling() {
      while ((await pollers(client, taskQueue)) === 0) {
        if (child.exitCode !== null) throw new Error(`${script} exited with code ${child.exitCode}`);
        await delay(200);
      }
    },
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Connection rows for `count` consents (the workflows read them only when a reminder is due). */
async function insertConnections(db: pg.Pool, office: string, count: number): Promise<string[]> {
  const ids = Array.from({ length: count }, () => uuidv7());
  for (let i = 0; i < ids.length; i += 5_000) {
    const batch = ids.slice(i, i + 5_000);
    await db.query(
      `INSERT INTO connections (id, "officeId", "ownerLanguage", provider, ibans, "validUntil", "workflowId", "updatedAt")
       SELECT id, $1, 'nl', 'ponto', ARRAY['BE68539007547034'], now() + interval '90 days', 'connection:' || id, now()
       FROM unnest($2::text[]) AS id`,
      [office, batch],
    );
  }
  return ids;
}

interface Step {
  workflows: number;
  startsPerSec: number;
  drainedAfterS: number;
  rssMiB: number;
  peakRssMiB: number;
  /** CPU a workflow (its start and what ran until the step ended), per process. */
  cpu: string;
}

async function main(): Promise<void> {
  if (!(await postgresReachable('bench sleeping'))) return;
  const { cli } = await provisionTemporalBinaries({ log: say });
  const database = await createThrowawayDatabase(ADMIN_URL, 'bench_sleeping');
  const dataDir = await mkdtemp(join('/dev/shm', 'bench-sleeping-'));
  const cleanups: (() => Promise<unknown>)[] = [() => database.drop(), () => rm(dataDir, { recursive: true })];
  try {
    await applyMigrations(database.url);
    const db = new pg.Pool({ connectionString: database.url, max: 2 });
    cleanups.unshift(() => db.end());
    const office = uuidv7();
    await db.query(
      `INSERT INTO offices (id, name, language, "contactEmail", "updatedAt") VALUES ($1, 'Bench', 'nl', 'b@example.be', now())`,
      [office],
    );

    const port = await freePort();
    const server = await startTemporalDevServer({ cli, dataDir, port, uiPort: await freePort(), namespace: NAMESPACE });
    cleanups.unshift(() => server.stop());
    say(`Temporal dev server on ${server.address}, SQLite on tmpfs (${dataDir})`);
    const connection = await Connection.connect({ address: server.address });
    cleanups.unshift(() => connection.close());
    const client = new Client({ connection, namespace: NAMESPACE });
    const workerEnv = {
      DATABASE_URL: database.url,
      TEMPORAL_ADDRESS: server.address,
      TEMPORAL_NAMESPACE: NAMESPACE,
      MIGRATE_ON_START: 'false',
    };
    const validUntil = new Date(Date.now() + 90 * DAY_MS).toISOString();
    const startConsent = (id: string) =>
      client.workflow.start('consentRenewalWorkflow', {
        taskQueue: TASK_QUEUE,
        workflowId: consentRenewalWorkflowId(id),
        args: [{ connectionId: id, validUntil, schedule: DEFAULT_CONSENT_SCHEDULE }],
      });
    const cache = process.env.WORKER_MAX_CACHED_WORKFLOWS ?? 'the default (workers/env.ts)';
    const slots = process.env.WORKER_WORKFLOW_TASK_SLOTS ?? 40;
    const quiet = async () => undefined;

    // The worker's own rate against a bare SDK worker's, each alone on workflows started before it polls.
    say(`limit: ${BASELINE} one-line sleeping workflows and ${BASELINE} consent renewals started, no worker polling`);
    const bareIds = Array.from({ length: BASELINE }, (_, i) => `sleeper-${i}`);
    await startAll(
      BASELINE,
      (i) => client.workflow.start('sleeperWorkflow', { taskQueue: BARE_TASK_QUEUE, workflowId: bareIds[i]! }),
      quiet,
    );
    const baselineIds = await insertConnections(db, office, BASELINE);
    await startAll(BASELINE, (i) => startConsent(baselineIds[i]!), quiet);
    const bare = spawnWorker(client, 'scripts/bench/sleeper/worker.ts', BARE_TASK_QUEUE, workerEnv);
    cleanups.unshift(() => bare.stop());
    await bare.polling();
    const { result: bareSeconds, cpu: bareSpan } = await withCpu(
      BASELINE,
      () => secondsUntilAsleep(client, bareIds, 600_000),
      { worker: bare.pid },
    );
    const bareRss = mib(await rssKib(bare.pid));
    await bare.stop();
    const bareRate = BASELINE / bareSeconds;
    say(
      `bare SDK worker: ${BASELINE} first tasks in ${bareSeconds.toFixed(1)} s (${bareRate.toFixed(1)}/s), RSS ${bareRss} MiB`,
    );

    const worker = spawnWorker(client, 'workers/main.ts', TASK_QUEUE, workerEnv);
    cleanups.unshift(() => worker.stop());
    say(`product worker pid ${worker.pid}, sticky cache ${cache}, workflow task slots ${slots}`);
    await worker.polling();
    const { result: ownSeconds, cpu: ownSpan } = await withCpu(
      BASELINE,
      () => secondsUntilAsleep(client, baselineIds.map(consentRenewalWorkflowId), 600_000),
      { worker: worker.pid },
    );
    const ownRate = BASELINE / ownSeconds;
    say(
      `product worker: ${BASELINE} first tasks in ${ownSeconds.toFixed(1)} s (${ownRate.toFixed(1)}/s): ${(ownRate / bareRate).toFixed(2)}× the bare worker`,
    );
    await delay(2_000);
    const baselineRss = mib(await rssKib(worker.pid));

    const steps: Step[] = [];
    let started = BASELINE;
    for (const target of COUNTS.filter((count) => count > BASELINE)) {
      const ids = await insertConnections(db, office, target - started);
      say(`starting ${ids.length} consent renewals (${started} → ${target})`);
      let peak = 0;
      const sampling = setInterval(() => {
        void rssKib(worker.pid).then((kib) => (peak = Math.max(peak, kib)));
      }, 500);
      const stepCpu = await cpuSpan({ worker: worker.pid });
      const startsPerSec = await startAll(
        ids.length,
        (i) => startConsent(ids[i]!),
        async (n) => say(`  ${started + n} started; worker RSS ${mib(await rssKib(worker.pid))} MiB`),
      );
      const drainedAfterS = await secondsUntilAsleep(client, ids.map(consentRenewalWorkflowId), 600_000);
      const waiting = await backlog(client);
      const stepSpan = await stepCpu.end(ids.length);
      await delay(5_000); // let the last tasks' memory settle before reading it
      clearInterval(sampling);
      const rss = await rssKib(worker.pid);
      started = target;
      steps.push({
        workflows: target,
        startsPerSec,
        drainedAfterS,
        rssMiB: mib(rss),
        peakRssMiB: mib(Math.max(peak, rss)),
        cpu: describeCpu(stepSpan),
      });
      const caughtUp = Number.isFinite(drainedAfterS);
      say(
        `${target} sleeping: ${startsPerSec.toFixed(0)} starts/s, ${caughtUp ? `all asleep ${drainedAfterS.toFixed(1)} s after the last start` : 'NOT all asleep 600 s after the last start (the worker fell behind)'} (backlog ${waiting}), RSS ${mib(rss)} MiB (peak ${mib(Math.max(peak, rss))})`,
      );
    }

    console.log(
      `\nsleeping journeys on one worker (Temporal dev server on tmpfs, PostgreSQL; cache ${cache}, ${slots} slots)`,
    );
    console.log(
      `first tasks a second, ${BASELINE} workflows started beforehand, each worker alone: product ${ownRate.toFixed(1)}/s, ` +
        `bare SDK worker ${bareRate.toFixed(1)}/s (the limit; RSS ${bareRss} MiB): ${(ownRate / bareRate).toFixed(2)}×`,
    );
    console.log(`  CPU a workflow's first task, bare: ${describeCpu(bareSpan)}`);
    console.log(`  CPU a workflow's first task, product: ${describeCpu(ownSpan)}`);
    console.log(`product worker RSS after those ${BASELINE}: ${baselineRss} MiB`);
    console.log('workflows | starts/s (raw client) | all asleep after the last start | RSS MiB | peak RSS MiB');
    for (const s of steps) {
      console.log(
        `${String(s.workflows).padStart(9)} | ${s.startsPerSec.toFixed(0).padStart(21)} | ${(Number.isFinite(s.drainedAfterS) ? `${s.drainedAfterS.toFixed(1)} s` : 'not within 10 min').padStart(31)} | ${String(s.rssMiB).padStart(7)} | ${String(s.peakRssMiB).padStart(12)}`,
      );
      for (const s of steps) console.log(`CPU a workflow up to ${s.workflows}: ${s.cpu}`);
    }
  } finally {
    for (const cleanup of cleanups) await cleanup().catch(() => undefined);
  }
}

await main();
