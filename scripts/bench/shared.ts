// What the PostgreSQL benchmarks (bench detail, bench search) share: the server they run on, the
// API as it runs in production without Temporal (reads never dial it), and the measuring loop for
// the direct SQL (and the figures both print).
import os from 'node:os';
import autocannon from 'autocannon';
import pg from 'pg';
import type { Client } from '@temporalio/client';
import { createApp } from '../../api/app.js';
import { listen, type RunningServer } from '../../api/server.js';
import { DEV_WEBHOOK_SECRETS } from '../../api/webhooks/env.js';
import type { PrismaClient } from '../../lib/db/client.js';
import { createLogger } from '../../lib/logger.js';
import { createTemporalClient } from '../../lib/temporal/client.js';
import { DEFAULT_CONSENT_SCHEDULE } from '../../workflows/consent-renewal/contract.js';

export const ADMIN_URL = process.env.BENCH_POSTGRES_URL ?? 'postgresql://postgres:postgres@127.0.0.1:5432/postgres';
// BENCH_LOG_LEVEL=error shows what a failing request met (the API's own log lines).
export const logger = createLogger({
  service: 'bench',
  level: (process.env.BENCH_LOG_LEVEL as 'error' | undefined) ?? 'silent',
});

/** Tasks waiting in a task queue (Temporal's approximate backlog): its workflow tasks, or its activity tasks. */
export async function taskQueueBacklog(
  client: Client,
  namespace: string,
  taskQueue: string,
  of: 'workflow' | 'activity' = 'workflow',
): Promise<number> {
  const described = await client.workflowService.describeTaskQueue({
    namespace,
    taskQueue: { name: taskQueue, kind: 1 },
    taskQueueType: of === 'workflow' ? 1 : 2,
    reportStats: true,
  });
  return Number(described.stats?.approximateBacklogCount ?? 0);
}

/** Whether the PostgreSQL server answers; says so and why not when it does not. */
export async function postgresReachable(bench: string): Promise<boolean> {
  const probe = new pg.Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 3_000 });
  try {
    await probe.connect();
    await probe.end();
    return true;
  } catch (error) {
    console.log(`${bench}: PostgreSQL not reachable at ${new URL(ADMIN_URL).host} (${(error as Error).message}).`);
    console.log('Set BENCH_POSTGRES_URL to a PostgreSQL superuser URL; no figures without one.');
    return false;
  }
}

/** The API on a free port, with no rate limit to speak of; its Temporal client is lazy and never dials. */
export function benchServer(prisma: PrismaClient): Promise<RunningServer> {
  const app = createApp({
    temporal: createTemporalClient({
      TEMPORAL_ADDRESS: '127.0.0.1:7233',
      TEMPORAL_NAMESPACE: 'default',
      TEMPORAL_TASK_QUEUE: 'bench',
      TEMPORAL_TLS: false,
    }),
    prisma,
    logger,
    taskQueue: 'bench',
    temporalTimeoutMs: 5_000,
    consentSchedule: DEFAULT_CONSENT_SCHEDULE,
    webhookSecrets: DEV_WEBHOOK_SECRETS,
    rateLimitPerMinute: 100_000_000,
    // API_KEY_CACHE_MS=0 measures the API with a key lookup on every request.
    ...(process.env.API_KEY_CACHE_MS !== undefined ? { apiKeyCacheMs: Number(process.env.API_KEY_CACHE_MS) } : {}),
  });
  return listen(app, { port: 0, host: '127.0.0.1', logger, shutdownTimeoutMs: 1_000 });
}

export interface Figures {
  reqPerSec: number;
  p50: number;
  p95: number;
  p99: number;
}

export const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0;

/** Figures of latencies in ms measured over `seconds`. */
export function figures(latencies: number[], seconds: number): Figures {
  const sorted = [...latencies].sort((a, b) => a - b);
  return {
    reqPerSec: latencies.length / seconds,
    p50: percentile(sorted, 0.5),
    p95: percentile(sorted, 0.95),
    p99: percentile(sorted, 0.99),
  };
}

/** `requests` calls of `run`, `concurrency` at a time. */
export async function measure(
  run: (i: number) => Promise<void>,
  requests: number,
  concurrency: number,
): Promise<Figures> {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < requests) {
        const i = next++;
        const t = performance.now();
        await run(i);
        latencies.push(performance.now() - t);
      }
    }),
  );
  return figures(latencies, (performance.now() - started) / 1000);
}

/** The 1-minute load average, printed with every figure: the machine is shared. */
export const load = () => os.loadavg()[0]!.toFixed(2);

