import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { Connection } from '@temporalio/client';

export interface DevServerProcess {
  address: string;
  uiUrl: string;
  stop(): Promise<void>;
}

/** Waits until the frontend answers, printing a dot now and then; fails if the process dies first. */
async function waitUntilServing(address: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`temporal dev server exited with code ${child.exitCode}`);
    try {
      const connection = await Connection.connect({ address, connectTimeout: 1_000 });
      await connection.workflowService.getSystemInfo({});
      await connection.close();
      return;
    } catch {
      await delay(250);
    }
  }
  throw new Error(`temporal dev server did not answer on ${address} within ${timeoutMs / 1000} s`);
}

async function assertPortFree(port: number, variable: string): Promise<void> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'EADDRINUSE'
          ? new Error(`port ${port} is in use (another Temporal server?): stop it or set ${variable}`)
          : error,
      ),
    );
    server.listen(port, '127.0.0.1', () => resolve());
  });
  await new Promise((resolve) => server.close(resolve));
}

/**
 * Refuses taken ports before anything starts: the dev server would log `bind: address already in use`,
 * keep running, and start-up would report ready on whatever holds the port.
 */
export async function assertDevServerPortsFree(opts: { port: number; uiPort: number }): Promise<void> {
  await assertPortFree(opts.port, 'TEMPORAL_DEV_PORT');
  await assertPortFree(opts.uiPort, 'TEMPORAL_UI_PORT');
}

/**
 * `temporal server start-dev`, persisted to `<dataDir>/temporal.db` so workflows survive a
 * restart. Runs in its own process group: Ctrl-C reaches us first, and we stop it last,
 * after the worker has drained. `onSpawn` learns its pid and argv at once (for the pid file).
 */
export async function startTemporalDevServer(opts: {
  cli: string;
  dataDir: string;
  port: number;
  uiPort: number;
  namespace: string;
  onSpawn?: (child: { pid: number; command: string[] }) => void;
}): Promise<DevServerProcess> {
  await mkdir(opts.dataDir, { recursive: true });
  const args = [
    'server',
    'start-dev',
    '--db-filename',
    join(opts.dataDir, 'temporal.db'),
    '--ip',
    '127.0.0.1',
    '--port',
    String(opts.port),
    '--ui-port',
    String(opts.uiPort),
    '--namespace',
    opts.namespace,
    '--log-level',
    'error',
  ];
  const child = spawn(opts.cli, args, { stdio: ['ignore', 'inherit', 'inherit'], detached: true });
  if (child.pid) opts.onSpawn?.({ pid: child.pid, command: [opts.cli, ...args] });
  const killGroup = (signal: NodeJS.Signals) => {
    try {
      if (child.pid && child.exitCode === null) process.kill(-child.pid, signal);
    } catch {
      // already gone
    }
  };
  // Last line of defence against an orphan if we exit without stop().
  process.once('exit', () => killGroup('SIGKILL'));
  const address = `127.0.0.1:${opts.port}`;
  try {
    await waitUntilServing(address, child, 60_000);
  } catch (error) {
    killGroup('SIGKILL');
    throw error;
  }
  const exited = new Promise<void>((resolve) =>
    child.exitCode !== null ? resolve() : child.once('exit', () => resolve()),
  );
  return {
    address,
    uiUrl: `http://127.0.0.1:${opts.uiPort}`,
    stop: async () => {
      killGroup('SIGTERM');
      const timedOut = await Promise.race([exited.then(() => false), delay(10_000).then(() => true)]);
      if (timedOut) killGroup('SIGKILL');
      await exited;
    },
  };
}
