/**
 * The product's workflow bundle for the tests: the worker's own cached bundle (workers/workflow-bundle.ts),
 * which tests/global-setup.ts builds once per change of the code before any file runs; read once per file.
 */
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { workflowBundle } from '../../workers/workflow-bundle.js';

let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;
export const productBundle = () => (bundle ??= workflowBundle());
