// What needs attention, in one place: each kind of attention, the SQL that finds it on a case row
// (so PostgreSQL filters, orders and counts the work queue) and the reason in words. The sets of
// states come from the journeys' own rules; the windows from the schedules the API orders with.
import { Prisma } from '../../../lib/db/client.js';
import { DEFAULT_CARO_SCHEDULE } from '../../../workflows/caro-activation/contract.js';
import {
  CONNECTION_STATUSES,
  DEADLINE_STATUSES,
  expiresSoonWindowMs,
  type ConnectionStatus,
} from '../../../workflows/consent-renewal/rules.js';
import { FINAL_MANDATE_STATES, WAITING_FOR_CLIENT } from '../../../workflows/mandate/rules.js';
import { CARO_OPEN, reminderTotal } from '../../../workflows/caro-activation/plan.js';
import { caroGuidance } from '../../../lib/email/templates/caro-failure.js';
import type { CaroFailureReason } from '../../../lib/email/templates/caro-failure.js';
import { EMAIL_NOT_SENT_SQL } from '../email-problems.js';
import type { Schedules } from './next-step.js';

/**
 * The kinds. A CARO invitation is about to expire once its last reminder went out (and the link
 * still opens); a consent expires soon within its first reminder's window (expiresSoonWindowMs).
 * E-mails count while the case is open and no later one of the same template went out; callbacks
 * while they were received in the case's current state.
 */
export const ATTENTION_KINDS = [
  'mandate_problem',
  'mandate_stalled',
  'mandate_bank_link',
  'caro_problem',
  'caro_invitation_expiring',
  'consent_expiring',
  'consent_expired',
  'consent_action',
  'email_not_sent',
  'callback_not_handled',
] as const;
export type AttentionKind = (typeof ATTENTION_KINDS)[number];

/** A callback still without an outcome after this long is taken as never finished. */
export const CALLBACK_STUCK_MS = 60_000;

/** Statuses reported by the aggregator that ask the office or owner for an action (seed 003). */
export const CONSENT_ACTION_STATUSES = (Object.keys(CONNECTION_STATUSES) as ConnectionStatus[]).filter(
  (s) => CONNECTION_STATUSES[s] !== 'none' && !(DEADLINE_STATUSES as readonly string[]).includes(s),
);

const list = (values: readonly string[]) => Prisma.join(values.map((v) => Prisma.sql`${v}`));
const interval = (ms: number) => Prisma.sql`(${ms} * interval '1 millisecond')`;

/** The columns of one journey's branch the attention SQL reads (SQL expressions over its aliases). */
export interface AttentionColumns {
  caseType: 'mandate' | 'caro' | 'connection';
  /** The webhook_events resourceType of the journey. */
  resourceType: string;
  id: Prisma.Sql;
  stateSince: Prisma.Sql;
  /** Still open: e-mails that did not go out matter only then. */
  open: Prisma.Sql;
  /** The journey's own kinds: [kind, since (null: not this kind), detail]. */
  kinds: [AttentionKind, Prisma.Sql, Prisma.Sql][];
}

