import { WorkflowNotFoundError } from '@temporalio/client';
import type { Connection } from '../../lib/db/client.js';
import {
  CONNECTION_STATUSES,
  consentRenewedSignal,
  needsInvitation,
  remindNowUpdate,
  sendInvitationUpdate,
  type ConsentRenewalInput,
  type InvitationResult,
  type RemindNowResult,
} from '../../workflows/consent-renewal/contract.js';
import type { consentRenewalWorkflow } from '../../workflows/consent-renewal/workflow.js';
import { withTemporalDeadline, type AppDeps } from '../deps.js';
import { ApiError } from '../errors.js';

export const consentInput = (deps: AppDeps, connectionId: string, validUntil: Date): ConsentRenewalInput => ({
  connectionId,
  validUntil: validUntil.toISOString(),
  schedule: deps.consentSchedule,
});

const DAY = 86_400_000;

export type RenewalOutcome = { kind: 'stale' | 'renewed'; connection: Connection };

/**
 * A new consent deadline, from the aggregator's webhook or an operator. Older than the
 * current one: nothing changes. Otherwise the database first (a reminder racing this reads
 * the new deadline and stays silent), then the workflow; an equal deadline is signalled
 * again (the workflow ignores it), so a retry after a 503 is never lost.
 */
export async function renewConsent(deps: AppDeps, connection: Connection, validUntil: Date): Promise<RenewalOutcome> {
  if (validUntil.getTime() < connection.validUntil.getTime()) return { kind: 'stale', connection };
  // Guarded update: of two renewals racing, the later deadline wins whatever the order.
  await deps.prisma.connection.updateMany({
    where: { id: connection.id, validUntil: { lt: validUntil } },
    data: { validUntil },
  });
  // A renewal answers the deadline's statuses only: a missing journal or a lost access stays.
  const soon = validUntil.getTime() - Date.now() <= expiresSoonDays(deps) * DAY;
  await deps.prisma.connection.updateMany({
    where: {
      id: connection.id,
      validUntil,
      status: { in: ['connected', 'expires_soon', 'expired', 'no_authorised_iban'] },
    },
    data: { status: soon ? 'expires_soon' : 'connected' },
  });
  const updated = await deps.prisma.connection.findUniqueOrThrow({ where: { id: connection.id } });
  // Signalled if the workflow runs; otherwise (the previous consent expired, its run ended) a new
  // run starts from the database's deadline, the latest of any renewals racing this one.
  await withTemporalDeadline(deps, () =>
    deps.temporal.workflow.signalWithStart<typeof consentRenewalWorkflow, [{ validUntil: string }]>(
      'consentRenewalWorkflow',
      {
        workflowId: connection.workflowId,
        taskQueue: deps.taskQueue,
        args: [consentInput(deps, connection.id, updated.validUntil)],
        signal: consentRenewedSignal,
        signalArgs: [{ validUntil: validUntil.toISOString() }],
      },
    ),
  );
  return { kind: 'renewed', connection: updated };
}

/** Within this many days of its deadline a consent "expires soon": the first reminder of the schedule (15), in whole days rounded up. */
export const expiresSoonDays = (deps: AppDeps): number =>
  Math.ceil(Math.max(...deps.consentSchedule.remindersBefore.map((r) => r.ms)) / DAY);

const notRunning = () =>
  new ApiError(
    409,
    'workflow_not_running',
    'the consent workflow of this connection has ended (the consent expired): renewing the consent starts it again',
  );

/** An update on the connection's workflow; an ended workflow is a 409, not a 404 of the connection. */
async function update<R>(
  deps: AppDeps,
  connection: Connection,
  run: (handle: ReturnType<AppDeps['temporal']['workflow']['getHandle']>) => Promise<R>,
): Promise<R> {
  return withTemporalDeadline(deps, async () => {
    try {
      return await run(deps.temporal.workflow.getHandle(connection.workflowId));
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) throw notRunning();
      throw error;
    }
  });
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
  if (connection.status !== 'connected' && connection.status !== 'expires_soon') {
    throw new ApiError(
      409,
      'reminder_not_applicable',
      `a consent reminder does not help a connection in status ${connection.status}: ${CONNECTION_STATUSES[connection.status]}`,
    );
  }
  if (connection.validUntil.getTime() - nowMs > window * DAY) {
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

/** A new invitation to the owner, for `account_not_found` and `access_lost` (seed 003), through the workflow. */
export async function inviteAgain(
  deps: AppDeps,
  connection: Connection,
): Promise<Extract<InvitationResult, { sent: true }>> {
  const refuse = (status: string) =>
    new ApiError(
      409,
      'invitation_not_applicable',
      `a new invitation repairs a connection in status account_not_found or access_lost; this one is ${status}`,
    );
  if (!needsInvitation(connection.status)) throw refuse(connection.status);
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
 * `expires_soon` within the reminder window of the deadline. Guarded: only from journal_missing.
 */
export async function journalCreated(deps: AppDeps, connection: Connection, nowMs = Date.now()): Promise<Connection> {
  const soon = connection.validUntil.getTime() - nowMs <= expiresSoonDays(deps) * DAY;
  const { count } = await deps.prisma.connection.updateMany({
    where: { id: connection.id, status: 'journal_missing' },
    data: { status: soon ? 'expires_soon' : 'connected' },
  });
  if (count === 0) {
    throw new ApiError(
      409,
      'journal_not_missing',
      `only a connection in status journal_missing is reactivated this way; this one is ${connection.status}`,
    );
  }
  return deps.prisma.connection.findUniqueOrThrow({ where: { id: connection.id } });
}
