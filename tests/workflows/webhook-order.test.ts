import { describe, expect, it } from 'vitest';
import type { PendingEvent } from '../../workflows/webhook-delivery/contract.js';
import { chainsByOrderKey, eachWithLimit } from '../../workflows/webhook-delivery/order.js';

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
