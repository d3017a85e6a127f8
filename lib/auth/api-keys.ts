import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * API keys look like `bfk_<prefix>_<secret>`. The prefix is public (it finds the row and
 * names the key in logs and audit); only the SHA-256 of the secret is stored. The secret is
 * 256 random bits, so a fast hash is enough: there is nothing to brute-force.
 */
export const ROLES = ['accountant', 'operator', 'support'] as const;
export type Role = (typeof ROLES)[number];

export interface NewApiKey {
  /** Shown once, never stored. */
  key: string;
  prefix: string;
  hash: string;
}

const KEY_PATTERN = /^bfk_([a-z0-9]{12})_([A-Za-z0-9_-]{43})$/;

export const hashSecret = (secret: string): string => createHash('sha256').update(secret).digest('hex');

export function generateApiKey(): NewApiKey {
  const prefix = randomBytes(9)
    .toString('base64url')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '0')
    .slice(0, 12);
  const secret = randomBytes(32).toString('base64url');
  return { key: `bfk_${prefix}_${secret}`, prefix, hash: hashSecret(secret) };
}

/** Splits a presented key; undefined when it is not shaped like one of ours. */
export function parseApiKey(key: string): { prefix: string; secret: string } | undefined {
  const match = KEY_PATTERN.exec(key);
  return match ? { prefix: match[1]!, secret: match[2]! } : undefined;
}

export function secretMatches(secret: string, storedHash: string): boolean {
  const presented = Buffer.from(hashSecret(secret), 'hex');
  const stored = Buffer.from(storedHash, 'hex');
  return presented.length === stored.length && timingSafeEqual(presented, stored);
}
