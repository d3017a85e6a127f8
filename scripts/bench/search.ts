/**
 * `npm run bench -- search`: GET /v1/cases?q=… (issue 12 §1) at 100,000 cases on PostgreSQL, one key
 * kind at a time, loaded with autocannon; then the very statement the API sends (caseQuery), straight
 * through `pg` at the same concurrency. Prints req/s, p50, p95 and p99 of both and their ratio
 * (target: the API's p95 under 100 ms). PostgreSQL from BENCH_POSTGRES_URL (a superuser URL; a fresh
 * database is made and dropped), else the local server; without one it says so and stops.
 */
import autocannon from 'autocannon';
import pg from 'pg';
import { ATTENTION_KINDS } from '../../api/services/cases/attention.js';
import { caseQuery, JOURNEYS, searchKeys, type CaseFilter } from '../../api/services/cases/search.js';
import { createApiKey } from '../../lib/auth/key-store.js';
import { createPrisma } from '../../lib/db/client.js';
import { applyMigrations } from '../../lib/db/migrate.js';
import { createThrowawayDatabase } from '../../lib/db/throwaway-database.js';
import { DEFAULT_CONSENT_SCHEDULE } from '../../workflows/consent-renewal/contract.js';
import { CONNECTIONS, enterpriseOf, ibanOf, MANDATES, NAMES, ORDERS, referenceOf, seed } from './seed.js';
import { ADMIN_URL, benchServer, figures, loadPaths, measure, postgresReachable, type Figures } from './shared.js';

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 2_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
const TARGET_P95_MS = 100;

/** For each key kind: the q values an operator would type, each in its own formatting. */
async function keys(db: pg.Pool): Promise<Record<string, string[]>> {
  const n = 500;
  const pick = (max: number) => Array.from({ length: n }, (_, k) => 1 + ((k * 7919) % max));
  const cases = (
    await db.query<{ id: string; workflowId: string }>(
      `(SELECT id, "workflowId" FROM mandates LIMIT 200) UNION ALL (SELECT id, "workflowId" FROM caro_orders LIMIT 150)
       UNION ALL (SELECT id, "workflowId" FROM connections LIMIT 150)`,
    )
  ).rows;
  const unaccent = (s: string) => s.normalize('NFD').replace(/\p{M}/gu, '');
  return {
    'client name (partial, no accents)': pick(MANDATES).map((i) => `${unaccent(NAMES[i % 10]!).toUpperCase()} ${i}`),
    'enterprise number BE0123.456.789': pick(MANDATES).map((i) => {
      const d = enterpriseOf(i);
      return `BE${d.slice(0, 4)}.${d.slice(4, 7)}.${d.slice(7)}`;
    }),
    'client code (lower case)': pick(MANDATES).map((i) => `c-${i}`),
    'IBAN with spaces': pick(MANDATES).map((i) =>
      ibanOf(i)
        .replace(/(.{4})/g, '$1 ')
        .trim(),
    ),
    'card client reference': pick(ORDERS).map(referenceOf),
    'case id': cases.map((c) => c.id),
    'workflow id': cases.map((c) => c.workflowId),
  };
}

/** autocannon against GET /v1/cases?q=…, cycling through the values. */
const loadApi = (url: string, key: string, values: string[]) =>
  loadPaths(
    url,
    key,
    values.map((q) => `/v1/cases?q=${encodeURIComponent(q)}`),
    REQUESTS,
    CONCURRENCY,
  );

