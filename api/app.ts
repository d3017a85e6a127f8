import express from 'express';
import type { AppDeps } from './deps.js';
import { BODY_LIMIT_BYTES } from './http/body-limit.js';
import { mountRoutes } from './http/mount.js';
import { createRateLimiter } from './http/rate-limit.js';
import { notFoundHandler, problemHandler } from './middleware/problem.js';
import { requestContext } from './middleware/request-context.js';
import { requestSpan } from './middleware/request-span.js';
import { consoleRoutes } from './console.js';
import { httpMetrics } from './metrics/http.js';
import { docsRoutes } from './openapi/routes.js';
import { linkRoutes } from './routes/links.js';
import { healthRoutes } from './routes/health.js';
import { metricsRoutes } from './routes/metrics.js';
import { apiRoutes } from './routes/index.js';
import { sessionRoutes } from './routes/session.js';
import { webhookRoutes } from './webhooks/router.js';

export type { AppDeps } from './deps.js';

/** Builds the HTTP API. It never listens: `api/main.ts` does, tests use an ephemeral port. */
export function createApp(deps: AppDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.use(requestContext(deps.logger));
  app.use(requestSpan());
  app.use(httpMetrics());
  // Signed over the raw body bytes: webhooks read the body themselves, before express.json.
  app.use(webhookRoutes(deps));
  app.use(linkRoutes(deps));
  if (deps.consoleDir) app.use(consoleRoutes(deps.consoleDir));
  app.use(express.json({ limit: BODY_LIMIT_BYTES, strict: true }));
  app.use(healthRoutes(deps));
  app.use(metricsRoutes(deps));
  // Sandbox routes exist only when enabled: otherwise a 404, and absent from /openapi.json.
  const routes = apiRoutes.filter((route) => !route.sandbox || deps.sandbox === true);
  app.use(docsRoutes(routes));
  app.use(sessionRoutes(deps));
  app.use(mountRoutes(routes, deps, createRateLimiter(deps.prisma, deps.rateLimitPerMinute ?? 600)));
  app.use(notFoundHandler);
  app.use(problemHandler);
  return app;
}