/** The journey's kinds, for its branch of the case query. */
export function journeyAttention(
  caseType: AttentionColumns['caseType'],
  alias: string,
  schedules: Schedules,
): Pick<AttentionColumns, 'open' | 'kinds'> {
  const a = Prisma.raw(alias);
  const since = Prisma.sql`COALESCE(${a}."${Prisma.raw(caseType === 'connection' ? 'statusChangedAt' : 'stateChangedAt')}", ${a}."createdAt")`;
  if (caseType === 'mandate')
    return {
      open: Prisma.sql`${a}.status::text NOT IN (${list(FINAL_MANDATE_STATES)})`,
      kinds: [
        [
          'mandate_problem',
          Prisma.sql`CASE WHEN ${a}.status = 'problem' THEN ${since} END`,
          Prisma.sql`${a}."problemReason"::text`,
        ],
        [
          'mandate_stalled',
          Prisma.sql`CASE WHEN ${a}.status::text IN (${list(WAITING_FOR_CLIENT)}) THEN ${a}."stalledAt" END`,
          Prisma.sql`NULL`,
        ],
        [
          'mandate_bank_link',
          Prisma.sql`CASE WHEN ${a}.status = 'awaiting_bank_link' THEN ${a}."linkIssueAt" END`,
          Prisma.sql`NULL`,
        ],
      ],
    };
  if (caseType === 'caro') {
    const total = reminderTotal(schedules.caroSchedule ?? DEFAULT_CARO_SCHEDULE);
    return {
      open: Prisma.sql`${a}.status::text IN (${list(CARO_OPEN)})`,
      kinds: [
        [
          'caro_problem',
          Prisma.sql`CASE WHEN ${a}.status = 'problem' THEN COALESCE(${a}."problemAt", ${since}) END`,
          Prisma.sql`${a}."problemReason"::text`,
        ],
        [
          'caro_invitation_expiring',
          Prisma.sql`CASE WHEN ${a}.status = 'invitation_sent' AND ${a}."reminderCount" >= ${total}
            AND ${a}."linkExpiresAt" > now() THEN COALESCE(${a}."lastReminderAt", ${since}) END`,
          Prisma.sql`to_char(${a}."linkExpiresAt" AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`,
        ],
      ],
    };
  }
  const w = interval(expiresSoonWindowMs(schedules.consentSchedule));
  return {
    open: Prisma.sql`true`,
    kinds: [
      [
        'consent_expiring',
        Prisma.sql`CASE WHEN ${a}.status <> 'expired' AND ${a}."validUntil" <= now() + ${w} THEN ${a}."validUntil" - ${w} END`,
        Prisma.sql`to_char(${a}."validUntil" AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`,
      ],
      ['consent_expired', Prisma.sql`CASE WHEN ${a}.status = 'expired' THEN ${since} END`, Prisma.sql`NULL`],
      [
        'consent_action',
        Prisma.sql`CASE WHEN ${a}.status::text IN (${list(CONSENT_ACTION_STATUSES)}) THEN ${since} END`,
        Prisma.sql`${a}.status::text`,
      ],
    ],
  };
}

/**
 * The attention of one case row, as lateral joins giving `a.attention` (a JSON array of
 * {kind, since, detail}, oldest first) and `a.attention_since` (the oldest; null: nothing needs it).
 * `kinds` limits it to those kinds.
 */
export function attentionJoins(c: AttentionColumns, kinds: readonly AttentionKind[]): Prisma.Sql {
  const email = Prisma.sql`LEFT JOIN LATERAL (SELECT min(e."updatedAt") AS at,
        string_agg(DISTINCT e.template || ': ' || CASE WHEN e."toAddress" IS NULL THEN 'no e-mail address on file'
          ELSE COALESCE(e.error, 'rejected') END, '; ') AS what
      FROM email_outbox e
     WHERE e."caseType" = ${c.caseType}::"CaseType" AND e."caseId" = ${c.id} AND ${c.open} AND ${EMAIL_NOT_SENT_SQL}
       AND NOT EXISTS (SELECT 1 FROM email_outbox s WHERE s."caseType" = e."caseType" AND s."caseId" = e."caseId"
                          AND s.template = e.template AND s.status = 'sent' AND s."createdAt" > e."createdAt")
    ) AS ep ON true`;
  const callback = Prisma.sql`LEFT JOIN LATERAL (SELECT min(w."receivedAt") AS at,
        string_agg(DISTINCT w.provider || ' ' || COALESCE(w."eventType", 'event') || ': '
          || COALESCE(w.reason, 'handling never finished'), '; ') AS what
      FROM webhook_events w
     WHERE w."resourceType" = ${c.resourceType} AND w."resourceId" = ${c.id} AND w."receivedAt" >= ${c.stateSince}
       AND (w.handled = false OR (w.handled IS NULL AND w."receivedAt" < now() - ${interval(CALLBACK_STUCK_MS)}))
    ) AS cp ON true`;
  const rows: [AttentionKind, Prisma.Sql, Prisma.Sql][] = [
    ...c.kinds,
    ['email_not_sent', Prisma.sql`ep.at`, Prisma.sql`ep.what`],
    ['callback_not_handled', Prisma.sql`cp.at`, Prisma.sql`cp.what`],
  ];
  const chosen = rows.filter(([kind]) => kinds.includes(kind));
  if (chosen.length === 0)
    return Prisma.sql`CROSS JOIN (SELECT NULL::json AS attention, NULL::timestamptz AS attention_since) AS a`;
  const values = Prisma.join(
    chosen.map(([kind, since, detail]) => Prisma.sql`(${Prisma.raw(`'${kind}'`)}, ${since}, ${detail})`),
    ', ',
  );
  return Prisma.sql`${kinds.includes('email_not_sent') ? email : Prisma.empty}
    ${kinds.includes('callback_not_handled') ? callback : Prisma.empty}
    LEFT JOIN LATERAL (
      SELECT json_agg(json_build_object('kind', k.kind, 'since', k.since, 'detail', k.detail) ORDER BY k.since, k.kind)
               AS attention,
             min(k.since) AS attention_since
        FROM (VALUES ${values}) AS k(kind, since, detail)
       WHERE k.since IS NOT NULL) AS a ON true`;
}

