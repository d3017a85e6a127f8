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

/** Bundled with the workflows: their tracing interceptors (workflows/tracing-interceptors.ts). */
export const workflowInterceptorModules = [join(root, 'workflows', `tracing-interceptors${ext}`)];

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
async function bundleKey(): Promise<string> {
  const hash = createHash('sha256');
  // The installed packages: the repository's lock file (tsx), or the one beside dist/ (compiled).
  hash.update(await readFile(join(root, ext === '.ts' ? '' : '..', 'package-lock.json')).catch(() => Buffer.alloc(0)));
  hash.update(workflowInterceptorModules.join('\n'));
  for (const dir of SOURCES)
    for (const file of await sourceFiles(join(root, dir)).catch(() => [])) {
      hash.update(`${file}\n`);
      hash.update(await readFile(file));
    }
  return hash.digest('hex').slice(0, 16);
}

const build = () =>
  bundleWorkflowCode({
    workflowsPath,
    workflowInterceptorModules,
    logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} },
  });

/** Under the project's node_modules: the repository's (tsx), or the one beside dist/ (compiled). */
export const BUNDLE_CACHE_DIR = join(root, ext === '.ts' ? '' : '..', 'node_modules', '.cache', 'bankfeed-workflows');

/**
 * The bundle of this code: read from the cache, or built (and cached for the next start). `log` hears
 * which, for a start's progress lines.
 */
export async function workflowBundle(
  log: (line: string) => void = () => undefined,
): Promise<WorkflowBundleWithSourceMap> {
  const key = await bundleKey();
  const file = join(BUNDLE_CACHE_DIR, `workflows-${key}.js`);
  try {
    const [code, sourceMap] = await Promise.all([readFile(file, 'utf8'), readFile(`${file}.map`, 'utf8')]);
    log(`workflow bundle ${key}: from the cache`);
    return { code, sourceMap };
  } catch {
    // Not built for this code yet.
  }
  const started = performance.now();
  const bundle = await build();
  log(`workflow bundle ${key}: built in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  try {
    await mkdir(dirname(file), { recursive: true });
    // Processes starting at once: each writes its own temporary files, the last rename wins (the same content).
    const tmp = `${file}.${process.pid}.tmp`;
    await writeFile(`${tmp}.map`, bundle.sourceMap);
    await writeFile(tmp, bundle.code);
    await rename(`${tmp}.map`, `${file}.map`);
    await rename(tmp, file);
    for (const old of await readdir(BUNDLE_CACHE_DIR))
      if (old.startsWith('workflows-') && !old.startsWith(`workflows-${key}.`))
        await rm(join(BUNDLE_CACHE_DIR, old), { force: true });
  } catch {
    // A read-only install: the bundle serves this process only.
  }
  return bundle;
}
