import express from 'express';
import type { AppDeps } from './deps.js';
import { notFoundHandler, problemHandler } from './middleware/problem.js';
import { requestContext } from './middleware/request-context.js';
import { connectionRoutes } from './routes/connections.js';
import { healthRoutes } from './routes/health.js';
import { officeRoutes } from './routes/offices.js';

export type { AppDeps } from './deps.js';

/** Builds the HTTP API. It never listens: `api/main.ts` does, tests use an ephemeral port. */
export function createApp(deps: AppDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.use(requestContext(deps.logger));
  app.use(express.json({ limit: '100kb', strict: true }));
  app.use(healthRoutes(deps));
  app.use('/v1/offices', officeRoutes(deps));
  app.use('/v1/connections', connectionRoutes(deps));
  app.use(notFoundHandler);
  app.use(problemHandler);
  return app;
}
