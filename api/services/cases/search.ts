// The case search across the three journeys, done by PostgreSQL in one statement: each journey is a
// branch of a UNION ALL, `q` is looked up through the indexes of each key (trigram for names,
// b-tree for the numbers and ids, GIN for a connection's IBANs), the attention of each row is a
// lateral join (attention.ts), and pages are keyset pages (newest first; the work queue oldest first).
import { normalizeEnterpriseNumber } from '../../../lib/banking/enterprise-number.js';
import { isValidIban, normalizeIban } from '../../../lib/banking/iban.js';
import { CASE_TYPE_OF, type Journey } from '../../../lib/cases/journeys.js';
import { Prisma, type PrismaClient } from '../../../lib/db/client.js';
import { RESOURCE_TYPE } from './head.js';
import { attentionCandidate, attentionJoins, journeyAttention, type AttentionKind } from './attention.js';
import type { Schedules } from './next-step.js';

export { JOURNEYS, type Journey } from '../../../lib/cases/journeys.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** What `q` can be, each normalised the way its column stores it; undefined: it cannot be that key. */
export interface SearchKeys {
  text: string;
  /** LIKE pattern over clients.searchName (the database lowers and unaccents it too). */
  namePattern: string;
  enterpriseNumber?: string;
  iban?: string;
  caseId?: string;
}

export function searchKeys(q: string): SearchKeys {
  const text = q.trim();
  const enterpriseNumber = normalizeEnterpriseNumber(text);
  const iban = normalizeIban(text);
  return {
    text,
    namePattern: `%${text.replace(/[\\%_]/g, '\\$&')}%`,
    ...(enterpriseNumber ? { enterpriseNumber } : {}),
    ...(isValidIban(iban) ? { iban } : {}),
    ...(UUID.test(text) ? { caseId: text.toLowerCase() } : {}),
  };
}

export interface CaseFilter {
  q?: SearchKeys | undefined;
  journeys: readonly Journey[];
  status?: string | undefined;
  /** The caller's own office for accountants (tenant scoping), and/or the officeId asked for. */
  officeIds: string[];
  clientId?: string | undefined;
  /** Only cases needing one of these kinds (the work queue), oldest first. */
  attention?: readonly AttentionKind[] | undefined;
  /** The kinds each row reports. */
  reportKinds: readonly AttentionKind[];
}

export type Cursor = { id: string; since?: string };

/** One row of the case query: the columns head.ts reads of each journey, null where a journey has none. */
export interface CaseRow {
  journey: Journey;
  id: string;
  workflowId: string;
  officeId: string;
  officeName: string;
  officeLanguage: string;
  clientId: string | null;
  clientName: string | null;
  status: string;
  problemReason: string | null;
  createdAt: Date;
  stateChangedAt: Date | null;
  managementMode: 'office' | 'service' | null;
  presentedAt: Date | null;
  reminderCount: number | null;
  stalledAt: Date | null;
  linkIssueAt: Date | null;
  isKbcGroup: boolean | null;
  linkExpiresAt: Date | null;
  validUntil: Date | null;
  attention: { kind: AttentionKind; since: string; detail: string | null }[] | null;
  attention_since: Date | null;
}

const NULL = (type: string) => Prisma.raw(`NULL::${type}`);

interface Branch {
  journey: Journey;
  /** FROM … JOIN …: aliases x (the case), c (its client, maybe absent), f (the office). */
  from: Prisma.Sql;
  columns: Prisma.Sql;
  officeId: Prisma.Sql;
  clientId: Prisma.Sql;
  /** The case ids `q` finds in this journey. */
  hits(q: SearchKeys): Prisma.Sql[];
}

/**
 * What `q` is looked up as: a UUID is a case id only, a valid IBAN an IBAN only (no name, code or
 * reference holds one); anything else is a workflow id, a card reference, or one of the clients'
 * keys (`matched`). Fewer arms, a smaller plan: planning is most of such a statement's time.
 */
const lookup = (q: SearchKeys): 'id' | 'iban' | 'keys' => (q.caseId ? 'id' : q.iban ? 'iban' : 'keys');

/** Clients `q` finds: by client code, enterprise number, or name (partial, accents and case ignored). */
const matchedClients = (q: SearchKeys) => Prisma.sql`matched AS (
    SELECT id FROM clients WHERE "clientCode" IN (${q.text}, ${q.text.toUpperCase()})
    ${
      q.enterpriseNumber
        ? Prisma.sql`UNION SELECT id FROM clients WHERE "enterpriseNumber" = ${q.enterpriseNumber}`
        : Prisma.sql`UNION SELECT id FROM clients WHERE "searchName" LIKE lower(unaccent(${q.namePattern}))`
    }
  )`;

const byId = (table: string, q: SearchKeys) => Prisma.sql`SELECT id FROM ${Prisma.raw(table)} WHERE id = ${q.caseId}`;
const byWorkflow = (table: string, q: SearchKeys) =>
  Prisma.sql`SELECT id FROM ${Prisma.raw(table)} WHERE "workflowId" = ${q.text}`;

