// The console (console/, React + Vite) as built files under /console: hashed assets cached for a
// year, index.html for every other path (the single-page app routes in the browser), never cached.
// A strict Content-Security-Policy: scripts, styles and connections from this origin only, no inline script.
// The outbox shows an e-mail's HTML in a sandboxed srcdoc frame, which inherits this policy: the e-mails'
// own inline styles (and only those, by hash) are allowed as style attributes, so it looks as it was sent.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import express, { Router, type Response } from 'express';
import { emailStyleSources } from '../lib/email/templates/styles.js';

export const CONSOLE_PATH = '/console';

export const CONSOLE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  `style-src-attr ${emailStyleSources()}`,
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const secure = (res: Response) => {
  res.setHeader('Content-Security-Policy', CONSOLE_CSP);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'same-origin');
  res.setHeader('X-Frame-Options', 'DENY');
};

/** Serves `dir` (console/dist) at /console; without a build, /console says how to make one (503). */
export function consoleRoutes(dir: string): Router {
  const router = Router();
  const index = join(dir, 'index.html');
  // Non-strict routing matches /console/ here too: only the bare /console is sent on.
  router.get(CONSOLE_PATH, (req, res, next) =>
    req.originalUrl.split('?')[0] === CONSOLE_PATH ? res.redirect(301, `${CONSOLE_PATH}/`) : next(),
  );
  router.use(
    `${CONSOLE_PATH}/assets`,
    express.static(join(dir, 'assets'), {
      index: false,
      immutable: true,
      maxAge: '365d',
      setHeaders: secure,
    }),
  );
  // A missing asset is a 404, never the page: a stale tab asking for an old build's file must not get HTML.
  router.use(`${CONSOLE_PATH}/assets`, (_req, res) => {
    secure(res);
    res.status(404).type('text/plain').send('Not found\n');
  });
  router.get(`${CONSOLE_PATH}/{*path}`, (_req, res) => {
    secure(res);
    res.setHeader('Cache-Control', 'no-cache');
    if (!existsSync(index)) {
      res
        .status(503)
        .type('text/plain')
        .send('The console is not built: run `npm run console:build` (npm start builds it by itself).\n');
      return;
    }
    res.sendFile(index);
  });
  return router;
}
