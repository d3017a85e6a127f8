// The monitoring of docker-compose.yml, checked without a Docker engine: Prometheus scrapes the
// ports the api and worker serve /metrics on; Grafana's provisioned datasource is Prometheus; every
// product metric a dashboard panel asks for is one the processes register.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { apiEnvSchema } from '../../api/env.js';
import { caseMetrics } from '../../api/metrics/cases.js';
import '../../api/metrics/http.js';
import '../../lib/metrics/email.js';
import { processRegistry } from '../../lib/metrics/registry.js';
import type { PrismaClient } from '../../prisma/generated/client.js';

const compose = parse(readFileSync('docker-compose.yml', 'utf8')) as {
  services: Record<string, { environment?: Record<string, string>; volumes?: string[] }>;
};
const prometheus = parse(readFileSync('deploy/monitoring/prometheus.yml', 'utf8')) as {
  scrape_configs: { job_name: string; metrics_path: string; static_configs: { targets: string[] }[] }[];
};
const datasources = parse(
  readFileSync('deploy/monitoring/grafana/provisioning/datasources/prometheus.yml', 'utf8'),
) as {
  datasources: { uid: string; type: string; url: string }[];
};
const dashboard = JSON.parse(readFileSync('deploy/monitoring/grafana/dashboards/bankfeed.json', 'utf8')) as {
  panels: { title: string; datasource: { uid: string }; targets: { expr: string }[] }[];
};

/** What the product registers (names as Prometheus exposes them, histograms with their series). */
function registeredNames(): Set<string> {
  const names = new Set<string>();
  // Never scraped here: the case metrics are only listed, so no database is needed.
  const registries = [processRegistry(), caseMetrics({} as PrismaClient)];
  for (const registry of registries)
    for (const metric of registry.getMetricsAsArray()) {
      const { name, type } = metric as unknown as { name: string; type: string };
      names.add(name);
      if (type === 'histogram') for (const suffix of ['_bucket', '_sum', '_count']) names.add(`${name}${suffix}`);
    }
  return names;
}

describe('monitoring (Prometheus and Grafana in docker-compose.yml)', () => {
  it('scrapes the api on its port and the worker on WORKER_METRICS_PORT', () => {
    const targets = Object.fromEntries(
      prometheus.scrape_configs.map((c) => [c.job_name, c.static_configs[0]!.targets[0]]),
    );
    const apiPort = apiEnvSchema.shape.PORT.parse(compose.services.api!.environment!.PORT);
    expect(targets).toEqual({
      api: `api:${apiPort}`,
      worker: `worker:${compose.services.worker!.environment!.WORKER_METRICS_PORT}`,
    });
    for (const c of prometheus.scrape_configs) expect(c.metrics_path).toBe('/metrics');
    expect(compose.services.prometheus!.volumes).toContain(
      './deploy/monitoring/prometheus.yml:/etc/prometheus/prometheus.yml:ro',
    );
  });

  it('gives Grafana the compose Prometheus as its datasource, used by every panel', () => {
    const [source] = datasources.datasources;
    expect(source).toMatchObject({ type: 'prometheus', url: 'http://prometheus:9090' });
    for (const panel of dashboard.panels) expect(panel.datasource.uid, panel.title).toBe(source!.uid);
  });

  it('asks only for metrics the processes register (temporal_* from the SDK, process_* from Node)', () => {
    const registered = registeredNames();
    const asked = dashboard.panels.flatMap((p) =>
      p.targets.flatMap((t) => t.expr.match(/\b(bankfeed|process|nodejs|temporal)_[a-z_]+/g) ?? []),
    );
    expect(asked.length).toBeGreaterThan(0);
    const unknown = asked.filter((name) => !name.startsWith('temporal_') && !registered.has(name));
    expect(unknown).toEqual([]);
    // The funnel of each journey, what needs attention, and the worker's health.
    const titles = dashboard.panels.map((p) => p.title).join('\n');
    expect(titles).toMatch(/Mandates by status/);
    expect(titles).toMatch(/attention/);
    expect(titles).toMatch(/Worker/);
  });
});
