import { existsSync, readFileSync } from 'node:fs';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedPostgres } from '../../lib/db/embedded.js';
import { applyMigrations } from '../../lib/db/migrate.js';
import { commandOf, type RecordedProcess } from '../../scripts/start/pid-file.js';
import { spawnCommand, spawnEntry, type Spawned } from './spawn.js';

/** Ports free right now: the stack binds them a moment later. */
async function freePorts(count: number): Promise<number[]> {
  const servers = Array.from({ length: count }, () => createServer());
  const ports = await Promise.all(
    servers.map(
      (server) =>
        new Promise<number>((resolve) =>
          server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)),
        ),
    ),
  );
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  return ports;
}

// A fresh embedded database costs an initdb (40 s on a loaded machine): made once, copied into each DATA_DIR.
let seed: string;
beforeAll(async () => {
  seed = await mkdtemp(join(tmpdir(), 'npm-start-seed-'));
  const pg = await startEmbeddedPostgres({ dataDir: join(seed, 'pg') });
  await applyMigrations(pg.url);
  await pg.stop();
}, 300_000);
afterAll(() => rm(seed, { recursive: true, force: true }));

async function stackEnv(): Promise<Record<string, string>> {
  const [db, temporal, ui, api] = await freePorts(4);
  const dataDir = await mkdtemp(join(tmpdir(), 'npm-start-'));
  await cp(join(seed, 'pg'), join(dataDir, 'pg'), { recursive: true });
  return {
    DATA_DIR: dataDir,
    EMBEDDED_DB_PORT: String(db),
    TEMPORAL_DEV_PORT: String(temporal),
    TEMPORAL_UI_PORT: String(ui),
    PORT: String(api),
    HOST: '127.0.0.1',
    ...(process.env.TEMPORAL_CLI_PATH ? { TEMPORAL_CLI_PATH: process.env.TEMPORAL_CLI_PATH } : {}),
  };
}

const readPidFile = (dataDir: string) =>
  JSON.parse(readFileSync(join(dataDir, 'stack.pids.json'), 'utf8')) as {
    owner: RecordedProcess;
    children: RecordedProcess[];
  };
const devServerOf = (dataDir: string): RecordedProcess => {
  const server = readPidFile(dataDir).children.find((child) => child.name === 'Temporal dev server');
  if (!server) throw new Error('no dev server in the pid file');
  return server;
};
const running = (p: RecordedProcess) => commandOf(p.pid)?.join(' ') === p.command.join(' ');

const READY = /^\[start \+[\d.]+s\] ready$/;
/** Start-up bundles the workflows and starts Temporal: seconds alone, minutes on a loaded machine. */
const READY_MS = 240_000;
const left: { procs: Spawned[]; pids: RecordedProcess[]; dirs: string[] } = { procs: [], pids: [], dirs: [] };
afterEach(async () => {
  for (const proc of left.procs.splice(0)) proc.child.kill('SIGKILL');
  // Killing npm leaves its child: whatever a pid file still names goes too.
  for (const dir of left.dirs) {
    if (!existsSync(join(dir, 'stack.pids.json'))) continue;
    const { owner, children } = readPidFile(dir);
    left.pids.push({ ...owner, group: false }, ...children);
  }
  for (const p of left.pids.splice(0)) {
    try {
      if (running(p)) process.kill(p.group ? -p.pid : p.pid, 'SIGKILL');
    } catch {
      // gone meanwhile
    }
  }
  for (const dir of left.dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});
function track(proc: Spawned, env: Record<string, string>): Spawned {
  left.procs.push(proc);
  left.dirs.push(env.DATA_DIR!);
  return proc;
}

describe('npm start leaves no process behind', () => {
  it('SIGTERM to npm (as a process manager sends it) stops the whole stack; it exits 0 right after "stopped cleanly"', async () => {
    const env = await stackEnv();
    const stack = track(spawnCommand('npm', ['start'], env), env);
    await stack.waitForLine(READY, READY_MS);
    const devServer = devServerOf(env.DATA_DIR!);
    left.pids.push(devServer);
    expect(running(devServer)).toBe(true);
    // A fresh database: a first operator account, printed once beside the first key, that signs in.
    await stack.waitForLine(/^\s+password\s+\S+$/, 10_000);
    const email = /^\s+e-mail\s+(\S+)$/m.exec(stack.output())?.[1];
    const password = /^\s+password\s+(\S+)$/m.exec(stack.output())?.[1];
    expect(email).toBe('admin@bankfeed.local');
    const signedIn = await fetch(`http://127.0.0.1:${env.PORT}/v1/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password }),
    });
    expect(signedIn.status).toBe(200);
    expect(await signedIn.json()).toMatchObject({ user: { email, role: 'operator', officeId: null } });

    stack.child.kill('SIGTERM');
    await stack.waitForLine(/^stopped cleanly$/, 60_000);
    const stoppedAt = Date.now();
    expect(await stack.exited).toEqual({ code: 0, signal: null });
    expect(Date.now() - stoppedAt).toBeLessThan(10_000);
    expect(running(devServer)).toBe(false);
    expect(existsSync(join(env.DATA_DIR!, 'stack.pids.json'))).toBe(false);
  }, 360_000);

  it('after a kill -9, the next start stops the dev server left behind and runs its own; a live stack is not taken over', async () => {
    const env = await stackEnv();
    const first = track(spawnEntry('scripts/start.ts', env), env);
    await first.waitForLine(READY, READY_MS);
    const leftover = devServerOf(env.DATA_DIR!);
    left.pids.push(leftover);

    const beside = spawnEntry('scripts/start.ts', env);
    expect(await beside.exited).toEqual({ code: 1, signal: null });
    expect(beside.output()).toContain(`another npm start (pid ${first.child.pid}) is running on ${env.DATA_DIR}`);
    expect(running(leftover)).toBe(true);

    first.child.kill('SIGKILL');
    await first.exited;
    expect(running(leftover)).toBe(true);

    const second = track(spawnEntry('scripts/start.ts', env), env);
    await second.waitForLine(READY, READY_MS);
    const own = devServerOf(env.DATA_DIR!);
    left.pids.push(own);
    expect(second.output()).toContain(`stopping the Temporal dev server (pid ${leftover.pid}) left running`);
    expect(second.output()).not.toContain('address already in use');
    // The first account was printed by the first start only.
    expect(first.output()).toContain('an operator account was created');
    expect(second.output()).not.toContain('an operator account was created');
    expect(running(leftover)).toBe(false);
    expect(own.pid).not.toBe(leftover.pid);
    expect(running(own)).toBe(true);

    second.child.kill('SIGINT');
    expect(await second.exited).toEqual({ code: 0, signal: null });
    expect(running(own)).toBe(false);
  }, 600_000);

  it('a port taken by someone else is refused with its variable, before anything starts', async () => {
    const env = await stackEnv();
    const squatter = createServer();
    await new Promise<void>((resolve) => squatter.listen(Number(env.TEMPORAL_DEV_PORT), '127.0.0.1', resolve));
    try {
      const stack = track(spawnEntry('scripts/start.ts', env), env);
      expect(await stack.exited).toEqual({ code: 1, signal: null });
      expect(stack.output()).toContain(
        `port ${env.TEMPORAL_DEV_PORT} is in use (another Temporal server?): stop it or set TEMPORAL_DEV_PORT`,
      );
      expect(existsSync(join(env.DATA_DIR!, 'stack.pids.json'))).toBe(false);
    } finally {
      await new Promise((resolve) => squatter.close(resolve));
    }
  });
});
