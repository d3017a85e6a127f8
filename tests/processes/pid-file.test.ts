import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { claimDataDir, commandOf, stopRecorded, type RecordedProcess } from '../../scripts/start/pid-file.js';

let dataDir: string;
const children: ChildProcess[] = [];
beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'pid-file-'));
});
afterEach(async () => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
  await rm(dataDir, { recursive: true, force: true });
});

/** A live process in its own group, as the dev server runs. */
function spawnDetached(command: string, args: string[]): RecordedProcess {
  const child = spawn(command, args, { detached: true, stdio: 'ignore' });
  children.push(child);
  return { name: 'sleeper', pid: child.pid!, command: [command, ...args], group: true };
}
async function deadPid(): Promise<number> {
  const child = spawn('true');
  await new Promise((resolve) => child.once('exit', resolve));
  return child.pid!;
}
const recordPrevious = (owner: RecordedProcess, children: RecordedProcess[]) =>
  writeFileSync(join(dataDir, 'stack.pids.json'), JSON.stringify({ owner, children }));
const alive = (p: RecordedProcess) => commandOf(p.pid) !== undefined;

describe('the pid file of npm start', () => {
  it('stops what a crashed run left, then records this process as the owner', async () => {
    const leftover = spawnDetached('sleep', ['300']);
    recordPrevious({ name: 'npm start', pid: await deadPid(), command: ['node', 'scripts/start.ts'] }, [leftover]);
    const log: string[] = [];

    const pidFile = await claimDataDir(dataDir, (line) => log.push(line));

    expect(alive(leftover)).toBe(false);
    expect(log).toEqual([`stopping the sleeper (pid ${leftover.pid}) left running by a previous npm start`]);
    expect(JSON.parse(readFileSync(pidFile.path, 'utf8'))).toMatchObject({
      owner: { pid: process.pid, command: commandOf(process.pid) },
      children: [],
    });
    pidFile.add({ name: 'Temporal dev server', pid: 4242, command: ['temporal'], group: true });
    expect(JSON.parse(readFileSync(pidFile.path, 'utf8')).children).toEqual([
      { name: 'Temporal dev server', pid: 4242, command: ['temporal'], group: true },
    ]);
    pidFile.release();
    expect(existsSync(pidFile.path)).toBe(false);
  });

  it('leaves alone a pid that now runs another program', async () => {
    const other = spawnDetached('sleep', ['301']);
    recordPrevious({ name: 'npm start', pid: await deadPid(), command: ['node'] }, [
      { ...other, command: ['temporal', 'server', 'start-dev'] },
    ]);
    await claimDataDir(dataDir, () => {});
    expect(alive(other)).toBe(true);
  });

  it('refuses while the recorded npm start still runs, and touches nothing', async () => {
    const owner = spawnDetached('sleep', ['302']);
    const child = spawnDetached('sleep', ['303']);
    recordPrevious(owner, [child]);
    await expect(claimDataDir(dataDir, () => {})).rejects.toThrow(
      `another npm start (pid ${owner.pid}) is running on ${dataDir}: stop it first, or set DATA_DIR to another folder`,
    );
    expect(alive(child)).toBe(true);
  });

  it('SIGKILLs a process that ignores SIGTERM once the grace period is over', async () => {
    const stubborn = spawnDetached('sh', ['-c', 'trap "" TERM; sleep 304']);
    await stopRecorded(stubborn, 300);
    expect(alive(stubborn)).toBe(false);
  });
});
