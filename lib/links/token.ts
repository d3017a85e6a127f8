/**
 * Signed, expiring tokens for the links in e-mails (signing, activation). A token names what
 * it opens (purpose + subject id) and until when; the HMAC-SHA256 signature makes any change
 * detectable. It carries no personal data and no randomness: the same case and expiry give the
 * same token, so a retried e-mail renders the same body.
 *
 * Format: `v1.<base64url(JSON {p, s, e})>.<base64url(HMAC(secret, "v1.<payload>"))>`.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

const VERSION = 'v1';

export interface LinkClaims {
  /** What the link opens, e.g. `mandate-signing`; a token for one purpose never opens another. */
  purpose: string;
  /** The id of the case it belongs to. */
  subject: string;
  expiresAt: Date;
}

export type LinkTokenProblem = 'malformed' | 'bad_signature' | 'expired' | 'wrong_purpose';

export class LinkTokenError extends Error {
  override name = 'LinkTokenError';
  constructor(readonly problem: LinkTokenProblem) {
    super(`link token rejected: ${problem}`);
  }
}

const sign = (secret: string, data: string) => createHmac('sha256', secret).update(data).digest();

export function signLinkToken(claims: LinkClaims, secret: string): string {
  const exp = Math.floor(claims.expiresAt.getTime() / 1000);
  if (!Number.isFinite(exp)) throw new RangeError('signLinkToken: expiresAt is not a valid date');
  const payload = Buffer.from(JSON.stringify({ p: claims.purpose, s: claims.subject, e: exp })).toString('base64url');
  const signed = `${VERSION}.${payload}`;
  return `${signed}.${sign(secret, signed).toString('base64url')}`;
}

function decodeClaims(payload: string): LinkClaims {
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    throw new LinkTokenError('malformed');
  }
  const { p, s, e } = (raw ?? {}) as Record<string, unknown>;
  if (typeof p !== 'string' || typeof s !== 'string' || typeof e !== 'number' || !Number.isInteger(e)) {
    throw new LinkTokenError('malformed');
  }
  return { purpose: p, subject: s, expiresAt: new Date(e * 1000) };
}

/**
 * The claims of a genuine, unexpired token for `purpose` (or one of several); throws LinkTokenError otherwise.
 * The signature is checked before anything in the payload is trusted.
 */
export function verifyLinkToken(
  token: string,
  secret: string,
  opts: { purpose: string | readonly string[]; now?: Date },
): LinkClaims {
  const parts = token.split('.');
  if (parts.length !== 3 || parts[0] !== VERSION || !parts[1] || !parts[2]) throw new LinkTokenError('malformed');
  const expected = sign(secret, `${parts[0]}.${parts[1]}`);
  const given = Buffer.from(parts[2], 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new LinkTokenError('bad_signature');
  const claims = decodeClaims(parts[1]);
  if (!(typeof opts.purpose === 'string' ? [opts.purpose] : opts.purpose).includes(claims.purpose))
    throw new LinkTokenError('wrong_purpose');
  if (claims.expiresAt.getTime() <= (opts.now ?? new Date()).getTime()) throw new LinkTokenError('expired');
  return claims;
}
