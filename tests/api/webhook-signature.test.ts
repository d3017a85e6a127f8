import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signWebhook, verifyWebhook } from '../../api/webhooks/signature.js';

const SECRET = 'whsec-current-0123456789abcdef0123456789';
const OLD_SECRET = 'whsec-previous-0123456789abcdef012345678';
const T = 1_790_000_000;
const NOW = T * 1000;
const BODY = '{"eventId":"evt-1","type":"consent.renewed"}';

describe('webhook signature', () => {
  it('signs "<t>.<raw body>" with HMAC-SHA256 in the documented header format', () => {
    const hex = createHmac('sha256', SECRET).update(`${T}.${BODY}`).digest('hex');
    expect(signWebhook(SECRET, BODY, T)).toBe(`t=${T},v1=${hex}`);
    expect(verifyWebhook(SECRET, BODY, `t=${T},v1=${hex}`, { now: NOW })).toEqual({ ok: true, timestamp: T });
  });

  it('verifies the raw bytes, not a re-encoding of them', () => {
    const bytes = Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]); // not valid UTF-8
    const header = signWebhook(SECRET, bytes, T);
    expect(verifyWebhook(SECRET, bytes, header, { now: NOW }).ok).toBe(true);
    expect(verifyWebhook(SECRET, bytes.toString('utf8'), header, { now: NOW }).ok).toBe(false);
  });

  it('accepts a header carrying two v1 values while the provider rotates its secret', () => {
    const header = signWebhook([OLD_SECRET, SECRET], BODY, T);
    expect(header.split(',')).toHaveLength(3);
    expect(verifyWebhook(SECRET, BODY, header, { now: NOW }).ok).toBe(true);
    expect(verifyWebhook(OLD_SECRET, BODY, header, { now: NOW }).ok).toBe(true);
    expect(verifyWebhook('whsec-unrelated-0123456789abcdef01234567', BODY, header, { now: NOW })).toMatchObject({
      ok: false,
      code: 'invalid_signature',
    });
  });

  it.each([
    ['a wrong secret', signWebhook('whsec-wrong-0123456789abcdef0123456789ab', BODY, T), BODY],
    ['a tampered body', signWebhook(SECRET, BODY, T), BODY.replace('evt-1', 'evt-2')],
    ['no header', undefined, BODY],
    ['an empty header', '', BODY],
    ['no timestamp', signWebhook(SECRET, BODY, T).replace(/^t=\d+,/, ''), BODY],
    ['no v1 value', `t=${T},v0=abc`, BODY],
    ['a v1 value that is not 64 hex digits', `t=${T},v1=${'ab'.repeat(31)}`, BODY],
    ['another timestamp than the one signed', signWebhook(SECRET, BODY, T).replace(`t=${T}`, `t=${T + 1}`), BODY],
  ])('refuses %s as invalid_signature', (_, header, body) => {
    expect(verifyWebhook(SECRET, body, header, { now: NOW })).toMatchObject({ ok: false, code: 'invalid_signature' });
  });

  it('allows 5 minutes of clock difference either way, and no more', () => {
    for (const skew of [-300, 0, 300])
      expect(verifyWebhook(SECRET, BODY, signWebhook(SECRET, BODY, T + skew), { now: NOW }).ok, `${skew} s`).toBe(true);
    for (const skew of [-360, -301, 301, 360]) {
      expect(verifyWebhook(SECRET, BODY, signWebhook(SECRET, BODY, T + skew), { now: NOW }), `${skew} s`).toMatchObject(
        { ok: false, code: 'signature_expired' },
      );
    }
  });

  it('checks the signature before the timestamp: an old forged header is invalid, not expired', () => {
    const forged = signWebhook('whsec-wrong-0123456789abcdef0123456789ab', BODY, T - 3600);
    expect(verifyWebhook(SECRET, BODY, forged, { now: NOW })).toMatchObject({ ok: false, code: 'invalid_signature' });
  });
});
