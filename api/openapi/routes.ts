import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Router } from 'express';
import type { RouteDef } from '../http/route.js';
import { buildOpenApi } from './document.js';

/** swagger-ui-dist's folder: its assets are served from npm, never a CDN. */
const swaggerUiDir = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
const ASSETS = new Set(['swagger-ui.css', 'swagger-ui-bundle.js', 'favicon-32x32.png']);

/** The page: Swagger UI's assets and our initialiser, no inline script (a strict CSP can serve it). */
const page = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Bank-feed onboarding API</title>
  <link rel="stylesheet" href="/docs/assets/swagger-ui.css">
</head>
<body>
  <noscript><p>This page needs JavaScript. The API's description is at <a href="/openapi.json">/openapi.json</a>.</p></noscript>
  <div id="docs"></div>
  <script src="/docs/assets/swagger-ui-bundle.js"></script>
  <script src="/docs/init.js"></script>
</body>
</html>`;

/** Try-it-out on, the Bearer key kept across reloads of the tab, the operations' ids shown. */
const init = `window.ui = SwaggerUIBundle({
  url: '/openapi.json',
  dom_id: '#docs',
  deepLinking: true,
  displayOperationId: true,
  persistAuthorization: true,
  tryItOutEnabled: true,
  docExpansion: 'list',
});
`;

/** `/openapi.json`, and `/docs`: Swagger UI (swagger-ui-dist) on that document, try-it-out with the Bearer key. */
export function docsRoutes(routes: readonly RouteDef[]): Router {
  const document = buildOpenApi(routes);
  const router = Router();
  router.get('/openapi.json', (_req, res) => {
    res.json(document);
  });
  router.get('/docs', (_req, res) => {
    res.type('html').send(page);
  });
  router.get('/docs/init.js', (_req, res) => {
    res.type('text/javascript').send(init);
  });
  router.get('/docs/assets/:file', (req, res, next) => {
    if (!ASSETS.has(req.params.file)) return next();
    res.sendFile(join(swaggerUiDir, req.params.file), { maxAge: '1h' });
  });
  return router;
}
