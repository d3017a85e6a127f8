import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DEV_LINK_SIGNING_SECRET, linkEnvSchema } from '../../lib/links/env.js';
import { createLinkBuilder } from '../../lib/links/links.js';
import { LinkTokenError, signLinkToken, verifyLinkToken } from '../../lib/links/token.js';

const secret = 'a-test-secret-of-at-least-32-characters';
const expiresAt = new Date('2027-03-15T10:00:00Z');
const before = new Date('2027-03-15T09:59:59Z');
const claims = { purpose: 'mandate-signing', subject: 'mandate-1', expiresAt };

const problem = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    if (error instanceof LinkTokenError) return error.problem;
    throw error;
  }
  return 'accepted';
};

describe('signed link tokens', () => {
  it('round-trips purpose, subject and expiry, and is the same for the same claims', () => {
    const token = signLinkToken(claims, secret);
    expect(verifyLinkToken(token, secret, { purpose: 'mandate-signing', now: before })).toEqual(claims);
    expect(signLinkToken(claims, secret)).toBe(token);
    expect(token).toMatch(/^v1\.[\w-]+\.[\w-]+$/);
  });

  it('rejects a tampered payload, a tampered signature and another secret', () => {
    const [version, payload, signature] = signLinkToken(claims, secret).split('.') as [string, string, string];
    const forged = Buffer.from(
      JSON.stringify({ p: 'mandate-signing', s: 'mandate-2', e: expiresAt.getTime() / 1000 }),
    ).toString('base64url');
    expect(
      problem(() =>
        verifyLinkToken(`${version}.${forged}.${signature}`, secret, { purpose: 'mandate-signing', now: before }),
      ),
    ).toBe('bad_signature');
    const flipped = `${signature.slice(0, -2)}${signature.endsWith('AA') ? 'BB' : 'AA'}`;
    expect(
      problem(() =>
        verifyLinkToken(`${version}.${payload}.${flipped}`, secret, { purpose: 'mandate-signing', now: before }),
      ),
    ).toBe('bad_signature');
    expect(
      problem(() =>
        verifyLinkToken(`${version}.${payload}.${signature}`, `${secret}-other`, {
          purpose: 'mandate-signing',
          now: before,
        }),
      ),
    ).toBe('bad_signature');
  });

  it('rejects an expired token, from the second of its expiry on', () => {
    const token = signLinkToken(claims, secret);
    expect(problem(() => verifyLinkToken(token, secret, { purpose: 'mandate-signing', now: expiresAt }))).toBe(
      'expired',
    );
    expect(
      problem(() =>
        verifyLinkToken(token, secret, { purpose: 'mandate-signing', now: new Date('2028-01-01T00:00:00Z') }),
      ),
    ).toBe('expired');
  });

  it('never opens another purpose, and refuses malformed input', () => {
    const token = signLinkToken(claims, secret);
    expect(problem(() => verifyLinkToken(token, secret, { purpose: 'caro-activation', now: before }))).toBe(
      'wrong_purpose',
    );
    for (const bad of ['', 'v1', 'v1..', 'v2.abc.def', `${token}.x`, 'not a token at all']) {
      expect(
        problem(() => verifyLinkToken(bad, secret, { purpose: 'mandate-signing', now: before })),
        bad,
      ).toBe('malformed');
    }
    // A correctly signed payload that is not our JSON shape.
    const odd = Buffer.from('"just a string"').toString('base64url');
    const sig = createHmac('sha256', secret).update(`v1.${odd}`).digest('base64url');
    expect(
      problem(() => verifyLinkToken(`v1.${odd}.${sig}`, secret, { purpose: 'mandate-signing', now: before })),
    ).toBe('malformed');
  });

  it('builds /l/<token> links under the public base URL', () => {
    const url = createLinkBuilder({ publicBaseUrl: 'https://app.example/', secret }).url(
      'caro-activation',
      'caro-9',
      expiresAt,
    );
    expect(url).toMatch(/^https:\/\/app\.example\/l\/v1\.[\w-]+\.[\w-]+$/);
    const token = url.split('/l/')[1]!;
    expect(verifyLinkToken(token, secret, { purpose: 'caro-activation', now: before })).toMatchObject({
      subject: 'caro-9',
    });
  });
});

describe('link environment', () => {
  it('uses a development secret outside production, and refuses it in production', () => {
    expect(linkEnvSchema.parse({}).LINK_SIGNING_SECRET).toBe(DEV_LINK_SIGNING_SECRET);
    const prod = linkEnvSchema.safeParse({ NODE_ENV: 'production' });
    expect(prod.success).toBe(false);
    expect(prod.error?.issues[0]).toMatchObject({
      path: ['LINK_SIGNING_SECRET'],
      message: expect.stringMatching(/required when NODE_ENV=production/),
    });
    expect(
      linkEnvSchema.safeParse({ NODE_ENV: 'production', LINK_SIGNING_SECRET: DEV_LINK_SIGNING_SECRET }).success,
    ).toBe(false);
    expect(linkEnvSchema.parse({ NODE_ENV: 'production', LINK_SIGNING_SECRET: secret }).LINK_SIGNING_SECRET).toBe(
      secret,
    );
  });

  it('refuses a short secret and a non-http base URL', () => {
    expect(linkEnvSchema.safeParse({ LINK_SIGNING_SECRET: 'short' }).success).toBe(false);
    expect(linkEnvSchema.safeParse({ PUBLIC_BASE_URL: 'javascript:alert(1)' }).success).toBe(false);
    expect(linkEnvSchema.parse({ PUBLIC_BASE_URL: 'https://app.example' }).PUBLIC_BASE_URL).toBe('https://app.example');
  });
});
