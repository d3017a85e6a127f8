import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONSOLE_CSP, consoleRoutes } from '../../api/console.js';
import { listen, type RunningServer } from '../../api/server.js';
import { consoleDistDir, consoleSourceHash, ensureConsoleBuilt } from '../../scripts/console/build.js';
import { schemaIsCurrent } from '../../scripts/console/schema.js';
import { silentLogger } from '../helpers/stack.js';

let server: RunningServer;
let asset: string;

beforeAll(async () => {
  // tests/global-setup.ts built it: a second call finds it up to date.
  expect(await ensureConsoleBuilt()).toBe('fresh');
  const index = readFileSync(join(consoleDistDir, 'index.html'), 'utf8');
  asset = /src="(\/console\/assets\/[^"]+\.js)"/.exec(index)?.[1] ?? '';
  const app = express().use(consoleRoutes(consoleDistDir));
  server = await listen(app, { port: 0, host: '127.0.0.1', logger: silentLogger, shutdownTimeoutMs: 500 });
});
afterAll(async () => {
  await server?.close();
});

describe('the console build', () => {
  it('records the hash of the sources it was built from', () => {
    expect(readFileSync(join(consoleDistDir, '.source-hash'), 'utf8')).toBe(consoleSourceHash());
  });

  it('has its API types generated from the current OpenAPI document (npm run console:schema)', async () => {
    expect(await schemaIsCurrent(), 'console/src/api/schema.d.ts is stale: run npm run console:schema').toBe(true);
  });

  it('loads scripts and styles from files only: no inline script, nothing from another origin', () => {
    const index = readFileSync(join(consoleDistDir, 'index.html'), 'utf8');
    expect(index).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(index).not.toMatch(/(src|href)="(https?:)?\/\//);
    expect(asset).toMatch(/^\/console\/assets\/index-[\w-]+\.js$/);
  });
});

describe('/console, served by the API', () => {
  const get = (path: string) => fetch(`${server.url}${path}`, { redirect: 'manual' });

  it('answers the page for every console address (the app routes in the browser), never cached, with a strict CSP', async () => {
    for (const path of [
      '/console/',
      '/console/cases/mandate/0190c1a0-0000-7000-8000-000000000000',
      '/console/search',
    ]) {
      const res = await get(path);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/text\/html/);
      expect(res.headers.get('cache-control')).toBe('no-cache');
      expect(res.headers.get('content-security-policy')).toBe(CONSOLE_CSP);
      expect(await res.text()).toContain('<div id="root"></div>');
    }
    expect(CONSOLE_CSP).toContain("script-src 'self'");
    expect(CONSOLE_CSP).not.toContain('unsafe-inline');
    // The outbox's e-mails keep their own inline styles, allowed one by one by hash.
    expect(CONSOLE_CSP).toMatch(/; style-src-attr 'unsafe-hashes'( 'sha256-[A-Za-z0-9+/]+=*')+;/);
  });

  it('caches the hashed assets for a year; a missing asset is a 404, not the page', async () => {
    const res = await get(asset);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/javascript/);
    expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    const missing = await get('/console/assets/index-missing.js');
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toMatch(/text\/plain/);
  });

  it('sends /console to /console/', async () => {
    const res = await get('/console');
    expect(res.status).toBe(301);
    expect(res.headers.get('location')).toBe('/console/');
  });
});
