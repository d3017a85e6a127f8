/**
 * Builds the console (console/ → console/dist) with Vite when the build is missing or stale: the
 * build records a hash of its sources (console/index.html, vite.config.ts, tsconfig.json, src/**,
 * and package-lock.json for the dependencies' versions); a different hash builds again.
 * Used by `npm start`, the tests' global setup and `npm run console:build`.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
export const consoleDir = join(root, 'console');
export const consoleDistDir = join(consoleDir, 'dist');
const HASH_FILE = '.source-hash';

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => (entry.isDirectory() ? filesUnder(join(dir, entry.name)) : [join(dir, entry.name)]))
    .sort();
}

/** One hash over the console's sources and the locked dependency versions. */
export function consoleSourceHash(): string {
  const hash = createHash('sha256');
  const files = [
    ...['index.html', 'vite.config.ts', 'tsconfig.json'].map((name) => join(consoleDir, name)),
    ...filesUnder(join(consoleDir, 'src')),
    join(root, 'package-lock.json'),
  ];
  for (const file of files) hash.update(relative(root, file)).update('\0').update(readFileSync(file)).update('\0');
  return hash.digest('hex');
}

const builtHash = (): string | undefined => {
  const file = join(consoleDistDir, HASH_FILE);
  return existsSync(file) && existsSync(join(consoleDistDir, 'index.html')) ? readFileSync(file, 'utf8') : undefined;
};

export type ConsoleBuild = 'fresh' | 'built';

/** Builds into a fresh folder and swaps it in, so a server reading console/dist never sees half a build. */
export async function ensureConsoleBuilt(log: (line: string) => void = () => {}): Promise<ConsoleBuild> {
  const hash = consoleSourceHash();
  const current = builtHash();
  if (current === hash) return 'fresh';
  log(current === undefined ? 'console: no build yet, building it…' : 'console: sources changed, building it again…');
  const started = Date.now();
  const { build } = await import('vite');
  const staging = join(consoleDir, `.dist-${process.pid}`);
  // React's production build and JSX runtime, also when the caller runs with NODE_ENV=test (vitest's
  // global setup): Vite and its React plugin read NODE_ENV while they configure themselves.
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({
      configFile: join(consoleDir, 'vite.config.ts'),
      mode: 'production',
      logLevel: 'warn',
      build: { outDir: staging, emptyOutDir: true },
    });
  } finally {
    if (nodeEnv === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = nodeEnv;
  }
  writeFileSync(join(staging, HASH_FILE), hash);
  rmSync(consoleDistDir, { recursive: true, force: true });
  renameSync(staging, consoleDistDir);
  log(`console: built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return 'built';
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const outcome = await ensureConsoleBuilt((line) => process.stdout.write(`${line}\n`));
  if (outcome === 'fresh') process.stdout.write(`console: ${relative(root, consoleDistDir)} is up to date\n`);
}
