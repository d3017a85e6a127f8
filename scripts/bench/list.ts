/**
 * `npm run bench -- list`: the list pages at BENCH_CASES (100,000) cases on PostgreSQL (issue 15 §3):
 * GET /v1/connections?limit=50 (pages from cursors spread over the table), ?expiresWithinDays=15,
 * the work queue GET /v1/cases?attention=true and GET /v1/clients?q=<name>, each loaded with
 * autocannon, then the same statement straight through `pg` at the same concurrency; prints req/s,
 * p50 and p99 of both and the ratios (target ≥ 0.5× at p50, p99 within 3×), with the CPU a request cost
 * the API's process, this one (the load generator, pg) and PostgreSQL (scripts/bench/cpu.ts). Last, the
 * API's floor: GET /v1/offices/:id, an authenticated request with next to no work of its own, at the same
 * concurrency. BENCH_EXPLAIN=1 prints each statement's plan (EXPLAIN ANALYZE).
 */
import pg from 'pg';
import { ATTENTION_KINDS } from '../../api/services/cases/attention.js';
import { caseQuery, JOURNEYS, type CaseFilter } from '../../api/services/cases/search.js';
import { createApiKey } from '../../lib/auth/key-store.js';
import { createPrisma } from '../../lib/db/client.js';
import { applyMigrations } from '../../lib/db/migrate.js';
import { createThrowawayDatabase } from '../../lib/db/throwaway-database.js';
import { DEFAULT_CONSENT_SCHEDULE } from '../../workflows/consent-renewal/contract.js';
import { describeCpu, withCpu } from './cpu.js';
import { CASES, NAMES, seed } from './seed.js';
import { ADMIN_URL, benchApi, load, loadPaths, measure, postgresReachable, type Figures } from './shared.js';

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 1_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);

interface ListCase {
  name: string;
  /** The API paths, cycled. */
  paths: string[];
  /** The statement the API sends for the path of the same index, through pg. */
  sql: (i: number) => { text: string; values: unknown[] };
  requests?: number;
}

async function listCases(pool: pg.Pool): Promise<ListCase[]> {
  const cursors = (await pool.query<{ id: string }>(`SELECT id FROM connections ORDER BY random() LIMIT 200`)).rows.map(
    (r) => r.id,
  );
  const expiring = (days: number) => new Date(Date.now() + days * 86_400_000);
  const names = Array.from({ length: 50 }, (_, k) => `${NAMES[k % 10]!} ${1 + ((k * 7919) % 1000)}`);
  const attention: CaseFilter = {
    journeys: JOURNEYS,
    officeIds: [],
    attention: [...ATTENTION_KINDS],
    reportKinds: ATTENTION_KINDS,
  };
  return [
    {
      name: 'GET /v1/connections?limit=50 (a page from a cursor)',
      paths: cursors.map((c) => `/v1/connections?limit=50&cursor=${c}`),
      sql: (i) => ({
        text: `SELECT * FROM connections WHERE id > $1 ORDER BY id LIMIT 51`,
        values: [cursors[i % cursors.length]],
      }),
    },
    {
      name: 'GET /v1/connections?expiresWithinDays=15&limit=50',
      paths: ['/v1/connections?expiresWithinDays=15&limit=50'],
      sql: () => ({
        text: `SELECT * FROM connections WHERE "validUntil" <= $1 ORDER BY id LIMIT 51`,
        values: [expiring(15)],
      }),
    },
    {
      name: 'GET /v1/clients?q=<name>&limit=50',
      paths: names.map((q) => `/v1/clients?q=${encodeURIComponent(q)}&limit=50`),
      sql: (i) => ({
        text: `SELECT * FROM clients WHERE "companyName" ILIKE $1 ORDER BY id LIMIT 51`,
        values: [`%${names[i % names.length]!}%`],
      }),
    },
    {
      name: 'GET /v1/cases?attention=true&limit=50',
      paths: ['/v1/cases?attention=true&limit=50'],
      sql: () => caseQuery(attention, { consentSchedule: DEFAULT_CONSENT_SCHEDULE }, undefined, 51),
      requests: Math.max(20, Math.round(REQUESTS / 20)),
    },
  ];
}

