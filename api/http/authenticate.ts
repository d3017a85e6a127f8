import type { RequestHandler } from 'express';
import { parseApiKey, secretMatches } from '../../lib/auth/api-keys.js';
import type { AppDeps } from '../deps.js';
import { apiKeyCache } from './api-key-cache.js';
import { ApiError } from '../errors.js';
import type { Actor } from './route.js';

declare module 'express-serve-static-core' {
  interface Request {
    actor?: Actor;
  }
}

const unauthorized = (detail: string) =>
  new ApiError(401, 'unauthorized', detail, {}, { 'WWW-Authenticate': 'Bearer realm="bankfeed"' });

/** `Authorization: Bearer bfk_…` → `req.actor`, or 401. The key itself is never logged. */
export function authenticate(deps: AppDeps): RequestHandler {
  const keys = apiKeyCache(deps);
  return async (req, _res, next) => {
    const header = req.header('authorization');
    if (!header) throw unauthorized('send an API key: Authorization: Bearer <key>');
    const [scheme, token] = header.split(' ');
    const parsed = scheme?.toLowerCase() === 'bearer' && token ? parseApiKey(token) : undefined;
    if (!parsed) throw unauthorized('the Authorization header must be "Bearer <API key>"');
    const key = await keys.find(parsed.prefix);
    if (!key || key.revokedAt !== null || !secretMatches(parsed.secret, key.hash))
      throw unauthorized('unknown or revoked API key');
    req.actor = { keyId: key.id, prefix: key.prefix, role: key.role, officeId: key.officeId };
    req.log = req.log.child({ keyPrefix: key.prefix, role: key.role });
    next();
  };
}
