/**
 * `npm run bench -- detail`: GET /v1/mandates/:id (the case detail, database only) against the same SQL
 * sent straight to PostgreSQL through `pg`, in one run on the same server: p50, p99, requests per
 * second and their ratio (issue 15 §2: detail ≥ 0.5× the SQL). The API is loaded with autocannon. PostgreSQL from BENCH_POSTGRES_URL,
 * else postgresql://postgres:postgres@127.0.0.1:5432/postgres; without one it says so and stops.
 * No Temporal server: the detail never calls it (the client is lazy and never dials).
 */
import pg from 'pg';
import { createApiKey } from '../../lib/auth/key-store.js';
import { createPrisma } from '../../lib/db/client.js';
import { uuidv7 } from '../../lib/db/ids.js';
import { applyMigrations } from '../../lib/db/migrate.js';
import { createThrowawayDatabase } from '../../lib/db/throwaway-database.js';
import { ADMIN_URL, benchApi, loadPaths, measure as measureRuns, postgresReachable, type Figures } from './shared.js';

const CASES = Number(process.env.BENCH_CASES ?? 2_000);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 4_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const measure = (run: (i: number) => Promise<void>) => measureRuns(run, REQUESTS, CONCURRENCY);

/** Mandates with a history of three transitions, a reminder and an e-mail each: what a detail reads. */
async function seed(db: pg.Pool): Promise<string[]> {
  const office = uuidv7();
  await db.query(
    `INSERT INTO offices (id, name, language, "contactEmail", "updatedAt") VALUES ($1, 'Bench', 'fr', 'b@example.be', now())`,
    [office],
  );
  await db.query(
    `WITH c AS (
       INSERT INTO clients (id, "officeId", "companyName", "clientCode", language, "updatedAt")
       SELECT gen_random_uuid()::text, $1, 'Client ' || i, 'C-' || i, 'nl', now() FROM generate_series(1, $2) i
       RETURNING id),
     a AS (
       INSERT INTO bank_accounts (id, "clientId", iban, "bankCode", "bankName", "isKbcGroup", "updatedAt")
       SELECT gen_random_uuid()::text, id, 'BE35310123456737', '310', 'ING Belgium', false, now() FROM c
       RETURNING id)
     INSERT INTO mandates (id, "bankAccountId", "managementMode", status, "workflowId", revision, "stateVersion",
                           "presentedAt", "stateChangedAt", "updatedAt")
     SELECT m.id, m.account, 'service', 'sent_to_client', 'mandate:' || m.id, 1, 3, now(), now(), now()
     FROM (SELECT gen_random_uuid()::text AS id, a.id AS account FROM a) m`,
    [office, CASES],
  );
  await db.query(
    `INSERT INTO case_transitions (id, "caseType", "caseId", version, "fromState", "toState", "actorKind", at)
     SELECT gen_random_uuid()::text, 'mandate', m.id, v.version, v.f, v.t, 'system', now()
     FROM mandates m, (VALUES (1, 'registered', 'in_preparation'), (2, 'in_preparation', 'sent_to_client'),
                              (3, 'sent_to_client', 'sent_to_client')) v(version, f, t)`,
  );
  await db.query(
    `INSERT INTO reminders_sent (id, "caseType", "caseId", kind, sequence, "toAddress")
     SELECT gen_random_uuid()::text, 'mandate', id, 'mandate:r1', 1, 'c@example.be' FROM mandates`,
  );
  await db.query(
    `INSERT INTO email_outbox (id, "idempotencyKey", template, language, "toAddress", subject, html, text, status,
                               "caseType", "caseId", "updatedAt")
     SELECT gen_random_uuid()::text, 'bench/' || id, 'mandate.invitation', 'nl', 'c@example.be', 's', 'h', 't', 'sent',
            'mandate', id, now() FROM mandates`,
  );
  await db.query('ANALYZE');
  return (await db.query<{ id: string }>('SELECT id FROM mandates')).rows.map((r) => r.id);
}

