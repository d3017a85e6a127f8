import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * `Webhook-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`.
 * While a provider rotates its secret it sends one v1 value per secret; one match is enough.
 */
export const SIGNATURE_HEADER = 'Webhook-Signature';
export const TOLERANCE_SECONDS = 300;

const hmac = (secret: string, timestamp: number, body: Buffer | string): Buffer =>
  createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest();

/** The header value for `body` sent at `timestamp` (unix seconds); several secrets give several v1 values. */
export function signWebhook(secret: string | readonly string[], body: Buffer | string, timestamp: number): string {
  const secrets = typeof secret === 'string' ? [secret] : secret;
  return [`t=${timestamp}`, ...secrets.map((s) => `v1=${hmac(s, timestamp, body).toString('hex')}`)].join(',');
}

export type Verification =
  { ok: true; timestamp: number } | { ok: false; code: 'invalid_signature' | 'signature_expired'; reason: string };

export interface VerifyOptions {
  /** Current time in milliseconds (Date.now() by default). */
  now?: number;
  toleranceSeconds?: number;
}

function parseHeader(header: string): { timestamp?: number; signatures: string[] } {
  let timestamp: number | undefined;
  const signatures: string[] = [];
  for (const part of header.split(',')) {
    const [key, value] = part.trim().split('=', 2);
    if (key === 't' && value !== undefined && /^\d{1,12}$/.test(value)) timestamp = Number(value);
    if (key === 'v1' && value !== undefined) signatures.push(value);
  }
  return { timestamp, signatures };
}

/**
 * Checks the signature over the raw body bytes (constant-time), then the timestamp:
 * at most `toleranceSeconds` (5 minutes) away from now, in either direction.
 */
export function verifyWebhook(
  secret: string,
  body: Buffer | string,
  header: string | undefined,
  opts: VerifyOptions = {},
): Verification {
  if (!header) return { ok: false, code: 'invalid_signature', reason: `missing ${SIGNATURE_HEADER} header` };
  const { timestamp, signatures } = parseHeader(header);
  if (timestamp === undefined || signatures.length === 0) {
    return {
      ok: false,
      code: 'invalid_signature',
      reason: `${SIGNATURE_HEADER} must be "t=<unix seconds>,v1=<hex HMAC-SHA256>"`,
    };
  }
  const expected = hmac(secret, timestamp, body);
  let matched = false;
  for (const candidate of signatures) {
    if (!/^[0-9a-fA-F]{64}$/.test(candidate)) continue;
    if (timingSafeEqual(expected, Buffer.from(candidate, 'hex'))) matched = true;
  }
  if (!matched) return { ok: false, code: 'invalid_signature', reason: 'no v1 signature matches this body' };
  const tolerance = opts.toleranceSeconds ?? TOLERANCE_SECONDS;
  if (Math.abs((opts.now ?? Date.now()) / 1000 - timestamp) > tolerance) {
    return {
      ok: false,
      code: 'signature_expired',
      reason: `the signature timestamp is more than ${tolerance} s away from now`,
    };
  }
  return { ok: true, timestamp };
}
