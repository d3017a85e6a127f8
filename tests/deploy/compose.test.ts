import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { apiEnvSchema } from '../../api/env.js';
import { workerEnvSchema } from '../../workers/env.js';

// No Docker engine runs here: the file is checked for consistency with the app instead of started.
interface Service {
  image?: string;
  build?: string | { context: string };
  command?: string[];
  environment?: Record<string, string>;
  ports?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: unknown;
}
const compose = parse(readFileSync('docker-compose.yml', 'utf8')) as {
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
};
const SECRET = /SECRET|API_KEY/;

/** Compose's variable interpolation, with a stand-in value for each required (`:?`) variable. */
function interpolate(env: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).map(([key, value]) => [
      key,
      value.replace(
        /\$\{([A-Z_]+)(?::\?[^}]*|:-([^}]*))\}/g,
        (_m, name: string, fallback?: string) => fallback ?? `stand-in-${name.toLowerCase()}-0123456789abcdef`,
      ),
    ]),
  );
}
/** The Dockerfile runs both processes with NODE_ENV=production. */
const IMAGE_ENV = { NODE_ENV: /ENV NODE_ENV=(\w+)/.exec(readFileSync('Dockerfile', 'utf8'))?.[1] ?? '' };
const services = compose.services;
const dockerfile = readFileSync('Dockerfile', 'utf8');

describe('docker-compose.yml', () => {
  it('has PostgreSQL, Temporal with PostgreSQL persistence, the Temporal UI, and api + worker built from the repo', () => {
    expect(Object.keys(services).sort()).toEqual([
      'api',
      'grafana',
      'postgres',
      'prometheus',
      'temporal',
      'temporal-ui',
      'worker',
    ]);
    expect(services.postgres?.image).toMatch(/^postgres:\d+/);
    expect(services.temporal?.image).toMatch(/^temporalio\/(auto-setup|server):\d+\.\d+\.\d+$/);
    expect(services.temporal?.environment?.DB).toMatch(/^postgres/);
    expect(services['temporal-ui']?.image).toMatch(/^temporalio\/ui:\d+\.\d+\.\d+$/);
    expect(services.api?.build).toBe('.');
    expect(services.worker?.build).toBe('.');
  });

  it('pins every image to a version', () => {
    for (const [name, service] of Object.entries(services)) {
      if (service.image) expect(service.image, name).not.toMatch(/:latest$|^[^:]+$/);
    }
  });

  it('points api and worker at the compose PostgreSQL with its own credentials, and at the Temporal service', () => {
    const pg = services.postgres!.environment!;
    for (const name of ['api', 'worker'] as const) {
      const env = services[name]!.environment!;
      const url = new URL(env.DATABASE_URL!);
      expect(url.hostname, name).toBe('postgres');
      expect(decodeURIComponent(url.username), name).toBe(pg.POSTGRES_USER);
      expect(decodeURIComponent(url.password), name).toBe(pg.POSTGRES_PASSWORD);
      expect(url.pathname.slice(1), name).toBe(pg.POSTGRES_DB);
      expect(env.TEMPORAL_ADDRESS, name).toBe('temporal:7233');
      expect(services[name]!.environment!.TEMPORAL_TASK_QUEUE).toBe(services.api!.environment!.TEMPORAL_TASK_QUEUE);
    }
    expect(services.temporal!.environment!.POSTGRES_SEEDS).toBe('postgres');
    expect(services.temporal!.environment!.POSTGRES_USER).toBe(pg.POSTGRES_USER);
    expect(services.temporal!.environment!.POSTGRES_PWD).toBe(pg.POSTGRES_PASSWORD);
    expect(services['temporal-ui']!.environment!.TEMPORAL_ADDRESS).toBe('temporal:7233');
  });

  it('gives api and worker an environment their env schemas accept in production, and nothing they do not know', () => {
    expect(IMAGE_ENV.NODE_ENV).toBe('production');
    const cases = [
      ['api', apiEnvSchema],
      ['worker', workerEnvSchema],
    ] as const;
    for (const [name, schema] of cases) {
      const env = { ...interpolate(services[name]!.environment!), ...IMAGE_ENV };
      const parsed = schema.safeParse(Object.fromEntries(Object.entries(env).filter(([, v]) => v !== '')));
      expect(parsed.success ? [] : parsed.error.issues, name).toEqual([]);
      const known = Object.keys(schema.shape);
      expect(
        Object.keys(env).filter((key) => !known.includes(key)),
        name,
      ).toEqual([]);
    }
  });

  it('takes every secret from the environment, required, never written in the file', () => {
    for (const name of ['api', 'worker'] as const) {
      for (const [key, value] of Object.entries(services[name]!.environment!)) {
        if (SECRET.test(key) && key !== 'RESEND_API_KEY')
          expect(value, `${name} ${key}`).toMatch(new RegExp(`^\\$\\{${key}:\\?.+\\}$`));
      }
    }
    expect(services.worker!.environment!.RESEND_API_KEY).toBe('${RESEND_API_KEY:-}');
  });

  it('publishes the API on the port it listens on', () => {
    const port = apiEnvSchema.parse(interpolate(services.api!.environment!)).PORT;
    expect(services.api!.ports).toContain(`${port}:${port}`);
  });

  it('only depends on services that exist, waiting for health where a healthcheck exists', () => {
    for (const [name, service] of Object.entries(services)) {
      for (const [dependency, { condition }] of Object.entries(service.depends_on ?? {})) {
        expect(services[dependency], `${name} → ${dependency}`).toBeDefined();
        if (condition === 'service_healthy')
          expect(services[dependency]!.healthcheck, `${dependency} healthcheck`).toBeDefined();
      }
    }
  });

  it('runs entry points that the Dockerfile builds from sources in this repo', () => {
    for (const name of ['api', 'worker'] as const) {
      const [node, entry] = services[name]!.command!;
      expect(node).toBe('node');
      const source = entry!.replace(/^dist\//, '').replace(/\.js$/, '.ts');
      expect(existsSync(source), `${entry} is built from ${source}`).toBe(true);
    }
    expect(dockerfile).toMatch(/npm ci/);
    expect(dockerfile).toMatch(/npm run build/);
    expect(dockerfile).toMatch(/COPY --from=build \/app\/prisma\/migrations/);
  });
});
