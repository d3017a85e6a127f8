/**
 * `<DATA_DIR>/stack.pids.json`: the `npm start` process of a data dir and the processes it spawned
 * (the Temporal dev server runs in its own session, so a kill -9 of `npm start` leaves it running).
 * The next start stops what a crashed run left, and refuses to run beside a live one.
 */
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { z } from 'zod';

const recordedProcess = z.object({
  name: z.string(),
  pid: z.number().int().positive(),
  /** Its argv as /proc shows it: a pid reused by another program is never signalled. */
  command: z.array(z.string()).min(1),
  /** Leads its own process group (spawned detached): signals go to the whole group. */
  group: z.boolean().optional(),
});
export type RecordedProcess = z.infer<typeof recordedProcess>;
const contentSchema = z.object({ owner: recordedProcess, children: z.array(recordedProcess) });
type Content = z.infer<typeof contentSchema>;

export interface StackPidFile {
  path: string;
  /** Records a spawned child right away, before it is ready, so a crash at any moment leaves it findable. */
  add(child: RecordedProcess): void;
  /** Removes the file: everything it named is stopped. */
  release(): void;
}

const GRACE_MS = 10_000;

/** The argv of a live process; undefined when it is gone (a zombie has none) or there is no /proc to ask. */
export function commandOf(pid: number): string[] | undefined {
  try {
    const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').slice(0, -1);
    return argv.length > 0 ? argv : undefined;
  } catch {
    return undefined;
  }
}

const isRunning = (p: RecordedProcess): boolean => commandOf(p.pid)?.join('\0') === p.command.join('\0');

function signal(p: RecordedProcess, name: NodeJS.Signals): void {
  try {
    process.kill(p.group ? -p.pid : p.pid, name);
  } catch {
    // gone meanwhile
  }
}

async function goneWithin(p: RecordedProcess, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (isRunning(p)) {
    if (Date.now() >= deadline) return false;
    await delay(100);
  }
  return true;
}

/** SIGTERM, then SIGKILL after the grace period; throws if it still runs. */
export async function stopRecorded(p: RecordedProcess, graceMs = GRACE_MS): Promise<void> {
  if (!isRunning(p)) return;
  signal(p, 'SIGTERM');
  if (await goneWithin(p, graceMs)) return;
  signal(p, 'SIGKILL');
  if (!(await goneWithin(p, 5_000))) throw new Error(`${p.name} (pid ${p.pid}) does not stop, even on SIGKILL`);
}

function read(path: string): Content | undefined {
  try {
    return contentSchema.parse(JSON.parse(readFileSync(path, 'utf8')));
  } catch {
    return undefined; // none, or not ours to trust
  }
}

function write(path: string, content: Content): void {
  writeFileSync(`${path}.tmp`, JSON.stringify(content, null, 2));
  renameSync(`${path}.tmp`, path);
}

/**
 * Takes the data dir for this process: refuses while the `npm start` recorded there still runs,
 * stops the children a crashed one left (`log` says which), then records this process as the owner.
 */
export async function claimDataDir(dataDir: string, log: (message: string) => void): Promise<StackPidFile> {
  const path = join(dataDir, 'stack.pids.json');
  const previous = read(path);
  if (previous && previous.owner.pid !== process.pid && isRunning(previous.owner)) {
    throw new Error(
      `another npm start (pid ${previous.owner.pid}) is running on ${dataDir}: stop it first, or set DATA_DIR to another folder`,
    );
  }
  for (const child of previous?.children ?? []) {
    if (!isRunning(child)) continue;
    log(`stopping the ${child.name} (pid ${child.pid}) left running by a previous npm start`);
    await stopRecorded(child);
  }
  const content: Content = {
    owner: { name: 'npm start', pid: process.pid, command: commandOf(process.pid) ?? process.argv },
    children: [],
  };
  mkdirSync(dataDir, { recursive: true });
  write(path, content);
  return {
    path,
    add(child) {
      content.children.push(child);
      write(path, content);
    },
    release: () => rmSync(path, { force: true }),
  };
}
