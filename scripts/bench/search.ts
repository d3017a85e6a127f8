/**
 * `npm run bench:search`: GET /v1/cases?q=… (issue 12 §1) at 100,000 cases on PostgreSQL, one key
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
import { ADMIN_URL, benchServer, figures, measure, postgresReachable, type Figures } from './shared.js';

const CASES = Number(process.env.BENCH_CASES ?? 100_000);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 2_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
const TARGET_P95_MS = 100;

// 40 % mandates (one client and account each), 30 % CARO orders, 30 % connections, over 100 offices.
const MANDATES = Math.round(CASES * 0.4);
const ORDERS = Math.round(CASES * 0.3);
const CONNECTIONS = CASES - MANDATES - ORDERS;
const TRADES = ['Boulangerie', 'Garage', 'Bakkerij', 'Cabinet', 'Brasserie', 'Immo', 'Transport', 'Atelier'];
const NAMES = ['Lefèvre', 'Müller', 'Dupont', 'Janssens', 'Peeters', 'Gérard', 'Noël', 'Maes', 'Hélène', 'Wouters'];

/** A valid Belgian IBAN for client `i` (bank 310, account i, both check numbers). */
function ibanOf(i: number): string {
  const bban10 = `310${String(i).padStart(7, '0')}`;
  const national = Number(BigInt(bban10) % 97n) || 97;
  const bban = `${bban10}${String(national).padStart(2, '0')}`;
  const check = 98 - Number(BigInt(`${bban}111400`) % 97n);
  return `BE${String(check).padStart(2, '0')}${bban}`;
}
const enterpriseOf = (i: number) => `0${String(i).padStart(9, '0')}`;
const referenceOf = (i: number) => `4-${String(i).padStart(7, '0')}-${String(i % 97).padStart(2, '0')}`;