const BRANCHES: Record<Journey, Branch> = {
  mandate: {
    journey: 'mandate',
    from: Prisma.sql`mandates x JOIN bank_accounts b ON b.id = x."bankAccountId" JOIN clients c ON c.id = b."clientId"
      JOIN offices f ON f.id = c."officeId"`,
    columns: Prisma.sql`x."problemReason"::text AS "problemReason", x."stateChangedAt" AS "stateChangedAt",
      x."managementMode"::text AS "managementMode", x."presentedAt", x."reminderCount", x."stalledAt", x."linkIssueAt",
      b."isKbcGroup", x."linkExpiresAt", ${NULL('timestamptz')} AS "validUntil"`,
    officeId: Prisma.sql`c."officeId"`,
    clientId: Prisma.sql`c.id`,
    hits: (q) =>
      ({
        id: [byId('mandates', q)],
        iban: [
          Prisma.sql`SELECT m.id FROM mandates m JOIN bank_accounts a ON a.id = m."bankAccountId" WHERE a.iban = ${q.iban}`,
        ],
        keys: [
          byWorkflow('mandates', q),
          Prisma.sql`SELECT m.id FROM mandates m JOIN bank_accounts a ON a.id = m."bankAccountId"
            WHERE a."clientId" IN (SELECT id FROM matched)`,
        ],
      })[lookup(q)],
  },
  caro: {
    journey: 'caro',
    from: Prisma.sql`caro_orders x JOIN clients c ON c.id = x."clientId" JOIN offices f ON f.id = c."officeId"`,
    columns: Prisma.sql`x."problemReason"::text AS "problemReason", x."stateChangedAt" AS "stateChangedAt",
      ${NULL('text')} AS "managementMode", ${NULL('timestamptz')} AS "presentedAt", x."reminderCount",
      ${NULL('timestamptz')} AS "stalledAt", ${NULL('timestamptz')} AS "linkIssueAt", x."kbcGroup" AS "isKbcGroup",
      x."linkExpiresAt", ${NULL('timestamptz')} AS "validUntil"`,
    officeId: Prisma.sql`c."officeId"`,
    clientId: Prisma.sql`c.id`,
    hits: (q) =>
      ({
        id: [byId('caro_orders', q)],
        iban: [
          Prisma.sql`SELECT o.id FROM caro_orders o JOIN bank_accounts a ON a.id = o."bankAccountId" WHERE a.iban = ${q.iban}`,
        ],
        keys: [
          byWorkflow('caro_orders', q),
          Prisma.sql`SELECT id FROM caro_orders WHERE "clientReference" IN (${q.text}, ${q.text.toUpperCase()})`,
          Prisma.sql`SELECT id FROM caro_orders WHERE "clientId" IN (SELECT id FROM matched)`,
        ],
      })[lookup(q)],
  },
  consent: {
    journey: 'consent',
    from: Prisma.sql`connections x LEFT JOIN clients c ON c.id = x."clientId" JOIN offices f ON f.id = x."officeId"`,
    columns: Prisma.sql`${NULL('text')} AS "problemReason", x."statusChangedAt" AS "stateChangedAt",
      ${NULL('text')} AS "managementMode", ${NULL('timestamptz')} AS "presentedAt", ${NULL('int')} AS "reminderCount",
      ${NULL('timestamptz')} AS "stalledAt", ${NULL('timestamptz')} AS "linkIssueAt", ${NULL('boolean')} AS "isKbcGroup",
      ${NULL('timestamptz')} AS "linkExpiresAt", x."validUntil"`,
    officeId: Prisma.sql`x."officeId"`,
    clientId: Prisma.sql`x."clientId"`,
    hits: (q) =>
      ({
        id: [byId('connections', q)],
        iban: [Prisma.sql`SELECT id FROM connections WHERE ibans @> ARRAY[${q.iban}]::text[]`],
        keys: [
          byWorkflow('connections', q),
          Prisma.sql`SELECT id FROM connections WHERE "clientId" IN (SELECT id FROM matched)`,
        ],
      })[lookup(q)],
  },
};

