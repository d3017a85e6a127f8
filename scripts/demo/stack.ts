/**
 * The demo's own stack when no API is given: `npm start` (scripts/start.ts: embedded PostgreSQL,
 * Temporal dev server, worker, API) as a child process, on a temporary data dir and free ports,
 * with short schedules. Its output goes to a log file; its first-start operator key is read from it.
 * Stopped with SIGTERM (npm start stops everything it started), SIGKILL after a grace period.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { freePort, repoRoot } from '../chaos/processes.js';
import { commandOf } from '../start/pid-file.js';

/**
 * Short schedules: each timed step of the journeys comes seconds apart, so a whole walk takes
 * about a minute after the stack is up. Consents are created 45 s from their deadline.
 */
export const DEMO_SCHEDULES = {
  MANDATE_REMINDERS: '10s,20s,30s',
  MANDATE_STALLED_AFTER: '40s',
  MANDATE_BANK_LINK_ISSUE_AFTER: '10s',
  CARO_REMINDERS: '10s,20s,30s',
  CARO_EXPIRY: '40s',
  CONSENT_REMINDERS_BEFORE: '30s,15s',
} as const;
export const DEMO_CONSENT_DEADLINE_MS = 45_000;
const SWITCHES = ['DATABASE_URL', 'TEMPORAL_ADDRESS'];
const OLDER_SCHEDULE_NAMES = [
  'CONSENT_REMINDER_DAYS',
  'MANDATE_REMINDER_DAYS',
  'MANDATE_STALLED_AFTER_DAYS',
  'MANDATE_BANK_LINK_ISSUE_DAYS',
  'CARO_REMINDER_DAYS',
  'CARO_EXPIRY_DAYS',
];

export interface OwnStack {
  apiUrl: string;
  /** The operator key npm start created; known once `ready` resolved. */
  key: string;
  /** Until npm start says ready (with its key); rejects when it exits first or takes too long. */
  ready(): Promise<void>;
  logFile: string;
  /** SIGTERM, then SIGKILL after `graceMs`; removes the data dir unless `keep`. */
  stop(opts?: { keep?: boolean }): Promise<void>;
  /** Synchronous last resort (the demo itself is exiting). */
  killNow(): void;
}

const READY_TIMEOUT_MS = 120_000;
const STOP_GRACE_MS = 40_000;

/** Spawns the stack; `ready()` waits for it. Stop it whatever happens (also before it is ready). */
export async function launchOwnStack(
  log: (line: string) => void,
  /** The schedule settings; a test gives none to see what the demo says of a stack with the default ones. */
  schedules: Record<string, string> = DEMO_SCHEDULES,
): Promise<OwnStack> {
  const dir = await mkdtemp(join(tmpdir(), 'bankfeed-demo-'));
  const logFile = join(dir, 'stack.log');
  const dataDir = join(dir, 'data');
  const [port, dbPort, temporalPort, uiPort] = [await freePort(), await freePort(), await freePort(), await freePort()];
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...schedules,
    DATA_DIR: dataDir,
    PORT: String(port),
    HOST: '127.0.0.1',
    EMBEDDED_DB_PORT: String(dbPort),
    TEMPORAL_DEV_PORT: String(temporalPort),
    TEMPORAL_UI_PORT: String(uiPort),
    PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
    // The walk polls a dozen cases every second with one key.
    RATE_LIMIT_PER_MINUTE: '100000',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
  };
  // Only the demo's own settings: a DATABASE_URL or TEMPORAL_ADDRESS of the shell would switch the embedded parts off.
  // and the older whole-day names of the schedules would clash with the short ones.
  for (const name of [...SWITCHES, ...OLDER_SCHEDULE_NAMES]) delete env[name];
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], {
    cwd: repoRoot,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const out = createWriteStream(logFile);
  let output = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let running = true;
  void exited.then(() => (running = false));
  for (const stream of [child.stdout, child.stderr]) {
    stream?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      out.write(chunk);
    });
  }
  const signal = (name: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, name);
    } catch {
      // gone
    }
  };
  const stack: OwnStack = {
    apiUrl: `http://127.0.0.1:${port}`,
    key: '',
    logFile,
    async stop(opts = {}) {
      if (running) {
        signal('SIGTERM');
        if (await Promise.race([exited.then(() => false), delay(STOP_GRACE_MS).then(() => true)])) {
          log(`the stack did not stop within ${STOP_GRACE_MS / 1000}s: SIGKILL`);
          signal('SIGKILL');
          await exited;
        }
      }
      out.end();
      if (!opts.keep) await rm(dir, { recursive: true, force: true });
    },
    killNow() {
      if (!running) return;
      signal('SIGKILL');
      // npm start's Temporal dev server runs in a group of its own: the pid file names it.
      try {
        const recorded = JSON.parse(readFileSync(join(dataDir, 'stack.pids.json'), 'utf8')) as {
          children?: { pid: number; command: string[]; group?: boolean }[];
        };
        for (const c of recorded.children ?? [])
          if (commandOf(c.pid)?.join('\0') === c.command.join('\0')) process.kill(c.group ? -c.pid : c.pid, 'SIGKILL');
      } catch {
        // no pid file (not started that far), or gone already
      }
    },
    async ready() {
      const deadline = Date.now() + READY_TIMEOUT_MS;
      for (;;) {
        const key = /^\s+(bfk_\S+)\s*$/m.exec(output)?.[1];
        if (key && /\] ready$/m.test(output)) {
          stack.key = key;
          return;
        }
        if (!running || Date.now() > deadline)
          throw new Error(
            `the stack ${running ? `was not ready within ${READY_TIMEOUT_MS / 1000}s` : 'exited'}; its log: ${logFile}`,
          );
        await delay(200);
      }
    },
  };
  log(`starting a stack (npm start) on port ${port}; log: ${logFile}`);
  return stack;
}
