import { WorkflowNotFoundError } from '@temporalio/client';
import type { Connection, PrismaClient } from '../../lib/db/client.js';
import {
  consentRenewedSignal,
  journalCreatedUpdate,
  remindNowUpdate,
  reportStatusUpdate,
  sendInvitationUpdate,
  type ConsentRenewalInput,
  type InvitationResult,
  type RemindNowResult,
  type StatusChangeResult,
} from '../../workflows/consent-renewal/contract.js';
import {
  allows,
  CONNECTION_STATUSES,
  expiresSoon,
  expiresSoonDays as windowDays,
  INVITATION_STATUSES,
  statusAfter,
  type ReportedStatus,
} from '../../workflows/consent-renewal/rules.js';
import type { consentRenewalWorkflow } from '../../workflows/consent-renewal/workflow.js';
import { withTemporalDeadline, type AppDeps } from '../deps.js';
import { ApiError } from '../errors.js';

export const consentInput = (
  deps: AppDeps,
  connectionId: string,
  validUntil: Date,
  statusVersion?: number,
): ConsentRenewalInput => ({
  connectionId,
  validUntil: validUntil.toISOString(),
  schedule: deps.consentSchedule,
  ...(statusVersion ? { statusVersion } : {}),
});

export type RenewalOutcome = { kind: 'stale' | 'renewed'; connection: Connection };

/**
 * A renewal's first step, the database's deadline: a guarded update, so that of two renewals racing
 * the later deadline wins whatever the order. It may land at any instant of the consent workflow's
 * activities, the deadline's own included (activities/connections: their writes and e-mails are
 * guarded by the deadline they were planned for).
 */
export async function storeRenewal(prisma: PrismaClient, connectionId: string, validUntil: Date): Promise<boolean> {
  const { count } = await prisma.connection.updateMany({
    where: { id: connectionId, validUntil: { lt: validUntil } },
    data: { validUntil },
  });
  return count === 1;
}

/**
 * A new consent deadline, from the aggregator's webhook or an operator. Older than the
 * current one: nothing changes. Otherwise the database's deadline first (a reminder racing this
 * reads the new deadline and stays silent), then the workflow, which lifts the deadline's statuses
 * (the status is the workflow's alone); an equal deadline is signalled again (the workflow
 * ignores it), so a retry after a 503 is never lost. The answer shows the status the workflow sets.
 */
export async function renewConsent(deps: AppDeps, connection: Connection, validUntil: Date): Promise<RenewalOutcome> {
  if (validUntil.getTime() < connection.validUntil.getTime()) return { kind: 'stale', connection };
  await storeRenewal(deps.prisma, connection.id, validUntil);
  const updated = await deps.prisma.connection.findUniqueOrThrow({ where: { id: connection.id } });
  // Signalled if the workflow runs; otherwise (the previous consent expired, its run ended) a new
  // run starts from the database's deadline, the latest of any renewals racing this one.
  await withTemporalDeadline(deps, () =>
    deps.temporal.workflow.signalWithStart<typeof consentRenewalWorkflow, [{ validUntil: string }]>(
      'consentRenewalWorkflow',
      {
        workflowId: connection.workflowId,
        taskQueue: deps.taskQueue,
        args: [consentInput(deps, connection.id, updated.validUntil, updated.statusVersion)],
        signal: consentRenewedSignal,
        signalArgs: [{ validUntil: validUntil.toISOString() }],
      },
    ),
  );
  // Only this renewal's own deadline moves the status (a later one racing it answers for itself).
  const status =
    updated.validUntil.getTime() === validUntil.getTime()
      ? statusAfter(
          updated.status,
          { kind: 'renewed', validUntil: validUntil.toISOString() },
          expiresSoon(validUntil.getTime(), Date.now(), deps.consentSchedule),
        )
      : updated.status;
  return { kind: 'renewed', connection: { ...updated, status } };
}

/**
 * Within this many days of its deadline a consent "expires soon": the first reminder of the schedule (15), rounded up.
 */
