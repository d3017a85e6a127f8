/**
 * `npm run bench -- sleeping`: how much memory one worker needs for many sleeping journeys, and whether it keeps
 * up with their starts (issue 15 §4). Consent renewals (each sleeps until its first reminder, 75 days away) are
 * started in steps (BENCH_SLEEPING_COUNTS, 10000,50000,100000 by default) straight through the Temporal client,
 * as fast as the server takes them: that start rate is the limit of the same run. After each step: how long
 * the task queue's backlog took to drain after the last start, and the worker's resident memory (RSS).
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
import { ADMIN_URL, postgresReachable, taskQueueBacklog } from './shared.js';

const COUNTS = (process.env.BENCH_SLEEPING_COUNTS ?? '10000,50000,100000').split(',').map(Number);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
const TASK_QUEUE = 'bench-sleeping';
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

/** Workers polling the task queue. */
async function pollers(client: Client): Promise<number> {
  const described = await client.workflowService.describeTaskQueue({
    namespace: NAMESPACE,
    taskQueue: { name: TASK_QUEUE, kind: 1 },
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

    const worker = spawn(process.execPath, ['--import', 'tsx', 'workers/main.ts'], {
      stdio: ['ignore', 'ignore', 'inherit'],
      env: {
        ...process.env,
        DATABASE_URL: database.url,
        TEMPORAL_ADDRESS: server.address,
        TEMPORAL_NAMESPACE: NAMESPACE,
        TEMPORAL_TASK_QUEUE: TASK_QUEUE,
        MIGRATE_ON_START: 'false',
        LOG_LEVEL: 'error',
      },
    });
    const workerExited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    cleanups.unshift(async () => {
      worker.kill('SIGTERM');
      await workerExited;
    });
    const cache = process.env.WORKER_MAX_CACHED_WORKFLOWS ?? 'the default (workers/env.ts)';
    say(
      `worker pid ${worker.pid}, sticky cache ${cache}, workflow task slots ${process.env.WORKER_WORKFLOW_TASK_SLOTS ?? 40}`,
    );

    const connection = await Connection.connect({ address: server.address });
    cleanups.unshift(() => connection.close());
    const client = new Client({ connection, namespace: NAMESPACE });
    while ((await pollers(client)) === 0) {
      if (worker.exitCode !== null) throw new Error(`the worker exited with code ${worker.exitCode}`);
      await delay(500);
    }
    await delay(2_000);
    const idleRss = mib(await rssKib(worker.pid!));
    say(`worker polling; RSS with no workflow ${idleRss} MiB`);
    const validUntil = new Date(Date.now() + 90 * DAY_MS).toISOString();

    const steps: Step[] = [];
    let started = 0;
    for (const target of COUNTS) {
      const ids = await insertConnections(db, office, target - started);
      say(`starting ${ids.length} consent renewals (${started} → ${target})`);
      let peak = 0;
      const sampling = setInterval(() => {
        void rssKib(worker.pid!).then((kib) => (peak = Math.max(peak, kib)));
      }, 500);
      let next = 0;
      const t = performance.now();
      let lastReport = t;
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          while (next < ids.length) {
            const id = ids[next++]!;
            await client.workflow.start('consentRenewalWorkflow', {
              taskQueue: TASK_QUEUE,
              workflowId: consentRenewalWorkflowId(id),
              args: [{ connectionId: id, validUntil, schedule: DEFAULT_CONSENT_SCHEDULE }],
            });
            if (performance.now() - lastReport > 10_000) {
              lastReport = performance.now();
              say(`  ${started + next} started; worker RSS ${mib(await rssKib(worker.pid!))} MiB`);
            }
          }
        }),
      );
      const startSeconds = (performance.now() - t) / 1000;
      const lastStart = performance.now();
      // The last 50 started, and 50 spread over the step: all asleep means the queue was worked off.
      const sample = [
        ...ids.slice(-50),
        ...Array.from({ length: 50 }, (_, i) => ids[Math.floor((i * ids.length) / 50)]!),
      ];
      let asleep = await allAsleep(client, sample.map(consentRenewalWorkflowId));
      while (!asleep && performance.now() - lastStart < 600_000) {
        await delay(500);
        asleep = await allAsleep(client, sample.map(consentRenewalWorkflowId));
      }
      const drainedAfterS = (performance.now() - lastStart) / 1000;
      const waiting = await backlog(client);
      await delay(5_000); // let the last tasks' memory settle before reading it
      clearInterval(sampling);
      const rss = await rssKib(worker.pid!);
      started = target;
      steps.push({
        workflows: target,
        startsPerSec: ids.length / startSeconds,
        drainedAfterS: asleep ? drainedAfterS : Number.POSITIVE_INFINITY,
        rssMiB: mib(rss),
        peakRssMiB: mib(Math.max(peak, rss)),
      });
      say(
        `${target} sleeping: ${(ids.length / startSeconds).toFixed(0)} starts/s, ${asleep ? 'all asleep' : 'NOT all asleep (the worker fell behind)'} ${drainedAfterS.toFixed(1)} s after the last start (backlog ${waiting}), RSS ${mib(rss)} MiB (peak ${mib(Math.max(peak, rss))})`,
      );
    }

    console.log('\nsleeping journeys on one worker (consent renewals, Temporal dev server on tmpfs, PostgreSQL)');
    console.log(`worker RSS with no workflow: ${idleRss} MiB`);
    console.log(
      'workflows | starts/s (raw client, the limit) | all asleep after the last start | RSS MiB | peak RSS MiB',
    );
    for (const s of steps) {
      console.log(
        `${String(s.workflows).padStart(9)} | ${s.startsPerSec.toFixed(0).padStart(33)} | ${(Number.isFinite(s.drainedAfterS) ? `${s.drainedAfterS.toFixed(1)} s` : 'not within 10 min').padStart(31)} | ${String(s.rssMiB).padStart(7)} | ${String(s.peakRssMiB).padStart(12)}`,
      );
    }
  } finally {
    for (const cleanup of cleanups) await cleanup().catch(() => undefined);
  }
}

await main();
