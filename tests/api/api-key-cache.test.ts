import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseApiKey } from '../../lib/auth/api-keys.js';
import { startTestStack, type TestStack } from '../helpers/stack.js';
import { createTimeSkippingEnv } from '../helpers/temporal.js';

// An API key's row is reused for API_KEY_CACHE_MS (api/http/api-key-cache.ts): revoked through this
// process it is refused at once; revoked elsewhere (another API process, `npm run keys`), within that time.
let temporal: TestWorkflowEnvironment;
let stack: TestStack;
const CACHE_MS = 3_000;

beforeAll(async () => {
  temporal = await createTimeSkippingEnv();
  stack = await startTestStack(temporal, { apiKeyCacheMs: CACHE_MS });
});
afterAll(async () => {
  await stack?.stop();
  await temporal?.teardown();
});

const offices = (key: string) => stack.http('GET', '/v1/offices', undefined, { key });

describe('API-key lookups', () => {
  it('refuses a key revoked through the API at once, although its row was just read', async () => {
    const key = await stack.key('operator');
    expect((await offices(key)).status).toBe(200);
    const row = await stack.db.prisma.apiKey.findUniqueOrThrow({ where: { prefix: parseApiKey(key)!.prefix } });
    expect((await stack.http('DELETE', `/v1/api-keys/${row.id}`)).status).toBe(204);
    expect(await offices(key)).toMatchObject({ status: 401, body: { code: 'unauthorized' } });
  });

  it('refuses a key revoked by another process within API_KEY_CACHE_MS, reusing its row until then', async () => {
    const key = await stack.key('support');
    expect((await offices(key)).status).toBe(200);
    const revokedAt = Date.now();
    await stack.db.prisma.apiKey.update({
      where: { prefix: parseApiKey(key)!.prefix },
      data: { revokedAt: new Date() },
    });
    // Still the cached row: the database was not asked again.
    expect((await offices(key)).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, CACHE_MS + 50 - (Date.now() - revokedAt)));
    expect((await offices(key)).status).toBe(401);
  });

  it('never caches an unknown prefix: a key created after a refused attempt works at once', async () => {
    expect((await offices('bfk_aaaaaaaaaaaa_' + 'a'.repeat(43))).status).toBe(401);
    const key = await stack.key('operator');
    expect((await offices(key)).status).toBe(200);
  });
});
