/**
 * What the run left behind, read once the stack has settled: e-mails expected per case against
 * the outbox and against what the fake Resend actually received, the journeys' states in the
 * database, and the workflows in Temporal (failed, missing for a row, or without a row).
 */
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { PrismaClient } from '../../lib/db/client.js';
import type { Delivery } from './fake-resend.js';
import type { Journey } from './journeys.js';

/** Reminder counts the short schedule gives an idle journey; undefined: the schedule is in whole days, not measured. */
export interface Measured {
  mandateReminders?: number;
  caroReminders?: number;
  /** Per connection, before its final deadline (the offsets are far enough from its start to all be ahead). */
  consentReminders?: number;
}

type Expectation = Record<string, number>;

export function expectedEmails(j: Journey, measured: Measured): Expectation {
  if (j.kind === 'mandate')
    return j.idle
      ? { 'mandate.invitation': 1, 'mandate.reminder': measured.mandateReminders ?? 0, 'mandate.stalled': 1 }
      : { 'mandate.invitation': 1 };
  if (j.kind === 'caro')
    return j.idle
      ? { 'caro.invitation': 1, 'caro.reminder': measured.caroReminders ?? 0 }
      : { 'caro.invitation': 1, 'caro.confirmation': 1 };
  return { 'consent.expired.owner': 1, 'consent.expired.office': 1 };
}

export interface EmailProblem {
  journey: string;
  caseId: string;
  template: string;
  expected: number;
  delivered: number;
  keys: string[];
}

export interface Verdict {
  expected: number;
  delivered: number;
  lost: EmailProblem[];
  duplicated: EmailProblem[];
  /** Outbox rows still queued or failed (never sent), or rejected. */
  unsent: { key: string; status: string }[];
  /** Outbox rows marked sent whose key never reached the provider. */
  sentWithoutDelivery: string[];
  /** Deliveries that reused a key (the provider answered the first message again: no second e-mail). */
  replayedPosts: number;
  conflicts: string[];
  consentReminders: number;
  consentRemindersExpected: number;
  /** Consent reminders for a deadline that had been renewed, delivered after the renewal. */
  remindersAfterRenewal: string[];
  journeysNotFinished: string[];
  /** More than one case for one journey's business key (account, client, office): a start that ran twice. */
  duplicateCases: string[];
  wrongState: string[];
  workflowsFailed: string[];
  workflowsMissing: string[];
  workflowsWithoutRow: string[];
}

const label = (j: Journey) => `${j.kind} #${j.n}${j.id ? ` (${j.id})` : ''}`;
const workflowIdOf = (j: Journey) => (j.kind === 'connection' ? `connection:${j.id}` : `${j.kind}:${j.id}`);

async function databaseStatus(prisma: PrismaClient, j: Journey): Promise<string | undefined> {
  if (!j.id) return undefined;
  const where = { where: { id: j.id }, select: { status: true } } as const;
  const row =
    j.kind === 'mandate'
      ? await prisma.mandate.findUnique(where)
      : j.kind === 'caro'
        ? await prisma.caroOrder.findUnique(where)
        : await prisma.connection.findUnique(where);
  return row?.status;
}

/** How many cases the journey's own account (mandate), client (CARO) or office (connection) has. */
async function casesOfJourney(prisma: PrismaClient, j: Journey): Promise<number> {
  const { accountId, clientId, officeId } = j.setup;
  if (j.kind === 'mandate') return accountId ? prisma.mandate.count({ where: { bankAccountId: accountId } }) : 0;
  if (j.kind === 'caro') return clientId ? prisma.caroOrder.count({ where: { clientId } }) : 0;
  return officeId ? prisma.connection.count({ where: { officeId } }) : 0;
}

