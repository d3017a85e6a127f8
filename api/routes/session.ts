// The console's sign-in: POST /v1/session (e-mail and password → the session cookie), GET (who is
// signed in, and the CSRF token again), DELETE (sign out). Outside the route table (api/http/mount.ts):
// a sign-in has no caller yet. Documented in /openapi.json by api/openapi/session.ts.
import { createHash } from 'node:crypto';
import { Router, type Request, type Response } from 'express';
import type { User } from '../../lib/db/client.js';
import { decoyHash, verifyPassword } from '../../lib/auth/passwords.js';
import { closeSession, csrfMatches, openSession, type LiveSession } from '../../lib/auth/sessions.js';
import { findUserByEmail, normalizeEmail } from '../../lib/auth/user-store.js';
import type { AppDeps } from '../deps.js';
import { ApiError } from '../errors.js';
import { csrfRefused, requestSession } from '../http/authenticate.js';
import {
  clearedSessionCookie,
  CSRF_HEADER,
  DEFAULT_SESSION_SETTINGS,
  sessionCookie,
  sessionToken,
} from '../http/session-cookie.js';
import { createSignInThrottle } from '../http/sign-in-throttle.js';
import { parseIn } from '../http/validate.js';
import { signInBody } from '../schemas/session.js';

export const SESSION_PATH = '/v1/session';

const invalidCredentials = () =>
  new ApiError(401, 'invalid_credentials', 'the e-mail address or the password is wrong');
const noSession = () =>
  new ApiError(
    401,
    'unauthorized',
    'not signed in: POST /v1/session',
    {},
    { 'WWW-Authenticate': 'Bearer realm="bankfeed"' },
  );

const answer = (user: User, csrfToken: string) => ({
  user: {
    id: user.id,
    email: user.email,
    name: user.name,
    role: user.role,
    officeId: user.officeId,
    language: user.language,
  },
  csrfToken,
});

/** Login CSRF: a sign-in posted by another site's page is refused; no Origin (curl, scripts) is fine. */
function checkOrigin(deps: AppDeps, req: Request): void {
  const origin = req.header('origin');
  if (origin === undefined) return;
  if (origin !== deps.publicOrigin && hostOf(origin) !== req.header('host'))
    throw new ApiError(403, 'origin_not_allowed', 'sign in from the console of this API (Origin differs)');
}

/** The host of an http(s) origin; undefined for anything else (`null`, garbage). */
function hostOf(origin: string): string | undefined {
  if (!/^https?:\/\/[^/]+$/.test(origin)) return undefined;
  try {
    return new URL(origin).host;
  } catch {
    return undefined;
  }
}

/** Rate-limit rows key on a hash of the address, never the address itself. */
const accountKey = (email: string) => createHash('sha256').update(normalizeEmail(email)).digest('hex');

export function sessionRoutes(deps: AppDeps): Router {
  const router = Router();
  const settings = deps.session ?? DEFAULT_SESSION_SETTINGS;
  const throttle = createSignInThrottle(deps.prisma);
  // Made now, not on the first unknown address (which would then take twice the time of a wrong password).
  void decoyHash();
  const noStore = (res: Response) => res.setHeader('Cache-Control', 'no-store');

  router.post(SESSION_PATH, async (req, res) => {
    checkOrigin(deps, req);
    const body = parseIn(signInBody, req.body, 'body');
    const account = accountKey(body.email);
    const address = req.ip ?? req.socket.remoteAddress ?? 'unknown';
    const wait = await throttle.attempt(account, address);
    if (wait > 0)
      throw new ApiError(
        429,
        'too_many_attempts',
        `too many failed sign-ins; retry in ${wait} s`,
        {},
        { 'Retry-After': String(wait) },
      );
    const user = await findUserByEmail(deps.prisma, body.email);
    // An unknown address costs the same scrypt time as a wrong password.
    const matches = await verifyPassword(body.password, user?.passwordHash ?? (await decoyHash()));
    if (!user || !matches || user.disabledAt !== null) {
      req.log.info({ userId: user?.id ?? null }, 'sign-in refused');
      throw invalidCredentials();
    }
    await throttle.succeeded(account, address);
    const session = await openSession(deps.prisma, user.id, settings.ttlHours);
    await deps.prisma.auditEvent.create({
      data: {
        actorKeyId: user.apiKeyId,
        actorRole: user.role,
        action: 'session.sign_in',
        resourceType: 'user',
        resourceId: user.id,
      },
    });
    req.log.info({ userId: user.id, role: user.role }, 'signed in');
    noStore(res);
    res.setHeader('Set-Cookie', sessionCookie(session.token, settings));
    res.status(200).json(answer(user, session.csrfToken));
  });

  router.get(SESSION_PATH, async (req, res) => {
    const session = await requestSession(deps, req);
    if (!session) throw noSession();
    noStore(res);
    res.status(200).json(answer(session.user, session.csrfToken));
  });

  router.delete(SESSION_PATH, async (req, res) => {
    const session: LiveSession | undefined = await requestSession(deps, req);
    if (session) {
      if (!csrfMatches(req.header(CSRF_HEADER), session.csrfToken)) throw csrfRefused();
      await closeSession(deps.prisma, sessionToken(req) ?? '');
      req.log.info({ userId: session.user.id }, 'signed out');
    }
    res.setHeader('Set-Cookie', clearedSessionCookie(settings));
    res.status(204).end();
  });

  router.all(SESSION_PATH, () => {
    throw new ApiError(
      405,
      'method_not_allowed',
      'this path serves GET, HEAD, POST, DELETE',
      {},
      {
        Allow: 'GET, HEAD, POST, DELETE',
      },
    );
  });
  return router;
}
