/**
 * Vitest globalSetup: makes sure the Temporal server binaries and the console's build exist before any test file runs.
 * The resolved paths go into process.env, which the test forks inherit: vitest 4 spawns them after
 * globalSetup (checked with 4.1), and the helpers' resolve*() read TEMPORAL_*_PATH first.
 */
import { provisionTemporalBinaries } from '../lib/temporal-binaries.js';
import { ensureConsoleBuilt } from '../scripts/console/build.js';

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
}