export async function judge(opts: {
  prisma: PrismaClient;
  temporal: Client;
  journeys: Journey[];
  deliveries: Delivery[];
  measured: Measured;
}): Promise<Verdict> {
  const { prisma, temporal, journeys, deliveries, measured } = opts;
  const v: Verdict = {
    expected: 0,
    delivered: 0,
    lost: [],
    duplicated: [],
    unsent: [],
    sentWithoutDelivery: [],
    replayedPosts: deliveries.filter((d) => d.outcome === 'replayed').length,
    conflicts: [...new Set(deliveries.filter((d) => d.outcome === 'conflict').map((d) => d.key ?? '(no key)'))],
    consentReminders: 0,
    consentRemindersExpected: 0,
    remindersAfterRenewal: [],
    journeysNotFinished: [],
    duplicateCases: [],
    wrongState: [],
    workflowsFailed: [],
    workflowsMissing: [],
    workflowsWithoutRow: [],
  };
  const accepted = new Map<string, number>();
  for (const d of deliveries) if (d.outcome === 'accepted' && d.key && !accepted.has(d.key)) accepted.set(d.key, d.at);
  const rows = await prisma.emailOutbox.findMany({
    select: { idempotencyKey: true, template: true, caseId: true, status: true },
  });
  for (const row of rows) {
    if (row.status !== 'sent') v.unsent.push({ key: row.idempotencyKey, status: row.status });
    else if (!accepted.has(row.idempotencyKey)) v.sentWithoutDelivery.push(row.idempotencyKey);
  }

  for (const j of journeys) {
    if (j.outcome !== 'done') v.journeysNotFinished.push(`${label(j)}: ${j.error ?? 'still running'}`);
    const cases = await casesOfJourney(prisma, j);
    if (cases > 1) v.duplicateCases.push(`${label(j)}: ${cases} ${j.kind} rows for one journey`);
    if (!j.id) continue;
    const status = await databaseStatus(prisma, j);
    if (status !== j.expectedStatus)
      v.wrongState.push(`${label(j)}: ${status ?? 'no row'}, expected ${j.expectedStatus}`);

    const ofCase = rows.filter((row) => row.caseId === j.id);
    const expectation = expectedEmails(j, measured);
    const templates = new Set([...Object.keys(expectation), ...ofCase.map((row) => row.template)]);
    for (const template of templates) {
      const keys = ofCase.filter((row) => row.template === template).map((row) => row.idempotencyKey);
      const delivered = keys.filter((key) => accepted.has(key));
      if (template === 'consent.reminder') {
        // Reminders of the deadline the connection ended with are counted against the schedule;
        // those of a deadline it was renewed from may have gone out, but never after the renewal.
        const final = keys.filter((key) => j.validUntil !== undefined && key.includes(`/${j.validUntil}/`));
        v.consentReminders += final.filter((key) => accepted.has(key)).length;
        for (const key of delivered)
          if (j.renewedFrom && j.renewedAt !== undefined && key.includes(`/${j.renewedFrom}/`))
            if (accepted.get(key)! > j.renewedAt) v.remindersAfterRenewal.push(`${label(j)}: ${key}`);
        if (measured.consentReminders === undefined) continue;
        const expected = measured.consentReminders;
        const got = final.filter((key) => accepted.has(key));
        v.consentRemindersExpected += expected;
        v.expected += expected;
        v.delivered += Math.min(got.length, expected);
        const problem = { journey: label(j), caseId: j.id, template, expected, delivered: got.length, keys: final };
        if (got.length < expected) v.lost.push(problem);
        if (got.length > expected) v.duplicated.push(problem);
        continue;
      }
      // A renewal held up (a database outage) until after the old deadline lifted an expired consent:
      // that deadline's expiry was told too, and rightly. It counts only when the renewal came late.
      const lateRenewal =
        template.startsWith('consent.expired.') &&
        j.renewedFrom !== undefined &&
        j.renewedAt !== undefined &&
        j.renewedAt >= Date.parse(j.renewedFrom) - 2_000;
      // A reminder that reached the provider before the client acted was due (the outage held the
      // action up); one after it never is.
      const dueBeforeAction =
        template.endsWith('.reminder') && !j.idle && j.actedAt !== undefined
          ? delivered.filter((key) => accepted.get(key)! < j.actedAt!).length
          : 0;
      const oldDeadline = lateRenewal && keys.some((k) => k.includes(`/${j.renewedFrom}/`)) ? 1 : 0;
      const expected = (expectation[template] ?? 0) + dueBeforeAction + oldDeadline;
      v.expected += expected;
      v.delivered += Math.min(delivered.length, expected);
      const problem = { journey: label(j), caseId: j.id, template, expected, delivered: delivered.length, keys };
      if (delivered.length < expected) v.lost.push(problem);
      if (delivered.length > expected) v.duplicated.push(problem);
    }
  }

  for (const j of journeys) {
    if (!j.id) continue;
    try {
      const description = await temporal.workflow.getHandle(workflowIdOf(j)).describe();
      if (['FAILED', 'TERMINATED', 'TIMED_OUT'].includes(description.status.name))
        v.workflowsFailed.push(`${workflowIdOf(j)}: ${description.status.name}`);
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) v.workflowsMissing.push(workflowIdOf(j));
      else throw error;
    }
  }
  const ours = new Set(journeys.filter((j) => j.id).map(workflowIdOf));
  for await (const execution of temporal.workflow.list()) {
    if (execution.status.name === 'FAILED' && !ours.has(execution.workflowId))
      v.workflowsFailed.push(`${execution.workflowId}: FAILED (not one of the journeys)`);
    const [kind, id] = execution.workflowId.split(':');
    if (!id || ours.has(execution.workflowId)) continue;
    const exists =
      kind === 'mandate'
        ? await prisma.mandate.count({ where: { id } })
        : kind === 'caro'
          ? await prisma.caroOrder.count({ where: { id } })
          : kind === 'connection'
            ? await prisma.connection.count({ where: { id } })
            : 1;
    if (exists === 0) v.workflowsWithoutRow.push(`${execution.workflowId}: ${execution.status.name}`);
  }
  return v;
}

export const failed = (v: Verdict): boolean =>
  v.lost.length > 0 ||
  v.duplicated.length > 0 ||
  v.unsent.length > 0 ||
  v.sentWithoutDelivery.length > 0 ||
  v.conflicts.length > 0 ||
  v.remindersAfterRenewal.length > 0 ||
  v.journeysNotFinished.length > 0 ||
  v.duplicateCases.length > 0 ||
  v.wrongState.length > 0 ||
  v.workflowsFailed.length > 0 ||
  v.workflowsMissing.length > 0 ||
  v.workflowsWithoutRow.length > 0;