export const expiresSoonDays = (deps: AppDeps): number => windowDays(deps.consentSchedule);

const notRunning = () =>
  new ApiError(
    409,
    'workflow_not_running',
    'the consent workflow of this connection has ended (the consent expired): renewing the consent starts it again',
  );

/** An update on the connection's workflow; `undefined` when the workflow has ended. */
async function onWorkflow<R>(
  deps: AppDeps,
  connection: Connection,
  run: (handle: ReturnType<AppDeps['temporal']['workflow']['getHandle']>) => Promise<R>,
): Promise<R | undefined> {
  return withTemporalDeadline(deps, async () => {
    try {
      return await run(deps.temporal.workflow.getHandle(connection.workflowId));
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) return undefined;
      throw error;
    }
  });
}

/** An update on the connection's workflow; an ended workflow is a 409, not a 404 of the connection. */
async function update<R>(
  deps: AppDeps,
  connection: Connection,
  run: (handle: ReturnType<AppDeps['temporal']['workflow']['getHandle']>) => Promise<R>,
): Promise<R> {
  const result = await onWorkflow(deps, connection, run);
  if (result === undefined) throw notRunning();
  return result;
}

/** A new invitation repairs a connection; more than one an hour is a double click, not a repair. */
const INVITATION_INTERVAL_HOURS = 1;

/** 429 when the same manual e-mail went to the owner within the interval (CONSENT_MANUAL_REMINDER_HOURS). */
async function refuseTooSoon(
  deps: AppDeps,
  connectionId: string,
  kind: { startsWith: string } | { equals: string },
  nowMs: number,
  code: string,
  what: string,
  hours = deps.consentSchedule.manualReminderIntervalHours ?? 24,
): Promise<void> {
  const last = await deps.prisma.reminderSent.findFirst({
    where: { caseType: 'connection', caseId: connectionId, kind },
    orderBy: { sentAt: 'desc' },
  });
  if (!last) return;
  const nextAllowedMs = last.sentAt.getTime() + hours * 3_600_000;
  if (nextAllowedMs <= nowMs) return;
  const nextAllowedAt = new Date(nextAllowedMs).toISOString();
  throw new ApiError(
    429,
    code,
    `${what} for this connection went out less than ${hours} h ago; next one from ${nextAllowedAt}`,
    { nextAllowedAt },
    { 'Retry-After': String(Math.max(1, Math.ceil((nextAllowedMs - nowMs) / 1000))) },
  );
}

/** Why the owner cannot be reached, as a 409 the office can act on. */
function notSent(reason: 'missing_recipient' | 'undeliverable'): ApiError {
  return reason === 'missing_recipient'
    ? new ApiError(409, 'owner_email_missing', 'the connection has no owner e-mail address: nothing was sent')
    : new ApiError(
        409,
        'email_undeliverable',
        'the e-mail could not be delivered to the owner (rejected by the provider, or the provider is down): see emailProblems on the connection',
      );
}

/**
 * "Remind now": a consent reminder to the owner at once, through the workflow, so that a renewed
 * or expired consent never gets one. Only for a consent that expires within the reminder window;
 * at most once per CONSENT_MANUAL_REMINDER_HOURS (429 with Retry-After).
 */
