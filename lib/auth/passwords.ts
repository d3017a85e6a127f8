import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/**
 * Passwords are hashed with scrypt (node:crypto), a random 16-byte salt each, and stored as
 * `scrypt$<N>$<r>$<p>$<salt>$<hash>` (base64url): the parameters travel with the hash, so they can be
 * raised later without breaking the hashes already stored. N = 2^15, r = 8: 32 MiB and some 50–100 ms
 * per check on one core.
 */
const PARAMS = { N: 2 ** 15, r: 8, p: 1 } as const;
const KEY_LENGTH = 32;
const SALT_BYTES = 16;
const FORMAT = /^scrypt\$(\d+)\$(\d+)\$(\d+)\$([A-Za-z0-9_-]+)\$([A-Za-z0-9_-]+)$/;

/** Room for the parameters' 128·N·r bytes (scrypt's default maxmem is exactly 32 MiB, too tight for N = 2^15, r = 8). */
const maxmem = (N: number, r: number) => 128 * N * r * 2;

function derive(password: string, salt: Buffer, keyLength: number, params: { N: number; r: number; p: number }) {
  const options: ScryptOptions = { ...params, maxmem: maxmem(params.N, params.r) };
  return new Promise<Buffer>((resolve, reject) =>
    scrypt(password.normalize('NFC'), salt, keyLength, options, (error, key) => (error ? reject(error) : resolve(key))),
  );
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const hash = await derive(password, salt, KEY_LENGTH, PARAMS);
  return `scrypt$${PARAMS.N}$${PARAMS.r}$${PARAMS.p}$${salt.toString('base64url')}$${hash.toString('base64url')}`;
}

/** Whether `password` matches `stored`; false (never a throw) for a stored value not in our format. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const match = FORMAT.exec(stored);
  if (!match) return false;
  const [N, r, p] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const expected = Buffer.from(match[5]!, 'base64url');
  if (expected.length < 16 || N > 2 ** 20 || r > 32 || p > 16) return false;
  const presented = await derive(password, Buffer.from(match[4]!, 'base64url'), expected.length, { N, r, p });
  return timingSafeEqual(presented, expected);
}

/**
 * A hash of nothing anyone knows, with the current parameters: checked against when the e-mail names
 * no account, so an unknown address costs the same scrypt time as a wrong password.
 */
let decoy: Promise<string> | undefined;
export const decoyHash = () => (decoy ??= hashPassword(randomBytes(32).toString('base64url')));

/** A password to show once: 20 characters from an alphabet without look-alikes (about 114 bits). */
export function generatePassword(): string {
  const alphabet = 'abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  const bytes = randomBytes(40);
  let out = '';
  for (const byte of bytes) {
    if (byte >= 224) continue; // 224 = 4 × 56: no modulo bias
    out += alphabet[byte % alphabet.length];
    if (out.length === 20) break;
  }
  return out.length === 20 ? out : generatePassword();
}