/**
 * A cheap test over the case row of whether it may need one of `kinds`: the work queue and the
 * counts filter on it before the lateral joins run, so those run for candidates only, not for
 * every case. E-mails and callbacks: the case has such a row at all (the joins judge it).
 */
export function attentionCandidate(c: AttentionColumns, kinds: readonly AttentionKind[]): Prisma.Sql {
  const tests = c.kinds.filter(([kind]) => kinds.includes(kind)).map(([, since]) => Prisma.sql`${since} IS NOT NULL`);
  if (kinds.includes('email_not_sent'))
    tests.push(Prisma.sql`${c.id} IN (SELECT e."caseId" FROM email_outbox e
      WHERE e."caseType" = ${c.caseType}::"CaseType" AND ${EMAIL_NOT_SENT_SQL})`);
  if (kinds.includes('callback_not_handled'))
    tests.push(Prisma.sql`${c.id} IN (SELECT w."resourceId" FROM webhook_events w
      WHERE w."resourceType" = ${c.resourceType} AND w.handled IS NOT TRUE)`);
  return tests.length === 0 ? Prisma.sql`false` : Prisma.sql`(${Prisma.join(tests, ' OR ')})`;
}

export interface AttentionItem {
  kind: AttentionKind;
  since: string;
  reason: string;
  guidance?: ReturnType<typeof caroGuidance>;
}

const words = (code: string) => code.replaceAll('_', ' ');

/** The reason in words, from the kind and what the SQL found. */
export function attentionItem(
  raw: { kind: AttentionKind; since: string; detail: string | null },
  officeLanguage: string,
): AttentionItem {
  const since = new Date(raw.since).toISOString();
  const d = raw.detail ?? '';
  switch (raw.kind) {
    case 'mandate_problem':
      return { kind: raw.kind, since, reason: `mandate in problem: ${words(d || 'no reason given')}` };
    case 'mandate_stalled':
      return { kind: raw.kind, since, reason: 'stalled: the client has not signed after every reminder' };
    case 'mandate_bank_link':
      return { kind: raw.kind, since, reason: 'KBC/CBC: not linked in the bank app after the set days' };
    case 'caro_problem':
      return {
        kind: raw.kind,
        since,
        reason: `CARO activation failed: ${words(d)}`,
        guidance: caroGuidance(d as CaroFailureReason, officeLanguage),
      };
    case 'caro_invitation_expiring':
      return { kind: raw.kind, since, reason: `invitation expires on ${d}: the last reminder has gone out` };
    case 'consent_expiring':
      return { kind: raw.kind, since, reason: `consent expires on ${d}: ${CONNECTION_STATUSES.expires_soon}` };
    case 'consent_expired':
      return { kind: raw.kind, since, reason: `consent expired: ${CONNECTION_STATUSES.expired}` };
    case 'consent_action':
      return {
        kind: raw.kind,
        since,
        reason: `${words(d)}: ${CONNECTION_STATUSES[d as ConnectionStatus] ?? 'action needed'}`,
      };
    case 'email_not_sent':
      return { kind: raw.kind, since, reason: `e-mail not sent (${d})` };
    case 'callback_not_handled':
      return { kind: raw.kind, since, reason: `provider callback stored but not handled (${d})` };
  }
}