async function seed(db: pg.Pool): Promise<void> {
  await db.query(
    `INSERT INTO offices (id, name, language, "contactEmail", "updatedAt")
     SELECT '00000000-0000-4000-8000-' || lpad(o::text, 12, '0'), 'Office ' || o, 'fr', 'o@example.be', now() FROM generate_series(0, 99) o`,
  );
  const ibans = Array.from({ length: MANDATES }, (_, k) => ibanOf(k + 1));
  await db.query(
    `INSERT INTO clients (id, "officeId", "companyName", "enterpriseNumber", "clientCode", language, "updatedAt")
     SELECT 'client-' || i, '00000000-0000-4000-8000-' || lpad((i % 100)::text, 12, '0'), ($2::text[])[1 + i % 8] || ' ' || ($3::text[])[1 + i % 10] || ' ' || i,
            '0' || lpad(i::text, 9, '0'), 'C-' || i, 'fr', now()
       FROM generate_series(1, $1::int) i`,
    [MANDATES, TRADES, NAMES],
  );
  await db.query(
    `INSERT INTO bank_accounts (id, "clientId", iban, "bankCode", "bankName", "isKbcGroup", "updatedAt")
     SELECT 'account-' || i, 'client-' || i, ($1::text[])[i], '310', 'ING Belgium', false, now()
       FROM generate_series(1, $2::int) i`,
    [ibans, MANDATES],
  );
  const mandateStates = ['available_online', 'sent_to_client', 'signed', 'bank_processing', 'active', 'problem'];
  await db.query(
    `INSERT INTO mandates (id, "bankAccountId", "managementMode", status, "problemReason", "workflowId", "presentedAt",
                           "stateChangedAt", "createdAt", "updatedAt")
     SELECT m.id, 'account-' || i, 'service', m.status::"MandateStatus",
            CASE WHEN m.status = 'problem' THEN 'signer_not_authorised'::"MandateProblemReason" END,
            'mandate:' || m.id, now() - interval '3 days', now() - (i % 1000) * interval '1 hour',
            now() - interval '10 days', now()
       FROM generate_series(1, $1::int) i,
            LATERAL (SELECT gen_random_uuid()::text AS id, ($2::text[])[1 + i % 6] AS status) m`,
    [MANDATES, mandateStates],
  );
  const caroStates = ['invitation_sent', 'active', 'problem', 'invitation_expired', 'cancelled'];
  await db.query(
    `INSERT INTO caro_orders (id, "clientId", "clientReference", "bankAccountId", "cardholderLanguage", status,
                              "problemReason", "linkExpiresAt", "workflowId", "stateChangedAt", "createdAt", "updatedAt")
     SELECT o.id, 'client-' || i, '4-' || lpad(i::text, 7, '0') || '-' || lpad((i % 97)::text, 2, '0'), 'account-' || i,
            'fr', o.status::"CaroStatus",
            CASE WHEN o.status = 'problem' THEN 'debit_card'::"CaroProblemReason" END,
            now() + (i % 56) * interval '1 day', 'caro:' || o.id, now() - (i % 500) * interval '1 hour',
            now() - interval '20 days', now()
       FROM generate_series(1, $1::int) i,
            LATERAL (SELECT gen_random_uuid()::text AS id, ($2::text[])[1 + i % 5] AS status) o`,
    [ORDERS, caroStates],
  );
  const consentStates = ['connected', 'connected', 'expires_soon', 'expired', 'journal_missing', 'access_lost'];
  await db.query(
    `INSERT INTO connections (id, "officeId", "clientId", "ownerLanguage", provider, ibans, "validUntil", status,
                              "workflowId", "statusChangedAt", "createdAt", "updatedAt")
     SELECT n.id, '00000000-0000-4000-8000-' || lpad((c % 100)::text, 12, '0'), 'client-' || c, 'nl', 'ponto', ARRAY[($2::text[])[c]],
            now() + (i % 200) * interval '1 day', n.status::"ConnectionStatus", 'consent:' || n.id,
            now() - (i % 300) * interval '1 hour', now() - interval '30 days', now()
       FROM generate_series(1, $1::int) i, LATERAL (SELECT $4::int - i + 1 AS c) k,
            LATERAL (SELECT gen_random_uuid()::text AS id, ($3::text[])[1 + i % 6] AS status) n`,
    [CONNECTIONS, ibans, consentStates, MANDATES],
  );
  // E-mails of each mandate (some refused) and provider callbacks (some not handled): what the
  // attention of each result reads.
  await db.query(
    `INSERT INTO email_outbox (id, "idempotencyKey", template, language, "toAddress", subject, html, text, status,
                               error, "caseType", "caseId", "updatedAt")
     SELECT gen_random_uuid()::text, 'bench/' || m.id, 'mandate.sent_to_client', 'fr', 'c@example.be', 's', 'h', 't',
            CASE WHEN row_number() OVER () % 50 = 0 THEN 'rejected' ELSE 'sent' END::"EmailStatus",
            CASE WHEN row_number() OVER () % 50 = 0 THEN 'mailbox full' END, 'mandate', m.id, now()
       FROM mandates m`,
  );
  await db.query(
    `INSERT INTO webhook_events (id, provider, "eventId", payload, "eventType", "resourceType", "resourceId", handled,
                                 reason, "receivedAt")
     SELECT gen_random_uuid()::text, 'caro', 'evt-' || o.id, '{}'::jsonb, 'caro.activated', 'caro_order', o.id,
            row_number() OVER () % 20 <> 0,
            CASE WHEN row_number() OVER () % 20 = 0 THEN 'the order’s workflow is not running' END, now()
       FROM caro_orders o`,
  );
  // As autovacuum would have by then: statistics, and the GIN indexes' pending lists merged.
  await db.query('VACUUM ANALYZE');
}

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

/** autocannon against GET /v1/cases?q=…, cycling through the values; latencies from each response. */
function loadApi(url: string, key: string, values: string[]): Promise<Figures> {
  let next = 0;
  const latencies: number[] = [];
  let failures = 0;
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const instance = autocannon(
      {
        url,
        connections: CONCURRENCY,
        amount: REQUESTS,
        headers: { authorization: `Bearer ${key}` },
        requests: [
          {
            method: 'GET',
            setupRequest: (req) => ({
              ...req,
              path: `/v1/cases?q=${encodeURIComponent(values[next++ % values.length]!)}`,
            }),
          },
        ],
      },
      (error) => {
        if (error) return reject(error);
        if (failures > 0) return reject(new Error(`GET /v1/cases: ${failures} answers were not 200`));
        resolve(figures(latencies, (performance.now() - started) / 1000));
      },
    );
    instance.on('response', (_client, status, _bytes, responseTime) => {
      if (status !== 200) failures++;
      latencies.push(responseTime);
    });
  });
}

async function main() {
  if (!(await postgresReachable('bench:search'))) return;
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
      `bench:search: ${MANDATES + ORDERS + CONNECTIONS} cases (${MANDATES} mandates, ${ORDERS} CARO orders, ` +
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
        throw new Error(`bench:search: ${kind} ${values[0]} finds nothing: the seed and the keys disagree`);
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
