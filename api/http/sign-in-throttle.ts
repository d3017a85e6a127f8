import { RateLimiterMemory, RateLimiterPostgres, RateLimiterRes } from 'rate-limiter-flexible';
import type { PrismaClient } from '../../lib/db/client.js';
import { prismaQueryClient } from './rate-limit.js';

/** Failed sign-ins allowed per window: per account (its e-mail, known or not) and per client address. */
export const SIGN_IN_LIMITS = { perAccount: 5, perAddress: 20, windowSeconds: 15 * 60 } as const;

export interface SignInThrottle {
  /**
   * Counts an attempt against the account and the address before its password is checked (so that
   * attempts sent in parallel are counted too): the seconds to wait when either is used up, else 0.
   */
  attempt(account: string, address: string): Promise<number>;
  /** A successful sign-in does not count: the address's attempt is given back, the account's count cleared. */
  succeeded(account: string, address: string): Promise<void>;
}

function limiter(prisma: PrismaClient, keyPrefix: string, points: number) {
  return new RateLimiterPostgres({
    storeClient: prismaQueryClient(prisma),
    storeType: 'client',
    tableName: 'rate_limits',
    tableCreated: true,
    clearExpiredByTimeout: false,
    keyPrefix,
    points,
    duration: SIGN_IN_LIMITS.windowSeconds,
    insuranceLimiter: new RateLimiterMemory({ points, duration: SIGN_IN_LIMITS.windowSeconds }),
  });
}

const seconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));

/**
 * Failed sign-ins counted with rate-limiter-flexible in the `rate_limits` table (shared by every API
 * process, like the API keys' limit): past 5 failures for one account or 20 from one address within
 * 15 minutes, sign-ins are refused (429 + Retry-After) until the window ends, right password or not.
 * Each attempt is counted before its scrypt check and given back when it succeeds.
 */
export function createSignInThrottle(prisma: PrismaClient): SignInThrottle {
  const perAccount = limiter(prisma, 'sign-in-account', SIGN_IN_LIMITS.perAccount);
  const perAddress = limiter(prisma, 'sign-in-address', SIGN_IN_LIMITS.perAddress);
  const take = async (l: RateLimiterPostgres, key: string) => {
    try {
      await l.consume(key);
      return 0;
    } catch (refusal) {
      if (refusal instanceof RateLimiterRes) return seconds(refusal.msBeforeNext);
      throw refusal;
    }
  };
  return {
    async attempt(account, address) {
      // The address first: one that is used up adds no row for the addresses it tries (at most 20
      // new account rows per address and window).
      const wait = await take(perAddress, address);
      return wait > 0 ? wait : take(perAccount, account);
    },
    async succeeded(account, address) {
      await perAccount.delete(account);
      await perAddress.reward(address, 1);
    },
  };
}
