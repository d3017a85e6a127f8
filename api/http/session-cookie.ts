import type { Request } from 'express';
import { z } from 'zod';
import { DEFAULT_SESSION_TTL_HOURS } from '../../lib/auth/sessions.js';

export const SESSION_COOKIE = 'bankfeed_session';
export const CSRF_HEADER = 'X-CSRF-Token';
/** Methods that change state: with the cookie they must carry X-CSRF-Token. */
export const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** How sessions are kept (AppDeps.session): their lifetime and whether the cookie is `Secure`. */
export interface SessionSettings {
  ttlHours: number;
  secureCookie: boolean;
}

export const sessionEnvFields = {
  /** Hours a session lasts from its sign-in (the cookie's Max-Age). */
  SESSION_TTL_HOURS: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 30)
    .default(DEFAULT_SESSION_TTL_HOURS),
  /** `Secure` on the session cookie; by default when PUBLIC_BASE_URL is https or NODE_ENV=production. */
  SESSION_COOKIE_SECURE: z.enum(['true', 'false']).optional(),
};

export function sessionSettingsFromEnv(env: {
  SESSION_TTL_HOURS: number;
  SESSION_COOKIE_SECURE?: 'true' | 'false' | undefined;
  PUBLIC_BASE_URL: string;
  NODE_ENV?: string | undefined;
}): SessionSettings {
  const secureCookie =
    env.SESSION_COOKIE_SECURE !== undefined
      ? env.SESSION_COOKIE_SECURE === 'true'
      : env.PUBLIC_BASE_URL.startsWith('https:') || env.NODE_ENV === 'production';
  return { ttlHours: env.SESSION_TTL_HOURS, secureCookie };
}

export const DEFAULT_SESSION_SETTINGS: SessionSettings = { ttlHours: DEFAULT_SESSION_TTL_HOURS, secureCookie: false };

/** The session token of the request's Cookie header, if any (no cookie-parser needed for one cookie). */
export function sessionToken(req: Request): string | undefined {
  const header = req.header('cookie');
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === SESSION_COOKIE) return part.slice(eq + 1).trim() || undefined;
  }
  return undefined;
}

const attributes = (settings: SessionSettings, maxAge: number) =>
  `HttpOnly; SameSite=Lax; Path=/; Max-Age=${maxAge}${settings.secureCookie ? '; Secure' : ''}`;

export const sessionCookie = (token: string, settings: SessionSettings) =>
  `${SESSION_COOKIE}=${token}; ${attributes(settings, settings.ttlHours * 3600)}`;

export const clearedSessionCookie = (settings: SessionSettings) => `${SESSION_COOKIE}=; ${attributes(settings, 0)}`;
