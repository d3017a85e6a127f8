import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileErrors, validate } from '@readme/openapi-parser';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiRoutes } from '../../api/routes/index.js';
import { browserSkipReason, launchChromium } from '../helpers/browser.js';
import { startTestStack, type TestStack } from '../helpers/stack.js';
import { createTimeSkippingEnv } from '../helpers/temporal.js';

let temporal: TestWorkflowEnvironment;
let stack: TestStack;
let document: any;

beforeAll(async () => {
  temporal = await createTimeSkippingEnv();
  stack = await startTestStack(temporal);
  const res = await stack.http('GET', '/openapi.json', undefined, { key: null });
  expect(res.status).toBe(200);
  document = res.body;
});
afterAll(async () => {
  await stack?.stop();
  await temporal?.teardown();
});

describe('/openapi.json', () => {
  it('is a valid OpenAPI 3.1 document', async () => {
    expect(document.openapi).toBe('3.1.0');
    const result = await validate(structuredClone(document));
    expect(result.valid ? '' : compileErrors(result)).toBe('');
  });

  it('lists every route with its method, roles, parameters and responses', () => {
    for (const route of apiRoutes) {
      const op = document.paths[route.path.replace(/:([A-Za-z_]+)/g, '{$1}')]?.[route.method];
      expect(op, `${route.method} ${route.path}`).toBeDefined();
      expect(op.operationId).toBe(route.operationId);
      expect(op['x-roles']).toEqual([...route.roles]);
      expect(Object.keys(op.responses).map(Number).sort()).toEqual(Object.keys(route.responses).map(Number).sort());
      expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(['429', '503']));
      for (const name of route.path.match(/:([A-Za-z_]+)/g) ?? []) {
        expect(op.parameters.map((p: { name: string }) => p.name)).toContain(name.slice(1));
      }
      if (route.body) expect(op.requestBody.content['application/json'].schema).toBeDefined();
    }
    const documented = Object.entries(document.paths)
      .filter(([path]) => !path.startsWith('/v1/webhooks/') && path !== '/v1/session')
      .flatMap(([, methods]) => Object.keys(methods as object));
    expect(documented).toHaveLength(apiRoutes.length);
  });

  it('documents 422 idempotency_key_reused, and the key it accepts, on every operation that takes Idempotency-Key', () => {
    const operations = Object.values(document.paths).flatMap((methods) => Object.values(methods as object));
    const idempotent = operations.filter((op) =>
      op.parameters.some((p: { name: string }) => p.name === 'Idempotency-Key'),
    );
    expect(idempotent).toHaveLength(apiRoutes.filter((r) => r.method === 'post').length);
    for (const op of idempotent) {
      expect(op.responses['422']?.description, op.operationId).toContain('idempotency_key_reused');
      expect(op.responses['400'], op.operationId).toBeDefined();
      const header = op.parameters.find((p: { name: string }) => p.name === 'Idempotency-Key');
      expect(new RegExp(header.schema.pattern).test('order-2026-11-24/1')).toBe(true);
      expect(new RegExp(header.schema.pattern).test('ä')).toBe(false);
    }
  });

  it('documents what the route layer answers on its own: 401, 403 for roles left out, 400, 413 for a body', () => {
    for (const route of apiRoutes) {
      const op = document.paths[route.path.replace(/:([A-Za-z_]+)/g, '{$1}')][route.method];
      expect(op.responses['401'], route.operationId).toBeDefined();
      if (route.roles.length < 3) expect(op.responses['403'], route.operationId).toBeDefined();
      if (route.body)
        expect(Object.keys(op.responses), route.operationId).toEqual(expect.arrayContaining(['400', '413']));
    }
  });

  it('answers 405 with Allow for a method a documented path does not serve', async () => {
    for (const [path, allow] of [
      ['/v1/offices', 'POST, GET, HEAD'],
      ['/v1/webhooks/caro', 'POST'],
      // A fixed path beside a parameter one (`/v1/caro-orders/:id`) answers for itself.
      ['/v1/caro-orders/replay', 'POST'],
    ] as const) {
      const res = await stack.http('PUT', path, {});
      expect(res.status, path).toBe(405);
      expect(res.headers.get('allow')).toBe(allow);
      expect(res.body).toMatchObject({ code: 'method_not_allowed' });
    }
    // Not taken for `GET /v1/caro-orders/:id` with the id "replay".
    const get = await stack.http('GET', '/v1/caro-orders/replay');
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
  });

  it("documents each provider's signed webhook with its event schemas", () => {
    for (const provider of ['esign', 'caro', 'banklink', 'aggregator']) {
      const op = document.paths[`/v1/webhooks/${provider}`]?.post;
      expect(op, provider).toBeDefined();
      expect(op.security).toEqual([]);
      expect(op.parameters[0]).toMatchObject({ name: 'Webhook-Signature', in: 'header', required: true });
      expect(JSON.stringify(op.requestBody.content['application/json'].schema)).toContain('eventId');
    }
    const aggregator = JSON.stringify(document.paths['/v1/webhooks/aggregator'].post.requestBody);
    expect(aggregator).toContain('consent.renewed');
  });

  it('describes request bodies from the same zod schemas that validate them', () => {
    const schema = document.paths['/v1/connections'].post.requestBody.content['application/json'].schema;
    expect(schema.required).toEqual(expect.arrayContaining(['provider', 'ownerLanguage', 'ibans', 'validUntil']));
    expect(schema.properties.ownerLanguage.enum).toEqual(['fr', 'nl', 'en', 'de']);
    expect(schema.additionalProperties).toBe(false);
  });
});

