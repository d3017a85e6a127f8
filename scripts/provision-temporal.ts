/** `npx tsx scripts/provision-temporal.ts`: installs (once) and prints the Temporal binaries the project uses. */
import { provisionTemporalBinaries } from '../lib/temporal-binaries.js';

try {
  const { cli, testServer } = await provisionTemporalBinaries();
  console.log(`temporal:             ${cli}`);
  console.log(`temporal-test-server: ${testServer}`);
} catch (err) {
  console.error(`provision-temporal: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
}
