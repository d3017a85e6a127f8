import { describe, expect, it } from 'vitest';
import { uuidv7 } from '../../lib/db/ids.js';

describe('uuidv7', () => {
  it('is an RFC 9562 version-7 UUID carrying the millisecond it was made', () => {
    const at = Date.UTC(2026, 10, 24, 3, 30);
    const id = uuidv7(at);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(parseInt(id.replace(/-/g, '').slice(0, 12), 16)).toBe(at);
  });

  it('sorts by creation time across milliseconds, and never repeats', () => {
    const ids = Array.from({ length: 1000 }, (_, i) => uuidv7(1_790_000_000_000 + i));
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(Array.from({ length: 10_000 }, () => uuidv7())).size).toBe(10_000);
  });
});