describe.skipIf(browserSkipReason !== undefined)(
  `/docs in a real browser${browserSkipReason ? ` (skipped: ${browserSkipReason})` : ''}`,
  () => {
    it('shows every operation in Swagger UI and tries one with the Bearer key, from the keyboard', async () => {
      const browser = await launchChromium();
      try {
        const page = await browser.newPage();
        const fromCdn: string[] = [];
        page.on('request', (r) => {
          if (!r.url().startsWith(stack.api.url)) fromCdn.push(r.url());
        });
        const res = await page.goto(`${stack.api.url}/docs`);
        expect(res?.status()).toBe(200);
        await page.locator('.info .title').waitFor();
        expect(await page.locator('.info .title').innerText()).toContain('Bank-feed onboarding API');
        for (const route of apiRoutes) {
          const block = page.locator(`[id="operations-${route.tag}-${route.operationId}"]`);
          expect(await block.count(), route.operationId).toBe(1);
          expect((await block.locator('.opblock-summary-method').innerText()).toLowerCase()).toBe(route.method);
        }

        // Authorize with a key, typed and confirmed with the keyboard.
        await page.getByRole('button', { name: 'Authorize' }).first().click();
        const keyField = page.locator('.modal-ux input').first();
        await keyField.focus();
        await page.keyboard.type(stack.operatorKey);
        await page.keyboard.press('Enter');
        // One Close per security scheme (the API key, the console's session cookie).
        await page.locator('.modal-ux').getByRole('button', { name: 'Close' }).first().click();

        // Try GET /v1/offices: the answer is the API's, authorised.
        const offices = page.locator('[id="operations-offices-listOffices"]');
        await offices.locator('.opblock-summary-control').click();
        await offices.getByRole('button', { name: 'Execute' }).click();
        const status = offices.locator('.live-responses-table .response .response-col_status');
        await status.waitFor();
        expect((await status.innerText()).trim()).toBe('200');
        expect(await offices.locator('.curl-command').innerText()).toContain('Authorization: Bearer bfk_');
        expect(fromCdn).toEqual([]);
        await page.screenshot({ path: join(mkdtempSync(join(tmpdir(), 'docs-')), 'docs.png'), fullPage: false });
      } finally {
        await browser.close();
      }
    });
  },
);
