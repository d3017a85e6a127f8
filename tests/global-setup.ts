/**
 * Vitest globalSetup: makes sure the Temporal server binaries, the console's build and the workflow bundle
 * exist before any test file runs.
 * The resolved paths go into process.env, which the test forks inherit: vitest 4 spawns them after
 * globalSetup (checked with 4.1), and the helpers' resolve*() read TEMPORAL_*_PATH first.
 */
import { provisionTemporalBinaries } from '../lib/temporal-binaries.js';
import { ensureConsoleBuilt } from '../scripts/console/build.js';
import { workflowBundle } from '../workers/workflow-bundle.js';

export default async function setup(): Promise<void> {
  // The browser tests load the console from console/dist: built here once when missing or stale.
  await ensureConsoleBuilt((line) => console.log(`[console] ${line}`));
  try {
    const { cli, testServer } = await provisionTemporalBinaries({ log: (line) => console.log(`[temporal] ${line}`) });
    process.env.TEMPORAL_CLI_PATH = cli;
    process.env.TEMPORAL_TEST_SERVER_PATH = testServer;
  } catch (err) {
    // Without local binaries the helpers pass no executable and the SDK downloads its own
    // servers: that works on a machine with internet and fails with the SDK's message offline.
    const reason = err instanceof Error ? err.message : String(err);
    console.warn(`[temporal] ${reason}\n[temporal] Falling back to the Temporal SDK's own server download.`);
  }
  // The workflow bundles, built here when the code changed, so the test files (and the processes they
  // start) read them from the cache instead of each bundling the same code: with the tracing
  // interceptors (the tests' own workers) and without (a worker process without OTEL_* settings).
  const log = (line: string) => console.log(`[worker] ${line}`);
  await Promise.all([workflowBundle(log, 'traced'), workflowBundle(log, 'untraced')]);
}
