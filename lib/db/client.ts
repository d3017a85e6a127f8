import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaClient } from '../../prisma/generated/client.js';
import { EMBEDDED_POOL_MAX, isEmbeddedUrl } from './embedded.js';

// PrismaClient, the Prisma namespace, model types and enums (values too: MandateStatus.active).
export * from '../../prisma/generated/client.js';

export interface CreatePrismaOptions {
  /** Pool size; default 10. Always 1 against the embedded PGlite server (see embedded.ts). */
  maxConnections?: number;
}

/**
 * Against the embedded database every transaction waits for its one connection: under load it
 * queues behind others for seconds, and Prisma's defaults (2 s to start, 5 s to run) gave up, a
 * 500 for a plain registration ('Unable to start a transaction in the given time'). The same
 * patience as the event transactions (lib/events/record.ts EVENT_TX), for all of them there.
 */
const EMBEDDED_TRANSACTIONS = { maxWait: 30_000, timeout: 30_000 } as const;

const pools = new WeakMap<PrismaClient, pg.Pool>();

export function createPrisma(url: string, opts: CreatePrismaOptions = {}): PrismaClient {
  const embedded = isEmbeddedUrl(url);
  const max = embedded ? EMBEDDED_POOL_MAX : (opts.maxConnections ?? 10);
  const pool = new pg.Pool({ connectionString: url, max });
  // An idle connection the server dropped: the pool discards it and the next query opens another.
  pool.on('error', () => undefined);
  const prisma = new PrismaClient({
    adapter: new PrismaPg(pool, { disposeExternalPool: true }),
    ...(embedded ? { transactionOptions: EMBEDDED_TRANSACTIONS } : {}),
  });
  pools.set(prisma, pool);
  return prisma;
}

/**
 * The `pg` pool under a client made by createPrisma (the same connections, the same limit: one
 * against the embedded database). For hot reads whose SQL is already written out (lib/db/sql-read.ts):
 * they skip Prisma's query pipeline and result mapping.
 */
export function poolOf(prisma: PrismaClient): pg.Pool {
  const pool = pools.get(prisma);
  if (!pool) throw new Error('poolOf: this PrismaClient was not made by createPrisma');
  return pool;
}
