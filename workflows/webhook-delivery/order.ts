import type { PendingEvent } from './contract.js';

/**
 * The events of a batch as chains, one per order key (a case), each in feed order: chains may run
 * side by side, the events of one chain one after the other.
 */
export function chainsByOrderKey(events: readonly PendingEvent[]): PendingEvent[][] {
  const chains = new Map<string, PendingEvent[]>();
  for (const event of events) {
    const chain = chains.get(event.orderKey);
    if (chain) chain.push(event);
    else chains.set(event.orderKey, [event]);
  }
  return [...chains.values()];
}

/**
 * How long an endpoint waits before it looks at the feed again after `idleLooks` looks in a row found nothing
 * new: `pollMs`, doubling each time, never more than `maxMs` (absent: `pollMs`).
 */
export const idleWaitMs = (pollMs: number, maxMs: number | undefined, idleLooks: number): number =>
  Math.max(pollMs, Math.min(pollMs * 2 ** Math.min(idleLooks, 30), maxMs ?? pollMs));

/** Runs `work` over `items` with at most `limit` at once; resolves when all are done. */
export async function eachWithLimit<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>) {
  let next = 0;
  const lane = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
}
