/**
 * The workflow bundle, built once per change of the code instead of at every worker start (Temporal's
 * webpack bundling costs seconds of CPU: `npm start`, a restarted worker, the demo and the tests each
 * paid it). The bundle is cached under node_modules/.cache/bankfeed-workflows, keyed by every source a
 * bundle can hold (workflows/, and lib/ and activities/ to be safe) and the installed packages. Where the
 * cache cannot be written (a read-only image), the worker bundles in memory as before.
 */
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';

const ext = extname(fileURLToPath(import.meta.url));
/** The repository's root (or dist/ once compiled): workers/ is one level down. */
const root = fileURLToPath(new URL('..', import.meta.url));

/** `workflows/index.ts` under tsx, `dist/workflows/index.js` once compiled. */
export const workflowsPath = join(root, 'workflows', `index${ext}`);

/**
 * Bundled with the workflows when the process traces: their tracing interceptors
 * (workflows/tracing-interceptors.ts). Without tracing they are left out: they made each new workflow
 * load OpenTelemetry in the sandbox and make spans nobody keeps: one worker ran about 38 first workflow
 * tasks a second with them, 55–61 without (README, Traces). They add no command to a history, so a workflow
 * replays the same with or without them.
 */
export const workflowInterceptorModules = [join(root, 'workflows', `tracing-interceptors${ext}`)];

/** The bundle with the tracing interceptors, or without. */
export type BundleVariant = 'traced' | 'untraced';

/** The folders whose sources can end up in the bundle. */
const SOURCES = ['workflows', 'lib', 'activities'];

async function sourceFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((e) => e.isFile() && /\.(ts|js|mjs|cjs|json)$/.test(e.name))
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

/** What the bundle depends on: the sources, the installed packages, and the interceptors bundled in. */
async function bundleKey(variant: BundleVariant): Promise<string> {
  const hash = createHash('sha256');
  // The installed packages: the repository's lock file (tsx), or the one beside dist/ (compiled).
  hash.update(await readFile(join(root, ext === '.ts' ? '' : '..', 'package-lock.json')).catch(() => Buffer.alloc(0)));
  if (variant === 'traced') hash.update(workflowInterceptorModules.join('\n'));
  for (const dir of SOURCES)
    for (const file of await sourceFiles(join(root, dir)).catch(() => [])) {
      hash.update(`${file}\n`);
      hash.update(await readFile(file));
    }
  return hash.digest('hex').slice(0, 16);
}

const build = (variant: BundleVariant) =>
  bundleWorkflowCode({
    workflowsPath,
    workflowInterceptorModules: variant === 'traced' ? workflowInterceptorModules : [],
    logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} },
  });

/** Under the project's node_modules: the repository's (tsx), or the one beside dist/ (compiled). */
export const BUNDLE_CACHE_DIR = join(root, ext === '.ts' ? '' : '..', 'node_modules', '.cache', 'bankfeed-workflows');

/**
 * The bundle of this code, with the tracing interceptors or without (`traced` by default): read from the
 * cache, or built (and cached for the next start). `log` hears which, for a start's progress lines.
 */
export async function workflowBundle(
  log: (line: string) => void = () => undefined,
  variant: BundleVariant = 'traced',
): Promise<WorkflowBundleWithSourceMap> {
  const key = await bundleKey(variant);
  const prefix = `workflows-${variant}-`;
  const file = join(BUNDLE_CACHE_DIR, `${prefix}${key}.js`);
  try {
    const [code, sourceMap] = await Promise.all([readFile(file, 'utf8'), readFile(`${file}.map`, 'utf8')]);
    log(`workflow bundle ${key} (${variant}): from the cache`);
    return { code, sourceMap };
  } catch {
    // Not built for this code yet.
  }
  const started = performance.now();
  const bundle = await build(variant);
  log(`workflow bundle ${key} (${variant}): built in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  try {
    await mkdir(dirname(file), { recursive: true });
    // Processes starting at once: each writes its own temporary files, the last rename wins (the same content).
    const tmp = `${file}.${process.pid}.tmp`;
    await writeFile(`${tmp}.map`, bundle.sourceMap);
    await writeFile(tmp, bundle.code);
    await rename(`${tmp}.map`, `${file}.map`);
    await rename(tmp, file);
    for (const old of await readdir(BUNDLE_CACHE_DIR))
      if (old.startsWith(prefix) && !old.startsWith(`${prefix}${key}.`))
        await rm(join(BUNDLE_CACHE_DIR, old), { force: true });
  } catch {
    // A read-only install: the bundle serves this process only.
  }
  return bundle;
}
