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

/** What a process holds of one key's window: points reserved in the table and not yet used. */
interface Allowance {
  granted: number;
  /** When the window of the granted points ends (ms since the epoch). */
  until: number;
  /** The window's points all went, to this process or others: refused until `until`. */
  spent: boolean;
  /** What the table said was left after the last reservation. */
  left: number;
  /** Requests answered from this allowance since the last reservation was sent, and those waiting for one. */
  used: number;
  waiting: number;
  /** The last reservation's size and when it was sent (ms since the epoch). */
  block: number;
  reservedAt: number;
  reserving?: Promise<void>;
}

/** A reservation takes at most this share of what is left, so a process never sits on much of a window. */
const SHARE = 8;

/**
 * `perMinute` requests per API key in each 60 s window, counted in the `rate_limits` table, so the
 * limit holds across every API process that shares the database. A process reserves points from the
 * table in blocks and answers from memory while it holds some: a block is about what the key used
 * since its last reservation (twice the last block when that was sent under a second ago), at most
 * an eighth of what was left, so with a busy key it is one round
 * trip per block rather than per request, and with few points left (or a small limit) it is one
 * point at a time, exact across processes. A process never admits more than it reserved; another
 * process may be refused while one still holds up to an eighth of what was left when it reserved.
 * A key that used up its window is refused from memory until the window ends. Should the database
 * fail, each process falls back to counting in memory rather than refusing or letting everything through.
 */
export function createRateLimiter(prisma: PrismaClient, perMinute: number): RateLimiter {
  const store = new RateLimiterPostgres({
    storeClient: prismaQueryClient(prisma),
    storeType: 'client',
    tableName: 'rate_limits',
    tableCreated: true, // by the migration
    clearExpiredByTimeout: false, // one row per key, reused window after window
    keyPrefix: 'api-key',
    points: perMinute,
    duration: WINDOW_SECONDS,
    insuranceLimiter: new RateLimiterMemory({ points: perMinute, duration: WINDOW_SECONDS }),
  });
  const allowances = new Map<string, Allowance>();

  async function reserve(key: string, a: Allowance): Promise<void> {
    // A key that reserved within the last second is busy: twice its last block, so a steady stream
    // costs a statement every few seconds rather than one every few requests (a write each).
    const busy = Date.now() - a.reservedAt < 1_000 ? a.block * 2 : 0;
    const want = Math.max(1, Math.min(Math.max(a.used, a.waiting, busy), Math.floor(a.left / SHARE)));
    a.block = want;
    a.reservedAt = Date.now();
    a.used = 0;
    let res: RateLimiterRes;
    try {
      res = await store.consume(key, want);
    } catch (refusal) {
      if (!(refusal instanceof RateLimiterRes)) throw refusal;
      res = refusal;
    }
    // Points the window still had before this reservation: all of `want`, part of it, or none.
    const got = Math.max(0, Math.min(want, perMinute - (res.consumedPoints - want)));
    if (Date.now() >= a.until) a.granted = 0; // a new window: what was held of the old one is gone
    a.granted += got;
    a.until = Date.now() + res.msBeforeNext;
    a.left = res.remainingPoints;
    a.spent = got < want || res.remainingPoints === 0;
  }

  const reserveOnce = (key: string, a: Allowance) =>
    (a.reserving ??= reserve(key, a).finally(() => {
      a.reserving = undefined;
    }));

  const waitOf = (a: Allowance) => Math.max(1, Math.ceil((a.until - Date.now()) / 1000));

  return {
    async take(key) {
      let a = allowances.get(key);
      if (!a) {
        if (allowances.size >= 10_000) allowances.clear();
        a = { granted: 0, until: 0, spent: false, left: perMinute, used: 0, waiting: 0, block: 0, reservedAt: 0 };
        allowances.set(key, a);
      }
      if (Date.now() >= a.until) Object.assign(a, { granted: 0, spent: false, left: perMinute });
      while (a.granted === 0) {
        if (a.spent && Date.now() < a.until) return waitOf(a);
        a.waiting++;
        try {
          await reserveOnce(key, a);
        } finally {
          a.waiting--;
        }
        if (a.granted === 0 && a.spent) return waitOf(a);
      }
      a.granted--;
      a.used++;
      // A busy key reserves its next block before this one runs out (never with few points left).
      if (a.granted * 2 < a.used && a.left >= 2 * SHARE && !a.spent) reserveOnce(key, a).catch(() => undefined);
      return 0;
    },
  };
}
