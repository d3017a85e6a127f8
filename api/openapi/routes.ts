import { Router } from 'express';
import type { RouteDef } from '../http/route.js';
import { buildOpenApi } from './document.js';
import { renderDocs } from './docs-page.js';

/** `/openapi.json` and a readable `/docs` page, both public and built once. */
export function docsRoutes(routes: readonly RouteDef[]): Router {
  const document = buildOpenApi(routes);
  const page = renderDocs(document);
  const router = Router();
  router.get('/openapi.json', (_req, res) => {
    res.json(document);
  });
  router.get('/docs', (_req, res) => {
    res.type('html').send(page);
  });
  return router;
}
