import { RateLimiterMemory, RateLimiterPostgres, RateLimiterRes } from 'rate-limiter-flexible';
import type { PrismaClient } from '../../lib/db/client.js';
import { prismaQueryClient } from './rate-limit.js';

/** Failed sign-ins allowed per window: per account (its e-mail, known or not) and per client address. */
export const SIGN_IN_LIMITS = { perAccount: 5, perAddress: 20, windowSeconds: 15 * 60 } as const;

export interface SignInThrottle {
  /** Seconds to wait before this account or address may try again; 0 when it may now. */
  wait(email: string, address: string): Promise<number>;
  /** Counts a failed attempt against both. */
  failed(email: string, address: string): Promise<void>;
  /** A successful sign-in clears the account's count (the address's stays). */
  succeeded(email: string): Promise<void>;
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
 */
export function createSignInThrottle(prisma: PrismaClient): SignInThrottle {
  const perAccount = limiter(prisma, 'sign-in-account', SIGN_IN_LIMITS.perAccount);
  const perAddress = limiter(prisma, 'sign-in-address', SIGN_IN_LIMITS.perAddress);
  const blockedFor = async (l: RateLimiterPostgres, key: string, points: number) => {
    const res = await l.get(key);
    return res && res.consumedPoints >= points ? seconds(res.msBeforeNext) : 0;
  };
  const penalise = async (l: RateLimiterPostgres, key: string) => {
    try {
      await l.consume(key);
    } catch (refusal) {
      if (!(refusal instanceof RateLimiterRes)) throw refusal;
    }
  };
  return {
    async wait(email, address) {
      const [a, b] = await Promise.all([
        blockedFor(perAccount, email, SIGN_IN_LIMITS.perAccount),
        blockedFor(perAddress, address, SIGN_IN_LIMITS.perAddress),
      ]);
      return Math.max(a, b);
    },
    async failed(email, address) {
      await penalise(perAccount, email);
      await penalise(perAddress, address);
    },
    async succeeded(email) {
      await perAccount.delete(email);
    },
  };
}
