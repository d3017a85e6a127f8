import { describe, expect, it } from 'vitest';
import { apiEnvSchema } from '../../api/env.js';
import { clearedSessionCookie, sessionCookie, sessionSettingsFromEnv } from '../../api/http/session-cookie.js';

const base = { DATABASE_URL: 'postgresql://u:p@localhost:5432/db' };
const settings = (env: Record<string, string>) => sessionSettingsFromEnv(apiEnvSchema.parse({ ...base, ...env }));

describe('session settings from the environment', () => {
  it('lasts 12 hours; the cookie is Secure under an https PUBLIC_BASE_URL or in production, not on plain http', () => {
    expect(settings({})).toEqual({ ttlHours: 12, secureCookie: false });
    expect(settings({ PUBLIC_BASE_URL: 'https://bankfeed.example' })).toEqual({ ttlHours: 12, secureCookie: true });
    expect(
      settings({
        NODE_ENV: 'production',
        PUBLIC_BASE_URL: 'http://localhost:3000',
        LINK_SIGNING_SECRET: 'x'.repeat(40),
        WEBHOOK_SECRET_ESIGN: 'e'.repeat(40),
        WEBHOOK_SECRET_CARO: 'c'.repeat(40),
        WEBHOOK_SECRET_BANKLINK: 'b'.repeat(40),
        WEBHOOK_SECRET_AGGREGATOR: 'a'.repeat(40),
        WEBHOOK_SECRETS_KEY: 'k'.repeat(40),
      }).secureCookie,
    ).toBe(true);
  });

  it('SESSION_COOKIE_SECURE and SESSION_TTL_HOURS decide when set', () => {
    expect(settings({ PUBLIC_BASE_URL: 'https://bankfeed.example', SESSION_COOKIE_SECURE: 'false' })).toEqual({
      ttlHours: 12,
      secureCookie: false,
    });
    expect(settings({ SESSION_COOKIE_SECURE: 'true', SESSION_TTL_HOURS: '8' })).toEqual({
      ttlHours: 8,
      secureCookie: true,
    });
  });

  it.each([
    [{ SESSION_TTL_HOURS: '0' }, 'SESSION_TTL_HOURS'],
    [{ SESSION_TTL_HOURS: 'twelve' }, 'SESSION_TTL_HOURS'],
    [{ SESSION_COOKIE_SECURE: 'yes' }, 'SESSION_COOKIE_SECURE'],
  ])('refuses %j naming the variable', (env, name) => {
    const parsed = apiEnvSchema.safeParse({ ...base, ...env });
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues.map((i) => i.path.join('.'))).toContain(name);
  });

  it('writes the cookie with its flags, and clears it with Max-Age=0', () => {
    expect(sessionCookie('tok', { ttlHours: 1, secureCookie: false })).toBe(
      'bankfeed_session=tok; HttpOnly; SameSite=Lax; Path=/; Max-Age=3600',
    );
    expect(sessionCookie('tok', { ttlHours: 12, secureCookie: true })).toBe(
      'bankfeed_session=tok; HttpOnly; SameSite=Lax; Path=/; Max-Age=43200; Secure',
    );
    expect(clearedSessionCookie({ ttlHours: 12, secureCookie: true })).toBe(
      'bankfeed_session=; HttpOnly; SameSite=Lax; Path=/; Max-Age=0; Secure',
    );
  });
});