async function main() {
  if (!(await postgresReachable('bench list'))) return;
  const database = await createThrowawayDatabase(ADMIN_URL, 'bench_list');
  const pool = new pg.Pool({ connectionString: database.url, max: 10 });
  const prisma = createPrisma(database.url);
  try {
    await applyMigrations(database.url);
    const seeding = performance.now();
    await seed(pool);
    console.log(
      `bench list: ${CASES} cases on PostgreSQL (seeded in ${((performance.now() - seeding) / 1000).toFixed(0)} s), ` +
        `${REQUESTS} requests per case, concurrency ${CONCURRENCY}, Node ${process.version}`,
    );
    const server = await benchApi(prisma, database.url);
    const { key } = await createApiKey(prisma, { name: 'bench', role: 'operator' });
    const cell = (f: Figures) =>
      `${f.reqPerSec.toFixed(0).padStart(6)}/s p50 ${f.p50.toFixed(1).padStart(7)} p99 ${f.p99.toFixed(1).padStart(7)} ms`;
    // `npm run bench -- list connections`: only the cases whose name contains the word.
    const only = process.argv[2];
    for (const c of (await listCases(pool)).filter((c) => !only || c.name.includes(only))) {
      const requests = c.requests ?? REQUESTS;
      if (process.env.BENCH_EXPLAIN) {
        const { text, values } = c.sql(0);
        const plan = await pool.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS) ${text}`, values);
        console.log(`\n${c.name}\n${plan.rows.map((r) => r['QUERY PLAN']).join('\n')}`);
      }
      const direct = async (i: number) => {
        const { text, values } = c.sql(i);
        await pool.query(text, values);
      };
      await measure(direct, Math.min(100, requests), CONCURRENCY); // warm up
      await loadPaths(server.url, key, c.paths, Math.min(100, requests), CONCURRENCY);
      const { result: api, cpu: apiSpan } = await withCpu(
        requests,
        () => server.profiled(`list ${c.name}`, () => loadPaths(server.url, key, c.paths, requests, CONCURRENCY)),
        { api: server.pid },
      );
      const { result: sql, cpu: sqlSpan } = await withCpu(requests, () => measure(direct, requests, CONCURRENCY), {
        api: server.pid,
      });
      console.log(`\n${c.name}\n  API ${cell(api)}\n  SQL ${cell(sql)}`);
      // The API's process serves one request at a time: at concurrency N its p50 is about N times its CPU a request.
      console.log(`  CPU a request: API ${describeCpu(apiSpan)}\n  CPU a statement: SQL ${describeCpu(sqlSpan)}`);
      console.log(
        `  ratio ${(api.reqPerSec / sql.reqPerSec).toFixed(2)}× req/s, p50 SQL/API ${(sql.p50 / api.p50).toFixed(2)}× (target ≥ 0.5×), ` +
          `p99 API/SQL ${(api.p99 / sql.p99).toFixed(1)}× (target ≤ 3×), load ${load()}`,
      );
    }
    // What any authenticated request costs before its handler (key lookup, shared rate limit, HTTP, JSON): a
    // list's p50 cannot go below this floor's at the same concurrency.
    const officeId = (await pool.query<{ id: string }>('SELECT id FROM offices LIMIT 1')).rows[0]!.id;
    const { result: floor, cpu: floorSpan } = await withCpu(
      REQUESTS,
      () => loadPaths(server.url, key, [`/v1/offices/${officeId}`], REQUESTS, CONCURRENCY),
      { api: server.pid },
    );
    console.log(
      `\nGET /v1/offices/:id (the API's floor)\n  API ${cell(floor)}\n  CPU a request: ${describeCpu(floorSpan)}`,
    );
    await server.close();
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