export async function remindNow(
  deps: AppDeps,
  connection: Connection,
  nowMs = Date.now(),
): Promise<Extract<RemindNowResult, { sent: true }>> {
  const window = expiresSoonDays(deps);
  const until = connection.validUntil.toISOString();
  if (connection.status === 'expired' || connection.validUntil.getTime() <= nowMs) {
    throw new ApiError(
      409,
      'reminder_not_applicable',
      `the consent expired on ${until}: the owner and the office were told then; the owner renews at the bank`,
    );
  }
  if (!allows('remind_now', connection.status)) {
    throw new ApiError(
      409,
      'reminder_not_applicable',
      `a consent reminder does not help a connection in status ${connection.status}: ${CONNECTION_STATUSES[connection.status]}`,
    );
  }
  if (!expiresSoon(connection.validUntil.getTime(), nowMs, deps.consentSchedule)) {
    throw new ApiError(
      409,
      'reminder_not_applicable',
      `the consent runs until ${until}: a reminder can be sent within ${window} days of that date`,
    );
  }
  // Checked here first, from the case's record: a refused request never reaches the workflow, so
  // repeated clicks cannot grow its history (the workflow checks again, atomically).
  await refuseTooSoon(deps, connection.id, { startsWith: 'consent-manual:' }, nowMs, 'reminder_too_soon', 'a reminder');
  const result = await update(deps, connection, (handle) =>
    handle.executeUpdate(remindNowUpdate, { args: [{ validUntil: until }] }),
  );
  if (result.sent) return result;
  switch (result.reason) {
    case 'too_soon': {
      const seconds = Math.max(1, Math.ceil((Date.parse(result.nextAllowedAt) - nowMs) / 1000));
      throw new ApiError(
        429,
        'reminder_too_soon',
        `a reminder for this connection went out less than ${deps.consentSchedule.manualReminderIntervalHours ?? 24} h ago; next one from ${result.nextAllowedAt}`,
        { nextAllowedAt: result.nextAllowedAt },
        { 'Retry-After': String(seconds) },
      );
    }
    case 'renewed':
      throw new ApiError(409, 'consent_renewed', 'the consent was renewed meanwhile: no reminder is needed');
    case 'expired':
      throw new ApiError(409, 'reminder_not_applicable', `the consent expired on ${until}: no reminder any more`);
    default:
      throw notSent(result.reason);
  }
}

/**
 * A new invitation to the owner, for `account_not_found` and `access_lost` (docs/domain.md#journey-3-consent-renewal),
 * through the workflow.
 */
export async function inviteAgain(
  deps: AppDeps,
  connection: Connection,
): Promise<Extract<InvitationResult, { sent: true }>> {
  const refuse = (status: string) =>
    new ApiError(
      409,
      'invitation_not_applicable',
      `a new invitation repairs a connection in status ${INVITATION_STATUSES.join(' or ')}; this one is ${status}`,
    );
  if (!allows('new_invitation', connection.status)) throw refuse(connection.status);
  await refuseTooSoon(
    deps,
    connection.id,
    { equals: 'invitation' },
    Date.now(),
    'invitation_too_soon',
    'an invitation',
    INVITATION_INTERVAL_HOURS,
  );
  const result = await update(deps, connection, (handle) => handle.executeUpdate(sendInvitationUpdate));
  if (result.sent) return result;
  if (result.reason === 'not_needed') throw refuse('no longer one of them (repaired meanwhile)');
  throw notSent(result.reason);
}

/**
 * `journal_missing` clears once the office created the ledger journal: back to `connected`, or
 * `expires_soon` within the reminder window of the deadline. The workflow applies it (guarded:
 * only from journal_missing).
 */
export async function journalCreated(deps: AppDeps, connection: Connection): Promise<Connection> {
  const refuse = (status: string) =>
    new ApiError(
      409,
      'journal_not_missing',
      `only a connection in status journal_missing is reactivated this way; this one is ${status}`,
    );
  if (!allows('journal_created', connection.status)) throw refuse(connection.status);
  const result = await update(deps, connection, (handle) => handle.executeUpdate(journalCreatedUpdate));
  if (!result.applied) throw refuse(result.status);
  return deps.prisma.connection.findUniqueOrThrow({ where: { id: connection.id } });
}

/**
 * A status the aggregator reports, applied by the workflow. An ended workflow (the consent expired:
 * only a renewal lifts that) applies nothing.
 */
export async function reportStatus(
  deps: AppDeps,
  connection: Connection,
  status: ReportedStatus,
): Promise<StatusChangeResult> {
  const result = await onWorkflow(deps, connection, (handle) =>
    handle.executeUpdate(reportStatusUpdate, { args: [{ status }] }),
  );
  return result ?? { applied: false, status: connection.status };
}
