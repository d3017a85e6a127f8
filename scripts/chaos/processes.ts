/**
 * The stack under test, one OS process each: a PostgreSQL server (Debian's binaries, our own
 * cluster in a temp dir), the Temporal dev server, the worker and the API. Each can be killed
 * (SIGKILL) or stopped and started again on the same port and data; their output goes to log
 * files in the run's directory, never to the harness's own output.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { chownSync, createWriteStream, existsSync, readdirSync, type WriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/** A port nobody listens on right now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export async function waitUntil(what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await delay(250);
  }
  throw new Error(`${what}: not within ${Math.round(timeoutMs / 1000)} s`);
}

/** A long-running child we may kill and start again; an exit we did not cause is counted as a crash. */
export class Supervised {
  private child: ChildProcess | undefined;
  private expectingExit = false;
  private readonly log: WriteStream;
  crashes = 0;
  starts = 0;

  constructor(
    readonly name: string,
    private readonly spawnChild: () => ChildProcess,
    logFile: string,
    private readonly onCrash: (name: string, code: number | null, signal: NodeJS.Signals | null) => void,
  ) {
    this.log = createWriteStream(logFile, { flags: 'a' });
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  start(): void {
    const child = this.spawnChild();
    this.starts += 1;
    this.expectingExit = false;
    child.stdout?.pipe(this.log, { end: false });
    child.stderr?.pipe(this.log, { end: false });
    child.once('exit', (code, signal) => {
      if (this.child !== child) return;
      if (!this.expectingExit) {
        this.crashes += 1;
        this.onCrash(this.name, code, signal);
      }
    });
    this.child = child;
  }

  /** SIGKILL to the child's whole process group (tsx and the Temporal CLI have children of their own). */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child?.pid || !this.running) return;
    this.expectingExit = true;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      child.kill('SIGKILL');
    }
    await exited;
  }

  /** SIGTERM and a grace period, for the end of the run. */
  async stop(graceMs = 10_000): Promise<void> {
    const child = this.child;
    if (!child?.pid || !this.running) return;
    this.expectingExit = true;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      child.kill('SIGTERM');
    }
    if (await Promise.race([exited.then(() => false), delay(graceMs).then(() => true)])) await this.kill();
    await exited;
  }

  close(): void {
    this.log.end();
  }

  /** Synchronous last resort (the harness itself is exiting): SIGKILL the group, no waiting. */
  killNow(): void {
    if (!this.child?.pid || !this.running) return;
    this.expectingExit = true;
    try {
      process.kill(-this.child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

/** Runs a repo entry point under tsx, in its own process group, with only the given environment (plus PATH, HOME). */
export function entryProcess(entry: string, env: Record<string, string>): () => ChildProcess {
  return () =>
    spawn(process.execPath, ['--import', 'tsx', entry], {
      cwd: repoRoot,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
}

export function temporalProcess(cli: string, dbFile: string, port: number, uiPort: number): () => ChildProcess {
  const args = ['server', 'start-dev', '--db-filename', dbFile, '--ip', '127.0.0.1', '--port', String(port)];
  args.push('--ui-port', String(uiPort), '--headless', '--namespace', 'default', '--log-level', 'error');
  return () => spawn(cli, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
}

function pgBinDir(): string {
  const base = '/usr/lib/postgresql';
  const found = existsSync(base)
    ? readdirSync(base)
        .filter((v) => existsSync(join(base, v, 'bin', 'pg_ctl')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (!found[0])
    throw new Error('no PostgreSQL server binaries under /usr/lib/postgresql/*/bin (apt-get install postgresql)');
  return join(base, found[0], 'bin');
}

/**
 * Our own PostgreSQL cluster, driven by pg_ctl. As root it runs as the `postgres` user (the server
 * refuses root), so the run's directory is handed to that user.
 */
export class PostgresServer {
  private readonly bin = pgBinDir();
  private readonly asRoot = process.getuid?.() === 0;
  readonly url: string;
  stops = 0;

  constructor(
    private readonly dir: string,
    readonly port: number,
  ) {
    this.url = `postgresql://postgres@127.0.0.1:${port}/postgres`;
  }

  private get dataDir() {
    return join(this.dir, 'pg');
  }

  private async pg(tool: string, args: string[]): Promise<void> {
    const command = join(this.bin, tool);
    if (this.asRoot) await run('runuser', ['-u', 'postgres', '--', command, ...args], { cwd: '/tmp' });
    else await run(command, args, { cwd: '/tmp' });
  }

  async init(): Promise<void> {
    await mkdir(this.dataDir, { recursive: true });
    if (this.asRoot) {
      const { stdout } = await run('id', ['-u', 'postgres']);
      const { stdout: gid } = await run('id', ['-g', 'postgres']);
      for (const path of [this.dir, this.dataDir]) chownSync(path, Number(stdout.trim()), Number(gid.trim()));
    }
    await this.pg('initdb', ['-D', this.dataDir, '-U', 'postgres', '-A', 'trust', '--no-sync', '-E', 'UTF8']);
  }

  async start(): Promise<void> {
    const options = `-p ${this.port} -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200`;
    await this.pg('pg_ctl', ['-D', this.dataDir, '-o', options, '-l', join(this.dir, 'postgres.log'), '-w', 'start']);
  }

  /** `pg_ctl stop -m fast`: every session is cut, as in an outage. */
  async stop(): Promise<void> {
    await this.pg('pg_ctl', ['-D', this.dataDir, '-m', 'fast', '-w', 'stop']);
  }

  async stopIfRunning(): Promise<void> {
    await this.pg('pg_ctl', ['-D', this.dataDir, '-m', 'immediate', '-w', 'stop']).catch(() => undefined);
  }
}
