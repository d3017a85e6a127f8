/**
 * Temporal servers for tests: local binaries when they resolve (see lib/temporal-binaries.ts),
 * else the SDK's default download (which needs internet access).
 */
import { execFile } from 'node:child_process';
import { createServer } from 'node:net';
import { promisify } from 'node:util';
import type { Client } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { createTemporalClient } from '../../lib/temporal/client.js';
import { resolveTemporalCli, resolveTestServer } from '../../lib/temporal-binaries.js';

const existing = (path: string | undefined) => (path ? { executable: { type: 'existing-path' as const, path } } : {});

/** Time-skipping test server (Java SDK's): fast timers, but no reset, listing or schedules. */
export function createTimeSkippingEnv(): Promise<TestWorkflowEnvironment> {
  return startWithRetry(() => TestWorkflowEnvironment.createTimeSkipping({ server: existing(resolveTestServer()) }));
}

/**
 * The SDK gives a local server a fixed 5 s to answer, and kills it otherwise; on a loaded 2-core
 * machine a cold start can take longer, so a start that timed out is tried again (twice).
 */
async function startWithRetry(start: () => Promise<TestWorkflowEnvironment>): Promise<TestWorkflowEnvironment> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await start();
    } catch (error) {
      if (attempt >= 3 || !/did not start within/.test((error as Error).message)) throw error;
    }
  }
}

export interface DevServer {
  address: string;
  namespace: string;
  uiUrl?: string;
  /** Client, connection and nativeConnection (for Workers) bound to this server. */
  env: TestWorkflowEnvironment;
  stop(): Promise<void>;
}

export interface DevServerOptions {
  namespace?: string;
  /** Serve the Web UI on a free port. */
  ui?: boolean;
  /** SQLite file to persist to; in-memory by default. */
  dbFilename?: string;
  /** More `temporal server start-dev` flags, e.g. `--dynamic-config-value`. */
  extraArgs?: string[];
}

/**
 * `temporal server start-dev` on free ports (via the SDK, which picks the port, waits for the
 * frontend and kills the process on teardown).
 */
export async function startDevServer(opts: DevServerOptions = {}): Promise<DevServer> {
  const namespace = opts.namespace ?? 'default';
  const uiPort = opts.ui ? await freePort() : undefined;
  const start = () =>
    TestWorkflowEnvironment.createLocal({
      server: {
        ...existing(resolveTemporalCli()),
        namespace,
        ip: '127.0.0.1',
        ...(uiPort ? { ui: true, uiPort } : {}),
        ...(opts.dbFilename ? { dbFilename: opts.dbFilename } : {}),
        ...(opts.extraArgs ? { extraArgs: opts.extraArgs } : {}),
        log: { format: 'pretty', level: 'error' },
      },
    });
  const env = await startWithRetry(start);
  let stopped: Promise<void> | undefined;
  return {
    address: env.address,
    namespace,
    ...(uiPort ? { uiUrl: `http://127.0.0.1:${uiPort}` } : {}),
    env,
    stop: () => (stopped ??= env.teardown()),
  };
}

/** A loopback TCP port the OS just handed out, with nothing listening on it any more. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * A Temporal client pointed at a port where nothing listens: every call fails as when Temporal
 * is down. Leave it open to the end of the file: closing it under the SDK's queued retries
 * throws from a timer.
 */
export async function deadTemporalClient(): Promise<Client> {
  return createTemporalClient({
    TEMPORAL_ADDRESS: `127.0.0.1:${await freePort()}`,
    TEMPORAL_NAMESPACE: 'default',
    TEMPORAL_TASK_QUEUE: 'q',
    TEMPORAL_TLS: false,
  });
}

/** Command lines of this process's live child processes (POSIX `ps`), to assert that servers were cleaned up. */
export async function childProcesses(): Promise<string[]> {
  const { stdout } = await promisify(execFile)('ps', ['-A', '-o', 'ppid=,stat=,args=']);
  return stdout
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter(([ppid, stat]) => Number(ppid) === process.pid && !stat?.startsWith('Z'))
    .map((fields) => fields.slice(2).join(' '))
    .filter((args) => !args.startsWith('ps -A'));
}
