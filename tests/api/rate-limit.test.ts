import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRateLimiter } from '../../api/http/rate-limit.js';
import type { PrismaClient } from '../../lib/db/client.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';

// The rate limit (api/http/rate-limit.ts) against the real rate_limits table: two limiters on one
// database stand for two API processes. Each counts its round trips to the table.
let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db?.stop();
});

function process_(perMinute: number) {
  const counted = { roundTrips: 0 };
  const prisma = new Proxy(db.prisma, {
    get(target, name, receiver) {
      if (name === '$queryRawUnsafe')
        return (...args: unknown[]) => {
          counted.roundTrips++;
          return (target.$queryRawUnsafe as (...a: unknown[]) => unknown)(...args);
        };
      return Reflect.get(target, name, receiver) as unknown;
    },
  }) as PrismaClient;
  return { limiter: createRateLimiter(prisma, perMinute), counted };
}

describe('rate limit', () => {
  it('admits a busy key from memory in blocks: far fewer round trips than requests', async () => {
    const { limiter, counted } = process_(100_000);
    const waits = [];
    for (let round = 0; round < 20; round++)
      waits.push(...(await Promise.all(Array.from({ length: 50 }, () => limiter.take('busy-key')))));
    expect(waits).toHaveLength(1_000);
    expect(waits.every((wait) => wait === 0)).toBe(true);
    expect(counted.roundTrips).toBeLessThan(100);
  });

  it('never admits more than the limit between two processes, however the requests interleave', async () => {
    const [a, b] = [process_(200), process_(200)];
    const waits = await Promise.all(
      Array.from({ length: 300 }, (_, i) => (i % 3 === 0 ? a : b).limiter.take('shared-key')),
    );
    expect(waits.filter((wait) => wait === 0).length).toBeLessThanOrEqual(200);
    // What one process may still hold unused when the other is refused: at most an eighth of the window.
    expect(waits.filter((wait) => wait === 0).length).toBeGreaterThanOrEqual(200 - 200 / 8);
    const refused = waits.filter((wait) => wait > 0);
    expect(refused.length).toBeGreaterThanOrEqual(100);
    for (const wait of refused) expect(wait).toBeGreaterThanOrEqual(1);
    expect(await a.limiter.take('shared-key')).toBeGreaterThanOrEqual(1);
  });

  it('counts a small limit exactly, one point at a time, whichever process answers', async () => {
    const [a, b] = [process_(10), process_(10)];
    const waits: number[] = [];
    for (let i = 0; i < 12; i++) waits.push(await (i % 2 === 0 ? a : b).limiter.take('small-key'));
    expect(waits.slice(0, 10)).toEqual(Array<number>(10).fill(0));
    expect(waits.slice(10).every((wait) => wait >= 1)).toBe(true);
  });
});
