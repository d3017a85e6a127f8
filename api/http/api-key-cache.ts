import type { ApiKey } from '../../lib/db/client.js';
import type { AppDeps } from '../deps.js';

/** How long an API key's row is reused without a lookup (API_KEY_CACHE_MS); 0 looks every request up. */
export const DEFAULT_API_KEY_CACHE_MS = 5_000;

export interface ApiKeyCache {
  /** The key's row by its public prefix, from memory while fresh; null when there is none. */
  find(prefix: string): Promise<ApiKey | null>;
  /** Drops a key (by id or prefix) at once: a revocation through this process takes effect on its next request. */
  forget(idOrPrefix: string): void;
}

const caches = new WeakMap<AppDeps, ApiKeyCache>();

/**
 * The app's API-key rows, each reused for `apiKeyCacheMs`: one database round trip fewer on every
 * request. A key revoked through another API process (or `npm run keys`) is refused there within
 * that time; through this one, at once. Unknown prefixes are never cached.
 */
export function apiKeyCache(deps: AppDeps): ApiKeyCache {
  const known = caches.get(deps);
  if (known) return known;
  const ttlMs = deps.apiKeyCacheMs ?? DEFAULT_API_KEY_CACHE_MS;
  const rows = new Map<string, { row: ApiKey; until: number }>();
  const cache: ApiKeyCache = {
    async find(prefix) {
      const hit = rows.get(prefix);
      if (hit && hit.until > Date.now()) return hit.row;
      const row = await deps.prisma.apiKey.findUnique({ where: { prefix } });
      if (row && ttlMs > 0) {
        if (rows.size >= 10_000) rows.clear();
        rows.set(prefix, { row, until: Date.now() + ttlMs });
      } else rows.delete(prefix);
      return row;
    },
    forget(idOrPrefix) {
      for (const [prefix, { row }] of rows) if (row.id === idOrPrefix || prefix === idOrPrefix) rows.delete(prefix);
    },
  };
  caches.set(deps, cache);
  return cache;
}
