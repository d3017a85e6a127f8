import type { Logger } from '../lib/logger.js';
import type { PrismaClient } from '../prisma/generated/client.js';

/** Everything activities need from the outside world, injected so tests can pass real or fake clients. */
export interface ActivityDeps {
  prisma: PrismaClient;
  logger: Logger;
}
