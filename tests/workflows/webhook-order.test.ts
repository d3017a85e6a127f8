import { describe, expect, it } from 'vitest';
import type { PendingEvent } from '../../workflows/webhook-delivery/contract.js';
import { chainsByOrderKey, eachWithLimit, idleWaitMs } from '../../workflows/webhook-delivery/order.js';
import { loadWorkerEnv } from '../../workers/env.js';

// The delivery order of a batch (workflows/webhook-delivery/order.ts): one chain per case in feed
// order, chains side by side with a bound.
const event = (id: string, orderKey: string, cursor: number): PendingEvent => ({
  id,
  orderKey,
  cursor: String(cursor),
});

describe('chainsByOrderKey', () => {
  it('keeps each case’s events in feed order, one chain per case, cases in order of first appearance', () => {
    const batch = [
      event('a1', 'mandate:a', 1),
      event('b1', 'caro:b', 2),
      event('a2', 'mandate:a', 3),
      event('c1', 'client:c', 4),
      event('b2', 'caro:b', 5),
      event('a3', 'mandate:a', 6),
    ];
    expect(chainsByOrderKey(batch).map((chain) => chain.map((e) => e.id))).toEqual([
      ['a1', 'a2', 'a3'],
      ['b1', 'b2'],
      ['c1'],
    ]);
    expect(chainsByOrderKey([])).toEqual([]);
  });
});

describe('eachWithLimit', () => {
  it('runs every item, never more than the limit at once', async () => {
    let running = 0;
    let most = 0;
    const done: number[] = [];
    await eachWithLimit([1, 2, 3, 4, 5, 6, 7], 3, async (n) => {
      running++;
      most = Math.max(most, running);
      await new Promise((resolve) => setImmediate(resolve));
      done.push(n);
      running--;
    });
    expect(done.sort()).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(most).toBe(3);
  });
});

describe('idleWaitMs', () => {
  it('doubles the wait from WEBHOOK_POLL_MS while the feed has nothing new, up to WEBHOOK_IDLE_POLL_MAX_MS', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 40].map((looks) => idleWaitMs(1_000, 15_000, looks))).toEqual([
      1_000, 2_000, 4_000, 8_000, 15_000, 15_000, 15_000, 15_000,
    ]);
  });

  it('looks every WEBHOOK_POLL_MS without a ceiling (answers recorded before it existed) or with one below it', () => {
    expect([0, 3, 10].map((looks) => idleWaitMs(200, undefined, looks))).toEqual([200, 200, 200]);
    expect(idleWaitMs(1_000, 500, 3)).toBe(1_000);
  });

  it('is 15 s at most by default, and refuses a ceiling that is not a number of milliseconds', () => {
    const base = { DATABASE_URL: 'postgresql://bankfeed@localhost:5432/bankfeed' };
    expect(loadWorkerEnv(base).WEBHOOK_IDLE_POLL_MAX_MS).toBe(15_000);
    expect(loadWorkerEnv({ ...base, WEBHOOK_IDLE_POLL_MAX_MS: '60000' }).WEBHOOK_IDLE_POLL_MAX_MS).toBe(60_000);
    expect(() => loadWorkerEnv({ ...base, WEBHOOK_IDLE_POLL_MAX_MS: 'soon' })).toThrow('WEBHOOK_IDLE_POLL_MAX_MS');
  });
});
