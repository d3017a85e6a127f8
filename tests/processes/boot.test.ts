import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../../lib/db/embedded.js';
import { applyMigrations } from '../../lib/db/migrate.js';
import { parseMetrics } from '../helpers/prometheus.js';
import { createTimeSkippingEnv, freePort } from '../helpers/temporal.js';
import { spawnEntry } from './spawn.js';

describe('process boot: a bad environment fails with one readable line', () => {
  it.each([
    ['api/main.ts', { DATABASE_URL: 'postgresql://x@localhost/db', PORT: 'eighty' }, /^Invalid environment: PORT: .+$/],
    ['api/main.ts', {}, /^Invalid environment: DATABASE_URL: is required/],
    [
      'api/main.ts',
      { DATABASE_URL: 'postgresql://x@localhost/db', CARO_REMINDERS: '20s,40s,1 minute' },
      /^Invalid environment: CARO_REMINDERS: must be a comma-separated list of durations, .+ \("1 minute" is not\)$/,
    ],
    [
      'api/main.ts',
      { DATABASE_URL: 'postgresql://x@localhost/db', MANDATE_STALLED_AFTER: '56d', MANDATE_STALLED_AFTER_DAYS: '56' },
      /^Invalid environment: MANDATE_STALLED_AFTER: set MANDATE_STALLED_AFTER or MANDATE_STALLED_AFTER_DAYS \(whole days\), not both$/,
    ],
    // npm start: before it starts the embedded database and Temporal.
    [
      'scripts/start.ts',
      { CARO_EXPIRY: 'soon' },
      /^Invalid environment: CARO_EXPIRY: must be a duration, .+\(got "soon"\)$/,
    ],
    [
      'workers/main.ts',
      { DATABASE_URL: 'mysql://x@localhost/db' },
      /^Invalid environment: DATABASE_URL: must be a postgresql:\/\/ URL$/,
    ],
    [
      'workers/main.ts',
      { DATABASE_URL: 'postgresql://x@localhost/db', TEMPORAL_TLS: 'maybe' },
      /^Invalid environment: TEMPORAL_TLS: must be true or false \(got "maybe"\)$/,
    ],
  ])('%s with %j', async (entry, env, expected) => {
    const proc = spawnEntry(entry, env);
    const { code } = await proc.exited;
    expect(code).toBe(1);
    const lines = proc.output().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(expected);
  });
});

describe('process lifecycle against a real Temporal and database', () => {
  let temporal: TestWorkflowEnvironment;
  let pg: EmbeddedPostgres;
  beforeAll(async () => {
    [temporal, pg] = await Promise.all([createTimeSkippingEnv(), startEmbeddedPostgres()]);
    await applyMigrations(pg.url);
  });
  afterAll(async () => {
    await pg?.stop();
    await temporal?.teardown();
  });

  it('the worker starts, logs JSON, and stops cleanly on SIGTERM', async () => {
    const worker = spawnEntry('workers/main.ts', {
      DATABASE_URL: pg.url,
      TEMPORAL_ADDRESS: temporal.address,
      TEMPORAL_TASK_QUEUE: 'boot-test',
    });
    const started = JSON.parse(await worker.waitForLine(/"worker started"/, 90_000)) as Record<string, unknown>;
    expect(started).toMatchObject({ level: 'info', service: 'worker', taskQueue: 'boot-test', msg: 'worker started' });
    worker.child.kill('SIGTERM');
    expect(await worker.exited).toEqual({ code: 0, signal: null });
    expect(worker.output()).toMatch(/"worker stopped cleanly"/);
  });

  it('the worker serves /metrics: its own and the Temporal SDK worker metrics, in a format Prometheus parses', async () => {
    const port = await freePort();
    const worker = spawnEntry('workers/main.ts', {
      DATABASE_URL: pg.url,
      TEMPORAL_ADDRESS: temporal.address,
      TEMPORAL_TASK_QUEUE: 'metrics-test',
      WORKER_METRICS_PORT: String(port),
      WORKER_METRICS_HOST: '127.0.0.1',
    });
    try {
      await worker.waitForLine(/"worker started"/, 90_000);
      // The SDK reports its pollers once they have polled: ask until they show.
      let names: string[] = [];
      for (let i = 0; i < 30 && !names.some((n) => n.startsWith('temporal_')); i++) {
        const res = await fetch(`http://127.0.0.1:${port}/metrics`);
        expect(res.status).toBe(200);
        expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
        names = parseMetrics(await res.text()).map((f) => f.name);
        if (!names.some((n) => n.startsWith('temporal_'))) await new Promise((r) => setTimeout(r, 500));
      }
      expect(names).toContain('process_resident_memory_bytes');
      expect(names).toContain('nodejs_eventloop_lag_seconds');
      expect(names.filter((n) => n.startsWith('temporal_')).length).toBeGreaterThan(0);
      expect(names.some((n) => /^temporal_(num_pollers|worker_task_slots_available|sticky_cache_size)/.test(n))).toBe(
        true,
      );
    } finally {
      worker.child.kill('SIGTERM');
      expect(await worker.exited).toEqual({ code: 0, signal: null });
    }
  });

  it('the API serves, drains on SIGTERM, and exits 0', async () => {
    const api = spawnEntry('api/main.ts', {
      DATABASE_URL: pg.url,
      TEMPORAL_ADDRESS: temporal.address,
      PORT: '0',
      HOST: '127.0.0.1',
    });
    const line = JSON.parse(await api.waitForLine(/"api listening"/)) as { url: string };
    const ready = await fetch(`${line.url}/readyz`);
    expect(ready.status).toBe(200);
    const request = await fetch(`${line.url}/healthz`, { headers: { 'x-request-id': 'req-boot-1' } });
    expect(request.headers.get('x-request-id')).toBe('req-boot-1');
    await api.waitForLine(/"requestId":"req-boot-1"/);
    api.child.kill('SIGTERM');
    expect(await api.exited).toEqual({ code: 0, signal: null });
    expect(api.output()).toMatch(/"api stopped cleanly"/);
  });
});