function branchSql(
  branch: Branch,
  filter: CaseFilter,
  schedules: Schedules,
  page: { cursor: Cursor | undefined; take: number } | undefined,
) {
  const cursor = page?.cursor;
  const caseType = CASE_TYPE_OF[branch.journey];
  const stateSince = Prisma.sql`COALESCE(${caseType === 'connection' ? Prisma.sql`x."statusChangedAt"` : Prisma.sql`x."stateChangedAt"`}, x."createdAt")`;
  const attention = journeyAttention(caseType, 'x', schedules);
  const queue = filter.attention !== undefined;
  const columns = { caseType, resourceType: RESOURCE_TYPE[caseType], id: Prisma.sql`x.id`, stateSince, ...attention };
  const joins = attentionJoins(columns, queue ? filter.attention! : filter.reportKinds);
  const where: Prisma.Sql[] = [];
  // ARRAY(…) is computed once, before the case rows are read: the planner then fetches the few hits
  // by primary key instead of walking the whole table in id order hoping to meet them (seconds).
  if (filter.q) where.push(Prisma.sql`x.id = ANY (ARRAY(${Prisma.join(branch.hits(filter.q), ' UNION ')}))`);
  for (const officeId of filter.officeIds) where.push(Prisma.sql`${branch.officeId} = ${officeId}`);
  if (filter.clientId) where.push(Prisma.sql`${branch.clientId} = ${filter.clientId}`);
  if (filter.status) where.push(Prisma.sql`x.status::text = ${filter.status}`);
  if (queue) where.push(attentionCandidate(columns, filter.attention!), Prisma.sql`a.attention_since IS NOT NULL`);
  if (cursor && queue)
    where.push(Prisma.sql`(a.attention_since, x.id) > (${cursor.since ?? '-infinity'}::timestamptz, ${cursor.id})`);
  else if (cursor) where.push(Prisma.sql`x.id < ${cursor.id}`);
  const order = queue ? Prisma.sql`a.attention_since ASC, x.id ASC` : Prisma.sql`x.id DESC`;
  return Prisma.sql`(SELECT ${stateSince} AS "stateSince", ${Prisma.raw(`'${branch.journey}'::text`)} AS journey, x.id, x."workflowId", f.id AS "officeId", f.name AS "officeName",
      f.language::text AS "officeLanguage", c.id AS "clientId", c."companyName" AS "clientName", x.status::text AS status,
      x."createdAt", ${branch.columns}, a.attention, a.attention_since
    FROM ${branch.from} ${joins}
    ${where.length > 0 ? Prisma.sql`WHERE ${Prisma.join(where, ' AND ')}` : Prisma.empty}
    ${page ? Prisma.sql`ORDER BY ${order} LIMIT ${page.take}` : Prisma.empty})`;
}

/** The statement: a page of `take` rows across the journeys asked for. */
export function caseQuery(filter: CaseFilter, schedules: Schedules, cursor: Cursor | undefined, take: number) {
  const branches = filter.journeys.map((j) => branchSql(BRANCHES[j], filter, schedules, { cursor, take }));
  const order = filter.attention !== undefined ? Prisma.sql`attention_since ASC, id ASC` : Prisma.sql`id DESC`;
  return Prisma.sql`${withMatched(filter)}
    SELECT * FROM (${Prisma.join(branches, ' UNION ALL ')}) AS cases ORDER BY ${order} LIMIT ${take}`;
}

const withMatched = (filter: CaseFilter) =>
  filter.q && lookup(filter.q) === 'keys' ? Prisma.sql`WITH ${matchedClients(filter.q)}` : Prisma.empty;

export interface CasesSummary {
  states: { journey: Journey; status: string; count: number; medianTimeInStateMs: number }[];
  attention: Record<string, number>;
  attentionTotal: number;
}

/** Counts per journey and status with the median time in state, and per attention kind: two statements. */
export async function casesSummary(
  prisma: PrismaClient,
  filter: CaseFilter,
  schedules: Schedules,
): Promise<CasesSummary> {
  const all = (f: CaseFilter) =>
    Prisma.join(
      f.journeys.map((j) => branchSql(BRANCHES[j], f, schedules, undefined)),
      ' UNION ALL ',
    );
  const [states, [kinds]] = await Promise.all([
    prisma.$queryRaw<CasesSummary['states']>(Prisma.sql`SELECT journey, status, count(*)::int AS count,
        round(percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM now() - "stateSince") * 1000))::bigint::int
          AS "medianTimeInStateMs"
      FROM (${all({ ...filter, reportKinds: [] })}) AS cases GROUP BY journey, status ORDER BY journey, status`),
    prisma.$queryRaw<{ total: number; kinds: Record<string, number> | null }[]>(Prisma.sql`WITH cases AS MATERIALIZED (
        ${all({ ...filter, attention: filter.reportKinds })})
      SELECT (SELECT count(*)::int FROM cases WHERE attention_since IS NOT NULL) AS total,
             (SELECT json_object_agg(kind, n) FROM (
                SELECT i->>'kind' AS kind, count(*)::int AS n FROM cases, json_array_elements(cases.attention) AS i
                 GROUP BY 1) AS t) AS kinds`),
  ]);
  return { states, attention: kinds?.kinds ?? {}, attentionTotal: kinds?.total ?? 0 };
}

export const findCases = (
  prisma: PrismaClient,
  filter: CaseFilter,
  schedules: Schedules,
  cursor: Cursor | undefined,
  take: number,
) => prisma.$queryRaw<CaseRow[]>(caseQuery(filter, schedules, cursor, take));
