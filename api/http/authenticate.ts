import type { Request, RequestHandler } from 'express';
import { parseApiKey, secretMatches } from '../../lib/auth/api-keys.js';
import { csrfMatches, findSession, type LiveSession } from '../../lib/auth/sessions.js';
import type { AppDeps } from '../deps.js';
import { bindLog } from '../middleware/request-context.js';
import { apiKeyCache } from './api-key-cache.js';
import { ApiError } from '../errors.js';
import type { Actor } from './route.js';
import { CSRF_HEADER, sessionToken, STATE_CHANGING } from './session-cookie.js';

declare module 'express-serve-static-core' {
  interface Request {
    actor?: Actor;
  }
}

const unauthorized = (detail: string) =>
  new ApiError(401, 'unauthorized', detail, {}, { 'WWW-Authenticate': 'Bearer realm="bankfeed"' });

export const csrfRefused = () =>
  new ApiError(
    403,
    'csrf_token_invalid',
    `a request signed in with the session cookie that changes something must carry the session's ${CSRF_HEADER}`,
  );

/** A person's actor: their principal key's id (rate limits, idempotency, audit), role and office, name. */
export const personActor = (session: LiveSession, prefix = 'session'): Actor => ({
  keyId: session.user.apiKeyId,
  prefix,
  role: session.user.role,
  officeId: session.user.officeId,
  userId: session.user.id,
  name: session.user.name,
});

/** The session of the request's cookie, live (unexpired, account not disabled), or undefined. */
export async function requestSession(deps: AppDeps, req: Request): Promise<LiveSession | undefined> {
  const token = sessionToken(req);
  return (token && (await findSession(deps.prisma, token))) || undefined;
}

/**
 * `Authorization: Bearer bfk_…` → `req.actor`; without that header, the console's session cookie
 * (`bankfeed_session`), where a state-changing method must also carry X-CSRF-Token (403 otherwise).
 * Neither: 401. The key, the cookie and the CSRF token are never logged.
 */
export function authenticate(deps: AppDeps): RequestHandler {
  const keys = apiKeyCache(deps);
  return async (req, _res, next) => {
    const header = req.header('authorization');
    if (!header) {
      if (sessionToken(req) === undefined)
        throw unauthorized('send an API key (Authorization: Bearer <key>) or sign in (POST /v1/session)');
      const session = await requestSession(deps, req);
      if (!session) throw unauthorized('the session has ended: sign in again (POST /v1/session)');
      if (STATE_CHANGING.has(req.method) && !csrfMatches(req.header(CSRF_HEADER), session.csrfToken))
        throw csrfRefused();
      req.actor = personActor(session);
      bindLog(req, { userId: session.user.id, role: session.user.role });
      return next();
    }
    const [scheme, token] = header.split(' ');
    const parsed = scheme?.toLowerCase() === 'bearer' && token ? parseApiKey(token) : undefined;
    if (!parsed) throw unauthorized('the Authorization header must be "Bearer <API key>"');
    const key = await keys.find(parsed.prefix);
    if (!key || key.revokedAt !== null || !secretMatches(parsed.secret, key.hash))
      throw unauthorized('unknown or revoked API key');
    req.actor = { keyId: key.id, prefix: key.prefix, role: key.role, officeId: key.officeId };
    bindLog(req, { keyPrefix: key.prefix, role: key.role });
    next();
  };
}
