// The facts every case detail shows (history, pending start, e-mail problems, reminders) as
// subqueries of the case's own SELECT: the detail is one statement, one round trip, instead of a
// query per fact. Each subquery gives its rows as JSON with the columns Prisma would give (times as
// ISO strings, revived by `reviveDates`), so the same presenters (head.ts, email-problems.ts) shape them.
import { Prisma, type CaseType } from '../../../lib/db/client.js';
import { isoSql as iso } from '../../../lib/db/sql-read.js';
import { EMAIL_NOT_SENT_SQL } from '../email-problems.js';

/**
 * The four facts' columns for the case row aliased `alias` (its `id` and `workflowId` columns):
 * `history`, `startPending`, `emailProblems` and `reminders`, to put in its SELECT list.
 */
export function caseFactColumns(caseType: CaseType, alias: string): Prisma.Sql {
  const id = Prisma.raw(`${alias}.id`);
  const workflowId = Prisma.raw(`${alias}."workflowId"`);
  return Prisma.sql`
    (SELECT coalesce(json_agg(json_build_object(
        'version', t.version, 'at', ${iso('t.at')}, 'fromState', t."fromState", 'toState', t."toState",
        'actorKind', t."actorKind", 'actorId', t."actorId", 'event', t.event, 'reason', t.reason, 'note', t.note)
      ORDER BY t.version), '[]'::json)
     FROM case_transitions t WHERE t."caseType" = ${caseType}::"CaseType" AND t."caseId" = ${id}) AS history,
    EXISTS (SELECT 1 FROM pending_starts p WHERE p."workflowId" = ${workflowId}) AS "startPending",
    (SELECT coalesce(json_agg(json_build_object(
        'template', e.template, 'status', e.status, 'error', e.error, 'toAddress', e."toAddress",
        'createdAt', ${iso('e."createdAt"')}, 'updatedAt', ${iso('e."updatedAt"')})
      ORDER BY e."createdAt"), '[]'::json)
     FROM email_outbox e
     WHERE e."caseType" = ${caseType}::"CaseType" AND e."caseId" = ${id} AND ${EMAIL_NOT_SENT_SQL}) AS "emailProblems",
    (SELECT coalesce(json_agg(json_build_object(
        'kind', r.kind, 'sequence', r.sequence, 'toAddress', r."toAddress", 'sentAt', ${iso('r."sentAt"')})
      ORDER BY r."sentAt"), '[]'::json)
     FROM reminders_sent r WHERE r."caseType" = ${caseType}::"CaseType" AND r."caseId" = ${id}) AS reminders`;
}

/** The same objects with the named ISO-string fields turned back into Dates. */
export const reviveDates = <K extends string>(rows: Record<string, unknown>[], ...fields: K[]) =>
  rows.map((row) => {
    const copy = { ...row };
    for (const field of fields) copy[field] = new Date(copy[field] as string);
    return copy;
  });