async function main() {
  if (!(await postgresReachable('bench search'))) return;
  const database = await createThrowawayDatabase(ADMIN_URL, 'bench_search');
  const pool = new pg.Pool({ connectionString: database.url, max: 10 });
  const prisma = createPrisma(database.url);
  try {
    await applyMigrations(database.url);
    const seeding = performance.now();
    await seed(pool);
    const seededIn = ((performance.now() - seeding) / 1000).toFixed(0);
    const server = await benchServer(prisma);
    const { key } = await createApiKey(prisma, { name: 'bench', role: 'operator' });
    const byKind = await keys(pool);
    console.log(
      `bench search: ${MANDATES + ORDERS + CONNECTIONS} cases (${MANDATES} mandates, ${ORDERS} CARO orders, ` +
        `${CONNECTIONS} connections; seeded in ${seededIn} s) on PostgreSQL (${new URL(ADMIN_URL).host}), ` +
        `${REQUESTS} requests per row, concurrency ${CONCURRENCY}, Node ${process.version}`,
    );
    // The statement the API sends for q (as an operator: no office scope), through pg.
    const direct = (q: string) => {
      const filter: CaseFilter = { q: searchKeys(q), journeys: JOURNEYS, officeIds: [], reportKinds: ATTENTION_KINDS };
      const sql = caseQuery(filter, { consentSchedule: DEFAULT_CONSENT_SCHEDULE }, undefined, 51);
      return pool.query(sql.text, sql.values);
    };
    const row = (name: string, f: Figures) =>
      `${name.padEnd(44)} ${f.reqPerSec.toFixed(0).padStart(7)} ${[f.p50, f.p95, f.p99].map((v) => v.toFixed(1).padStart(8)).join(' ')}`;
    console.log(
      `\n${'q'.padEnd(44)} ${'req/s'.padStart(7)} ${['p50 ms', 'p95 ms', 'p99 ms'].map((h) => h.padStart(8)).join(' ')}`,
    );
    const worst: number[] = [];
    for (const [kind, values] of Object.entries(byKind)) {
      const hits = (await direct(values[0]!)).rowCount ?? 0;
      if (hits === 0)
        throw new Error(`bench search: ${kind} ${values[0]} finds nothing: the seed and the keys disagree`);
      if (process.env.BENCH_EXPLAIN) {
        const filter: CaseFilter = {
          q: searchKeys(values[0]!),
          journeys: JOURNEYS,
          officeIds: [],
          reportKinds: ATTENTION_KINDS,
        };
        const sql = caseQuery(filter, { consentSchedule: DEFAULT_CONSENT_SCHEDULE }, undefined, 51);
        const plan = await pool.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS) ${sql.text}`, sql.values);
        console.log(`\n${kind}: ${values[0]}\n${plan.rows.map((r) => r['QUERY PLAN']).join('\n')}`);
      }
      for (let i = 0; i < 50; i++) await direct(values[i % values.length]!); // warm up
      await loadApi(server.url, key, values.slice(0, 50));
      const api = await loadApi(server.url, key, values);
      let k = 0;
      const sql = await measure(
        async () => {
          await direct(values[k++ % values.length]!);
        },
        REQUESTS,
        CONCURRENCY,
      );
      worst.push(api.p95);
      console.log(row(`${kind} (API, autocannon)`, api));
      console.log(row(`${kind} (the same SQL through pg)`, sql));
      console.log(
        `${''.padEnd(44)} ratio API/SQL: ${(api.reqPerSec / sql.reqPerSec).toFixed(2)}× req/s, p95 ${(api.p95 / sql.p95).toFixed(1)}×`,
      );
    }
    // What every authenticated request costs before its handler: key lookup, shared rate limit, HTTP, JSON.
    const floor = await new Promise<Figures>((resolve, reject) => {
      const latencies: number[] = [];
      const started = performance.now();
      const instance = autocannon(
        {
          url: `${server.url}/v1/offices/00000000-0000-4000-8000-000000000001`,
          connections: CONCURRENCY,
          amount: REQUESTS,
          headers: { authorization: `Bearer ${key}` },
        },
        (error) => (error ? reject(error) : resolve(figures(latencies, (performance.now() - started) / 1000))),
      );
      instance.on('response', (_c, status, _b, responseTime) => {
        if (status !== 200) reject(new Error(`GET /v1/offices/:id: HTTP ${status}`));
        latencies.push(responseTime);
      });
    });
    console.log(row('GET /v1/offices/:id (the API floor)', floor));
    // For context, not a target: the work queue and the dashboard read every case's attention.
    for (const path of ['/v1/cases?attention=true', '/v1/cases/summary']) {
      const whole = await measure(
        async () => {
          const res = await fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${key}` } });
          await res.arrayBuffer();
          if (res.status !== 200) throw new Error(`GET ${path}: HTTP ${res.status}`);
        },
        Math.max(10, Math.round(REQUESTS / 100)),
        2,
      );
      console.log(row(`GET ${path} (2 at a time)`, whole));
    }
    await server.close();
    const p95 = Math.max(...worst);
    console.log(
      `\nworst API p95: ${p95.toFixed(1)} ms (target < ${TARGET_P95_MS} ms: ${p95 < TARGET_P95_MS ? 'met' : 'NOT met'})`,
    );
  } finally {
    await prisma.$disconnect();
    await pool.end();
    await database.drop();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
