import { afterAll, describe, expect, it } from 'vitest';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { resolveTemporalCli, resolveTestServer } from '../../lib/temporal-binaries.js';
import { childProcesses, createTimeSkippingEnv, startDevServer, type DevServer } from '../helpers/temporal.js';

const DAY_MS = 24 * 60 * 60 * 1000;

/** The one server process this test started; from `binary` unless the SDK downloaded its own (internet only). */
async function expectOneServer(binary: string | undefined): Promise<void> {
  const children = await childProcesses();
  expect(children).toHaveLength(1);
  if (binary) expect(children[0]?.startsWith(binary)).toBe(true);
}

describe('time-skipping test server', () => {
  let env: TestWorkflowEnvironment | undefined;
  afterAll(() => env?.teardown());

  it('starts from the local binary and skips 30 days at once', async () => {
    env = await createTimeSkippingEnv();
    await expectOneServer(resolveTestServer());

    const before = await env.currentTimeMs();
    const started = performance.now();
    await env.sleep('30 days');
    expect((await env.currentTimeMs()) - before).toBeGreaterThanOrEqual(30 * DAY_MS);
    expect(performance.now() - started).toBeLessThan(5_000);

    await env.teardown();
    env = undefined;
    expect(await childProcesses()).toEqual([]);
  });
});

describe('dev server (temporal server start-dev)', () => {
  let server: DevServer | undefined;
  afterAll(() => server?.stop());

  it('starts on free ports, answers gRPC and the UI, and stops without leftovers', async () => {
    server = await startDevServer({ ui: true });
    await expectOneServer(resolveTemporalCli());
    expect(server.address).not.toMatch(/:7233$/);

    const service = server.env.connection.workflowService;
    const info = await service.getSystemInfo({});
    expect(info.serverVersion).toMatch(/^\d+\.\d+/);
    const ns = await service.describeNamespace({ namespace: server.namespace });
    expect(ns.namespaceInfo?.name).toBe('default');
    expect((await fetch(server.uiUrl!)).status).toBe(200);

    await server.stop();
    await server.stop(); // idempotent
    server = undefined;
    expect(await childProcesses()).toEqual([]);
  });
});
