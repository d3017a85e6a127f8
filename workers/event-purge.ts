import type { PrismaClient } from '../lib/db/client.js';
import { purgeEvents } from '../lib/events/retention.js';
import type { Logger } from '../lib/logger.js';

const HOUR_MS = 3_600_000;

/**
 * Deletes the events past EVENTS_RETENTION_DAYS once at start and then every hour (GET /v1/events
 * already reads only the retained ones, so a purge late or missed hides nothing it should show).
 * Returns the stop function for shutdown.
 */
export function startEventPurge(prisma: PrismaClient, retentionDays: number, logger: Logger): () => void {
  const purge = () =>
    purgeEvents(prisma, retentionDays).then(
      (count) => {
        if (count > 0) logger.info({ count, retentionDays }, 'events past their retention deleted');
      },
      (error: unknown) => logger.warn({ err: error }, 'event purge failed: tried again within the hour'),
    );
  void purge();
  const timer = setInterval(() => void purge(), HOUR_MS);
  timer.unref();
  return () => clearInterval(timer);
}