/** One line of a case: the project's figure, the limit measured in the same run, their ratio and the load. */
export function verdict(name: string, figure: number, limit: number, unit: string, target: string): string {
  return `${name.padEnd(56)} ${figure.toFixed(1).padStart(8)} ${unit}  limit ${limit.toFixed(1).padStart(8)} ${unit}  ${(figure / limit).toFixed(2)}× (target ${target}, load ${load()})`;
}

/** autocannon GETs of `paths` (cycled) with the bench key; latencies from each response; refused unless all are 200. */
export function loadPaths(
  url: string,
  key: string,
  paths: string[],
  requests: number,
  concurrency: number,
): Promise<Figures> {
  let next = 0;
  const latencies: number[] = [];
  let failures = 0;
  // Up to the last answer: autocannon calls back on its next one-second tick, which made the rate
  // a whole number of seconds (1000 requests: 249/s or 199/s, nothing between).
  let last = 0;
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const instance = autocannon(
      {
        url,
        connections: concurrency,
        amount: requests,
        // The work queue may take seconds on a loaded machine: a timeout is a failure, never a missing figure.
        timeout: 120,
        headers: { authorization: `Bearer ${key}` },
        requests: [{ method: 'GET', setupRequest: (req) => ({ ...req, path: paths[next++ % paths.length]! }) }],
      },
      (error, result) => {
        if (error) return reject(error);
        failures += result.errors + result.timeouts;
        if (failures > 0) return reject(new Error(`GET ${paths[0]}: ${failures} answers were not 200 or never came`));
        resolve(figures(latencies, (last - started) / 1000));
      },
    );
    instance.on('response', (_client, status, _bytes, responseTime) => {
      if (status !== 200) failures++;
      latencies.push(responseTime);
      last = performance.now();
    });
  });
}

/**
 * Starts a CPU profile of this process when BENCH_CPU_PROFILE names a directory; the function it
 * gives stops it and writes `<dir>/<name>.cpuprofile` (open it in Chrome's DevTools), answering the
 * file's path ('' when not profiling).
 */
export async function startProfile(name: string): Promise<() => Promise<string>> {
  const dir = process.env.BENCH_CPU_PROFILE;
  if (!dir) return () => Promise.resolve('');
  const { Session } = await import('node:inspector/promises');
  const { mkdir, writeFile } = await import('node:fs/promises');
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  return async () => {
    const { profile } = await session.post('Profiler.stop');
    session.disconnect();
    await mkdir(dir, { recursive: true });
    const file = `${dir}/${name.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '')}.cpuprofile`;
    await writeFile(file, JSON.stringify(profile));
    return file;
  };
}

export interface BenchApi {
  url: string;
  /** The API's process (this one with BENCH_API_IN_PROCESS). */
  pid: number;
  /** Runs `phase` with the API's process profiled (BENCH_CPU_PROFILE). */
  profiled<T>(name: string, phase: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/**
 * The API for a read benchmark: in its own process (api-process.ts), as `npm start` runs it and a
 * client outside meets it, so the load generator's CPU is not the API's; BENCH_API_IN_PROCESS=1
 * runs it in this process instead (the figures before 7 Dec 2026).
 */
export async function benchApi(prisma: PrismaClient, databaseUrl: string): Promise<BenchApi> {
  if (process.env.BENCH_API_IN_PROCESS) {
    const server = await benchServer(prisma);
    return {
      url: server.url,
      pid: process.pid,
      async profiled(name, phase) {
        const stop = await startProfile(name);
        try {
          return await phase();
        } finally {
          const file = await stop();
          if (file) console.log(`bench: CPU profile of "${name}" in ${file}`);
        }
      },
      close: () => server.close(),
    };
  }
  const { fork } = await import('node:child_process');
  const child = fork(new URL('api-process.ts', import.meta.url), {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, BENCH_DATABASE_URL: databaseUrl },
  });
  const answer = <T>(done?: string) =>
    new Promise<T>((resolve, reject) => {
      const onMessage = (message: T & { done?: string }) => {
        if (done !== undefined && message.done !== done) return;
        child.off('message', onMessage);
        child.off('exit', onExit);
        resolve(message);
      };
      const onExit = (code: number | null) => reject(new Error(`bench: the API's process ended (${code})`));
      child.on('message', onMessage);
      child.once('exit', onExit);
    });
  const { url } = await answer<{ url: string }>();
  return {
    url,
    pid: child.pid!,
    async profiled(name, phase) {
      child.send({ do: 'profile', name });
      await answer('profile');
      try {
        return await phase();
      } finally {
        child.send({ do: 'stop-profile' });
        const { file } = await answer<{ file?: string }>('stop-profile');
        if (file) console.log(`bench: CPU profile of the API's process during "${name}" in ${file}`);
      }
    },
    async close() {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.send({ do: 'close' });
      await exited;
    },
  };
}
