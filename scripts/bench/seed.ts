/**
 * The case tables at BENCH_CASES (100,000) cases over 100 offices, written with generate_series in a
 * few statements (bench search, bench list): 40 % mandates (one client and account each), 30 % CARO
 * orders, 30 % connections, with e-mails and provider callbacks, then VACUUM ANALYZE.
 */
import type pg from 'pg';

export const CASES = Number(process.env.BENCH_CASES ?? 100_000);
export const MANDATES = Math.round(CASES * 0.4);
export const ORDERS = Math.round(CASES * 0.3);
export const CONNECTIONS = CASES - MANDATES - ORDERS;
export const TRADES = ['Boulangerie', 'Garage', 'Bakkerij', 'Cabinet', 'Brasserie', 'Immo', 'Transport', 'Atelier'];
export const NAMES = [
  'Lefèvre',
  'Müller',
  'Dupont',
  'Janssens',
  'Peeters',
  'Gérard',
  'Noël',
  'Maes',
  'Hélène',
  'Wouters',
];

/** A valid Belgian IBAN for client `i` (bank 310, account i, both check numbers). */
export function ibanOf(i: number): string {
  const bban10 = `310${String(i).padStart(7, '0')}`;
  const national = Number(BigInt(bban10) % 97n) || 97;
  const bban = `${bban10}${String(national).padStart(2, '0')}`;
  const check = 98 - Number(BigInt(`${bban}111400`) % 97n);
  return `BE${String(check).padStart(2, '0')}${bban}`;
}
export const enterpriseOf = (i: number) => `0${String(i).padStart(9, '0')}`;
export const referenceOf = (i: number) => `4-${String(i).padStart(7, '0')}-${String(i % 97).padStart(2, '0')}`;

export async function seed(db: pg.Pool): Promise<void> {
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
