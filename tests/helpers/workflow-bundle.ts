/**
 * The product's workflow bundle for the tests. Bundling takes about 3 s of CPU, and some 20 test files
 * run a worker: tests/global-setup.ts builds it once per run into a file named by TEST_WORKFLOW_BUNDLE
 * (the forks inherit it); a file run on its own without that variable builds its own, once.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { workflowInterceptorModules, workflowsPath } from '../../workers/create-worker.js';

export const buildProductBundle = () =>
  bundleWorkflowCode({
    workflowsPath,
    workflowInterceptorModules,
    logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} },
  });

/** Writes the bundle where `productBundle` reads it: `<path>` (code) and `<path>.map`. */
export async function writeProductBundle(path: string): Promise<void> {
  const { code, sourceMap } = await buildProductBundle();
  await Promise.all([writeFile(path, code), writeFile(`${path}.map`, sourceMap)]);
}

let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;
/** The product's workflow bundle: the run's shared one, or built once per test file. */
export const productBundle = () => {
  const path = process.env.TEST_WORKFLOW_BUNDLE;
  return (bundle ??= path
    ? Promise.all([readFile(path, 'utf8'), readFile(`${path}.map`, 'utf8')]).then(([code, sourceMap]) => ({
        code,
        sourceMap,
      }))
    : buildProductBundle());
};
