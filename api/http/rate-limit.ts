import { RateLimiterMemory, RateLimiterPostgres, RateLimiterRes } from 'rate-limiter-flexible';
import type { PrismaClient } from '../../lib/db/client.js';

/** Takes one request from an API key's allowance: 0 when allowed, else the seconds to wait. */
export interface RateLimiter {
  take(key: string): Promise<number>;
}

const WINDOW_SECONDS = 60;

/**
 * rate-limiter-flexible's PostgreSQL store speaks to a `pg`-like `query({ text, values })`. This
 * one runs its statements through the process's Prisma client, so they share its pool (one
 * connection against the embedded database, where a second connection would interleave
 * transactions). BIGINT columns come back as numbers, as `pg` gives them for this table.
 */
export const prismaQueryClient = (prisma: PrismaClient) => ({
  async query({ text, values }: { text: string; values?: unknown[] }) {
    const rows = await prisma.$queryRawUnsafe<Record<string, unknown>[]>(text, ...(values ?? []));
    const converted = rows.map((row) =>
      Object.fromEntries(Object.entries(row).map(([k, v]) => [k, typeof v === 'bigint' ? Number(v) : v])),
    );
    return { rows: converted, rowCount: converted.length };
  },
});

/**
 * `perMinute` requests per API key in each 60 s window, counted in the `rate_limits` table, so the
 * limit holds across every API process that shares the database. A key that used up its window is
 * refused from memory until the window ends (no database round trip). Should the database fail,
 * each process falls back to counting in memory rather than refusing or letting everything through.
 */
export function createRateLimiter(prisma: PrismaClient, perMinute: number): RateLimiter {
  const limiter = new RateLimiterPostgres({
    storeClient: prismaQueryClient(prisma),
    storeType: 'client',
    tableName: 'rate_limits',
    tableCreated: true, // by the migration
    clearExpiredByTimeout: false, // one row per key, reused window after window
    keyPrefix: 'api-key',
    points: perMinute,
    duration: WINDOW_SECONDS,
    inMemoryBlockOnConsumed: perMinute,
    inMemoryBlockDuration: WINDOW_SECONDS,
    insuranceLimiter: new RateLimiterMemory({ points: perMinute, duration: WINDOW_SECONDS }),
  });
  return {
    async take(key) {
      try {
        await limiter.consume(key);
        return 0;
      } catch (refusal) {
        if (refusal instanceof RateLimiterRes) return Math.max(1, Math.ceil(refusal.msBeforeNext / 1000));
        throw refusal;
      }
    },
  };
}