/** The SQL the detail needs (row with account and client; history; pending start; e-mail problems; reminders). */
async function directDetail(db: pg.Pool, id: string): Promise<void> {
  const { rows } = await db.query(
    `SELECT m.*, a.*, c.id AS "clientId", c."officeId" FROM mandates m
     JOIN bank_accounts a ON a.id = m."bankAccountId" JOIN clients c ON c.id = a."clientId" WHERE m.id = $1`,
    [id],
  );
  const workflowId = (rows[0] as { workflowId: string }).workflowId;
  await Promise.all([
    db.query(`SELECT * FROM case_transitions WHERE "caseType" = 'mandate' AND "caseId" = $1 ORDER BY version`, [id]),
    db.query(`SELECT "createdAt" FROM pending_starts WHERE "workflowId" = $1`, [workflowId]),
    db.query(
      `SELECT template, status, error, "toAddress", "createdAt", "updatedAt" FROM email_outbox
       WHERE "caseType" = 'mandate' AND "caseId" = $1 AND (status = 'rejected' OR "toAddress" IS NULL)
       ORDER BY "createdAt"`,
      [id],
    ),
    db.query(`SELECT * FROM reminders_sent WHERE "caseType" = 'mandate' AND "caseId" = $1 ORDER BY "sentAt"`, [id]),
  ]);
}

async function main() {
  if (!(await postgresReachable('bench detail'))) return;
  const database = await createThrowawayDatabase(ADMIN_URL, 'bench_detail');
  const pool = new pg.Pool({ connectionString: database.url, max: 10 });
  const prisma = createPrisma(database.url);
  try {
    await applyMigrations(database.url);
    const ids = await seed(pool);
    const server = await benchApi(prisma, database.url);
    const { key } = await createApiKey(prisma, { name: 'bench', role: 'operator' });
    const pick = (i: number) => ids[(i * 7919) % ids.length]!;
    // The API is loaded with autocannon, as `bench list` does: fetch (undici) in this process cost
    // about 1 ms of CPU per request on top of the API's own, charged to the API's figure.
    const paths = Array.from({ length: 1_000 }, (_, i) => `/v1/mandates/${pick(i)}`);
    const viaApi = (requests: number) => loadPaths(server.url, key, paths, requests, CONCURRENCY);
    console.log(
      `bench detail: ${CASES} mandates on PostgreSQL (${new URL(ADMIN_URL).host}), ${REQUESTS} requests, concurrency ${CONCURRENCY}, Node ${process.version}`,
    );
    await viaApi(400); // warm up
    await measure((i) => directDetail(pool, pick(i)));
    const api = await server.profiled('detail API', () => viaApi(REQUESTS));
    const direct = await measure((i) => directDetail(pool, pick(i)));
    // What every authenticated request costs before its handler: key lookup, shared rate limit, HTTP, JSON.
    const officeId = (await pool.query<{ id: string }>('SELECT id FROM offices LIMIT 1')).rows[0]!.id;
    const floor = await loadPaths(server.url, key, [`/v1/offices/${officeId}`], REQUESTS, CONCURRENCY);
    await server.close();
    const row = (name: string, f: Figures) =>
      `${name.padEnd(36)} ${f.reqPerSec.toFixed(0).padStart(8)} ${f.p50.toFixed(2).padStart(9)} ${f.p99.toFixed(2).padStart(9)}`;
    console.log(`\n${'case'.padEnd(36)} ${'req/s'.padStart(8)} ${'p50 ms'.padStart(9)} ${'p99 ms'.padStart(9)}`);
    console.log(row('GET /v1/mandates/:id (API)', api));
    console.log(row('the same SQL through pg', direct));
    console.log(row('GET /v1/offices/:id (the API floor)', floor));
    console.log(
      `\nratio API / SQL: ${(api.reqPerSec / direct.reqPerSec).toFixed(2)}× req/s (target ≥ 0.5×); ` +
        `p50 ${(api.p50 / direct.p50).toFixed(1)}×, p99 ${(api.p99 / direct.p99).toFixed(1)}× the SQL's latency`,
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
