import type { Logger } from '../logger.js';
import { applyMigrations } from './migrate.js';

/** Start-up migration step shared by the api and worker entry points, with a log line either way. */
export async function migrate(url: string, logger: Logger): Promise<void> {
  const applied = await applyMigrations(url, undefined, (line) => logger.info(line));
  logger.info({ applied }, applied.length ? 'database migrations applied' : 'database schema is up to date');
}
