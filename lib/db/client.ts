import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '../../prisma/generated/client.js';
import { EMBEDDED_POOL_MAX, isEmbeddedUrl } from './embedded.js';

// PrismaClient, the Prisma namespace, model types and enums (values too: MandateStatus.active).
export * from '../../prisma/generated/client.js';

export interface CreatePrismaOptions {
  /** Pool size; default 10. Always 1 against the embedded PGlite server (see embedded.ts). */
  maxConnections?: number;
}

export function createPrisma(url: string, opts: CreatePrismaOptions = {}): PrismaClient {
  const max = isEmbeddedUrl(url) ? EMBEDDED_POOL_MAX : (opts.maxConnections ?? 10);
  return new PrismaClient({ adapter: new PrismaPg({ connectionString: url, max }) });
}
