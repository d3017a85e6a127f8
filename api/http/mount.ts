import { Router, type Request, type Response } from 'express';
import type { AppDeps } from '../deps.js';
import { ApiError, forbidden, tooManyRequests } from '../errors.js';
import { authenticate } from './authenticate.js';
import { idempotencyScope, release, remember, reserve } from './idempotency.js';
import type { RateLimiter } from './rate-limit.js';
import type { Actor, Reply, RouteDef } from './route.js';
import { parseIn, refuseCardData } from './validate.js';

function send(res: Response, reply: Reply): void {
  for (const [name, value] of Object.entries(reply.headers ?? {})) res.setHeader(name, value);
  if (reply.raw) res.status(reply.status).type(reply.raw.contentType).send(reply.raw.data);
  else if (reply.body === undefined) res.status(reply.status).end();
  else res.status(reply.status).json(reply.body);
}

async function audit(deps: AppDeps, actor: Actor, route: RouteDef, reply: Reply): Promise<void> {
  if (!reply.audited || reply.status >= 400) return;
  await deps.prisma.auditEvent.create({
    data: {
      actorKeyId: actor.keyId,
      actorRole: actor.role,
      action: route.action ?? route.operationId,
      resourceType: reply.audited.resourceType,
      resourceId: reply.audited.resourceId,
      ...(reply.audited.details ? { details: reply.audited.details as object } : {}),
    },
  });
}

/** A path's first two segments, lower-cased as Express matches them: `/v1/mandates` for `/v1/mandates/:id`. */
const prefixOf = (path: string) => path.split('/', 3).join('/').toLowerCase();

/**
 * One Express route per definition: authenticate, rate-limit, check the role, validate path,
 * query and body (refusing card numbers in any body first), reserve or replay idempotent POSTs, run the handler,
 * audit what changed. The routes are grouped by their first two segments (`/v1/mandates`), one
 * router each, and a request goes straight to its group's: Express tries a router's routes one
 * after the other, and walking all of them was a tenth of the CPU of a small GET.
 */
export function mountRoutes(routes: readonly RouteDef[], deps: AppDeps, limiter: RateLimiter): Router {
  const auth = authenticate(deps);
  const groups = new Map<string, RouteDef[]>();
  for (const route of routes) {
    if (route.path.split('/', 3).some((segment) => segment.includes(':')))
      throw new Error(`mountRoutes: ${route.path} has a parameter in its first two segments`);
    groups.set(prefixOf(route.path), [...(groups.get(prefixOf(route.path)) ?? []), route]);
  }
  const routers = new Map([...groups].map(([prefix, group]) => [prefix, groupRouter(group, deps, limiter, auth)]));
  const router = Router();
  router.use((req, res, next) => {
    const group = routers.get(prefixOf(req.path));
    if (group) group(req, res, next);
    else next();
  });
  return router;
}

function groupRouter(
  routes: readonly RouteDef[],
  deps: AppDeps,
  limiter: RateLimiter,
  auth: ReturnType<typeof authenticate>,
): Router {
  const router = Router();
  // A known path with a method it does not serve: 405 with the methods it does (HEAD goes with GET).
  const served = new Map<string, string[]>();
  for (const route of routes) served.set(route.path, [...(served.get(route.path) ?? []), route.method]);
  const allowOf = (methods: string[]) =>
    methods.flatMap((m) => (m === 'get' ? ['GET', 'HEAD'] : [m.toUpperCase()])).join(', ');
  const notAllowed = (allow: string) =>
    new ApiError(405, 'method_not_allowed', `this path serves ${allow}`, {}, { Allow: allow });
  // Fixed paths are checked first: `GET /v1/caro-orders/replay` is a 405, not `GET /v1/caro-orders/:id`.
  for (const [path, methods] of served) {
    if (path.includes(':')) continue;
    const allow = allowOf(methods);
    router.all(path, (req, _res, next) => {
      if (!allow.split(', ').includes(req.method)) throw notAllowed(allow);
      next();
    });
  }
  for (const route of routes) {
    router[route.method](route.path, auth, async (req: Request, res: Response) => {
      const actor = req.actor!;
      const wait = await limiter.take(actor.keyId);
      if (wait > 0) throw tooManyRequests(wait);
      if (!route.roles.includes(actor.role))
        throw forbidden(`the ${actor.role} role may not ${route.summary.toLowerCase()}`);
      const params = route.params ? parseIn(route.params, req.params, 'path') : undefined;
      const query = route.query ? parseIn(route.query, req.query, 'query') : undefined;
      if (route.body) refuseCardData(req.body, 'body');
      const body = route.body ? parseIn(route.body, req.body, 'body') : undefined;
      const scope =
        route.method === 'post'
          ? idempotencyScope(req.header('idempotency-key'), route.method, req.path, req.body)
          : undefined;
      const reservation = scope && (await reserve(deps, actor, scope));
      if (reservation && 'replay' in reservation) return send(res, reservation.replay);
      let reply: Reply;
      try {
        reply = await route.handler({ params, query, body, actor, deps, req, res });
      } catch (error) {
        if (scope) await release(deps, actor, scope);
        throw error;
      }
      // The answer is kept before anything else can fail: once the handler has acted, a retry with
      // the same key replays this answer, it never runs the handler a second time.
      if (scope) await remember(deps, actor, scope, reply);
      await audit(deps, actor, route, reply);
      send(res, reply);
    });
  }
  for (const [path, methods] of served) {
    if (!path.includes(':')) continue;
    const allow = allowOf(methods);
    router.all(path, () => {
      throw notAllowed(allow);
    });
  }
  return router;
}
