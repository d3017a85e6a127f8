import { ApplicationFailure } from '@temporalio/activity';
import { connectionLinkSubject } from '../../lib/links/subjects.js';
import type { StatusChangeResult } from '../../workflows/consent-renewal/contract.js';
import { CHANGE_ACTOR, needsInvitation, transition, type StatusChange } from '../../workflows/consent-renewal/rules.js';
import { EVENT_TX, recordEvent } from '../../lib/events/record.js';
import { recordTransitionIn } from '../case-transitions.js';
import type { ActivityDeps } from '../deps.js';
import { createSendEmail, isEmailRejected, type StillHolds } from '../email/send-email.js';

export interface ConsentReminderRequest {
  connectionId: string;
  validUntil: string;
  daysBefore: number;
  /** A reminder given in a smaller unit than days (`2h`): exactly this long before the deadline. */
  beforeMs?: number;
  idempotencyKey: string;
  /** A reminder the office asked for (POST /v1/connections/:id/remind), numbered over the connection's life. */
  manual?: { sequence: number };
  /** The workflow's version for the status change (`expires_soon`) and its time; absent in histories recorded before. */
  statusVersion?: number;
  at?: string;
}

export interface StatusChangeRequest {
  connectionId: string;
  change: StatusChange;
  /** The deadline is within the expires-soon window, by workflow time. */
  soon: boolean;
  /** Increases with every change the workflow asks for: an older one than the stored one changes nothing. */
  statusVersion: number;
  /** When the workflow asked for it (workflow time); absent in histories recorded before. */
  at?: string;
  /**
   * The deadline's own changes (`reminded`, `expired`) apply while the deadline is still this one, and
   * also over a later change that reached the row first: the deadline passing is a fact, not a report.
   */
  deadline?: string;
}

export interface ConnectionInvitationRequest {
  connectionId: string;
  /** Numbered over the connection's life: the record of this invitation. */
  sequence: number;
  linkExpiresAt: string;
  idempotencyKey: string;
}

export type ConnectionInvitationOutcome = { sent: true } | { sent: false; reason: 'not_needed' | 'missing_recipient' };

export type ConsentReminderOutcome = { sent: true } | { sent: false; reason: 'renewed' | 'missing_recipient' };

/** "ponto" → "Ponto": aggregators are stored by id, shown by name. */
const providerName = (provider: string) => provider.charAt(0).toUpperCase() + provider.slice(1);

export function createConnectionActivities(deps: ActivityDeps) {
  const { prisma, logger, links } = deps;
  const sendEmail = createSendEmail(deps);

  async function loadConnection(connectionId: string) {
    const connection = await prisma.connection.findUnique({
      where: { id: connectionId },
      include: { office: true, client: true },
    });
    if (!connection) {
      throw ApplicationFailure.create({
        type: 'ConnectionNotFound',
        message: `connection ${connectionId} not found`,
        nonRetryable: true,
      });
    }
    return connection;
  }

  /**
   * A deadline's reminder or expiry is queued for the owner only while the deadline is still the
   * stored one, checked and queued in one transaction with the row share-locked: a renewal that
   * reaches the row at the reminder's or the deadline's own instant lands before (nobody hears of
   * the old deadline) or after (it was told before the renewal existed), never in between.
   */
  const whileDeadline =
    (connectionId: string, validUntil: string): StillHolds =>
    async (tx) =>
      (
        await tx.$queryRaw<unknown[]>`SELECT "id" FROM "connections"
          WHERE "id" = ${connectionId} AND "validUntil" = ${new Date(validUntil)} FOR SHARE`
      ).length === 1;

  /**
   * The one writer of `status` (with `statusVersion`): applies `change` when the current status is
   * one it applies from and no later change was stored (a deadline change: while its deadline holds).
   * A renewal applies to its own deadline only. Every change that moves the status is recorded for
   * the case's timeline with it, so a retry after the write adds nothing.
   *
   * One transaction, the row locked first: the check, the transition with its event and the status
   * commit together. The workflow is the only writer of the status, but a renewal's new deadline
   * (api/services/consent.ts) reaches the row from the API at any instant, also the deadline's own:
   * it lands before all of them (the deadline's change finds another deadline and records nothing)
   * or after all of them, never between the check and the write.
   */
  async function applyStatusChange(req: StatusChangeRequest): Promise<StatusChangeResult> {
    const { from, to } = transition(req.change, req.soon);
    const at = new Date(req.at ?? Date.now());
    const renewedUntil = req.change.kind === 'renewed' ? req.change.validUntil : undefined;
    const deadline = renewedUntil ?? req.deadline;
    const base = {
      id: req.connectionId,
      status: { in: [...from] },
      ...(deadline ? { validUntil: new Date(deadline) } : {}),
    };
    const where = { ...base, statusVersion: { lt: req.statusVersion } };
    const count = await prisma.$transaction(async (tx) => {
      await tx.$queryRaw`SELECT "id" FROM "connections" WHERE "id" = ${req.connectionId} FOR UPDATE`;
      const before = await tx.connection.findFirst({ where: req.deadline ? base : where, select: { status: true } });
      const moves = before !== null && before.status !== to;
      if (moves)
        await recordTransitionIn(tx, {
          caseType: 'connection',
          caseId: req.connectionId,
          version: req.statusVersion,
          from: before.status,
          to,
          actor: { kind: CHANGE_ACTOR[req.change.kind] },
          event: req.change.kind,
          at: at.toISOString(),
          ...(renewedUntil ? { eventData: { validUntil: renewedUntil } } : {}),
        });
      const data = { status: to, ...(moves ? { statusChangedAt: at } : {}) };
      const updated = await tx.connection.updateMany({ where, data: { ...data, statusVersion: req.statusVersion } });
      // A renewal that leaves the status as it is still tells the office's software its new deadline.
      if (updated.count === 1 && renewedUntil && !moves)
        await recordEvent(tx, {
          type: 'connection.renewed',
          subject: 'connection',
          subjectId: req.connectionId,
          status: to,
          data: { from: to, to, event: 'renewed', actor: CHANGE_ACTOR.renewed, validUntil: renewedUntil },
          occurredAt: at,
          sourceKey: `transition:connection:${req.connectionId}:${req.statusVersion}`,
        });
      // A deadline change behind a later one keeps the later version (a stale change stays refused).
      if (updated.count === 0 && req.deadline) return (await tx.connection.updateMany({ where: base, data })).count;
      return updated.count;
    }, EVENT_TX);
    const { status } = await prisma.connection.findUniqueOrThrow({
      where: { id: req.connectionId },
      select: { status: true },
    });
    logger.info(
      {
        connectionId: req.connectionId,
        change: req.change.kind,
        status,
        version: req.statusVersion,
        applied: count === 1,
      },
      'connection status change',
    );
    return { applied: count === 1, status };
  }

  /**
   * A deadline change from an activity of the workflow: through the one writer when the workflow gave
   * it a version; histories recorded before gave none, and write the status as they did.
   */
  async function deadlineChange(
    req: { connectionId: string; validUntil: string; statusVersion?: number; at?: string },
    kind: 'reminded' | 'expired',
  ): Promise<boolean> {
    if (req.statusVersion !== undefined) {
      const { applied } = await applyStatusChange({
        connectionId: req.connectionId,
        change: { kind },
        soon: true,
        statusVersion: req.statusVersion,
        ...(req.at ? { at: req.at } : {}),
        deadline: req.validUntil,
      });
      return applied;
    }
    const { from, to } = transition({ kind }, true);
    const { count } = await prisma.connection.updateMany({
      where: {
        id: req.connectionId,
        status: { in: [...from] },
        ...(kind === 'expired' ? { validUntil: new Date(req.validUntil) } : {}),
      },
      data: { status: to },
    });
    return count === 1;
  }

  const facts = (connection: Awaited<ReturnType<typeof loadConnection>>) => ({
    provider: providerName(connection.provider),
    bankName: connection.bankName,
    ibans: connection.ibans,
    validUntil: connection.validUntil.toISOString(),
  });

  return {
    /** A status change from the consent workflow (a report of the aggregator, a renewal, a created journal). */
    applyConnectionStatus: applyStatusChange,

    /**
     * Reminds the owner, unless the consent was renewed meanwhile: the database holds the current
     * deadline. A provider rejection fails it with EmailRejected (non-retryable), recorded on the case.
     */
    async sendConsentReminder(req: ConsentReminderRequest): Promise<ConsentReminderOutcome> {
      const connection = await loadConnection(req.connectionId);
      const log = logger.child({
        connectionId: req.connectionId,
        daysBefore: req.daysBefore,
        manual: req.manual !== undefined,
      });
      if (connection.validUntil.getTime() !== Date.parse(req.validUntil)) {
        log.info('consent renewed since this reminder was planned: not sending');
        return { sent: false, reason: 'renewed' };
      }
      await deadlineChange(req, 'reminded');
      const outcome = await sendEmail(
        {
          template: 'consent.reminder',
          vars: {
            ...facts(connection),
            daysBefore: req.daysBefore,
            ...(req.beforeMs === undefined ? {} : { beforeMs: req.beforeMs }),
            officeName: connection.office.name,
          },
          to: connection.ownerEmail,
          language: connection.ownerLanguage,
          idempotencyKey: req.idempotencyKey,
          case: { type: 'connection', id: connection.id },
        },
        whileDeadline(req.connectionId, req.validUntil),
      );
      if (outcome.status === 'withdrawn') {
        log.info('consent renewed while this reminder was being recorded: not sending');
        return { sent: false, reason: 'renewed' };
      }
      if (outcome.status === 'missing_recipient') return { sent: false, reason: 'missing_recipient' };
      await prisma.reminderSent.createMany({
        data: [
          req.manual
            ? {
                caseType: 'connection',
                caseId: connection.id,
                kind: `consent-manual:${req.validUntil}`,
                sequence: req.manual.sequence,
                toAddress: connection.ownerEmail,
              }
            : {
                caseType: 'connection',
                caseId: connection.id,
                // A reminder given in a smaller unit is recorded by its seconds before the deadline.
                ...(req.beforeMs === undefined
                  ? { kind: `consent:${req.validUntil}`, sequence: req.daysBefore }
                  : { kind: `consent-exact:${req.validUntil}`, sequence: Math.round(req.beforeMs / 1000) }),
                toAddress: connection.ownerEmail,
              },
        ],
        skipDuplicates: true,
      });
      log.info({ duplicate: outcome.duplicate }, 'consent reminder sent');
      return { sent: true };
    },

    /**
     * A new invitation to the owner, with a signed link, while the aggregator reports the account
     * not found or the access lost (re-read here: a repaired connection gets nothing).
     */
    async sendConnectionInvitation(req: ConnectionInvitationRequest): Promise<ConnectionInvitationOutcome> {
      const connection = await loadConnection(req.connectionId);
      const log = logger.child({ connectionId: req.connectionId, sequence: req.sequence });
      if (!needsInvitation(connection.status)) {
        log.info({ status: connection.status }, 'connection no longer needs an invitation: not sending');
        return { sent: false, reason: 'not_needed' };
      }
      const outcome = await sendEmail({
        template: 'consent.invitation',
        vars: {
          ...facts(connection),
          officeName: connection.office.name,
          reason: connection.status,
          invitationUrl: links.url(
            'connection-invitation',
            connectionLinkSubject(connection.id),
            new Date(req.linkExpiresAt),
          ),
          linkExpiresAt: req.linkExpiresAt,
        },
        to: connection.ownerEmail,
        language: connection.ownerLanguage,
        idempotencyKey: req.idempotencyKey,
        case: { type: 'connection', id: connection.id },
      });
      if (outcome.status === 'missing_recipient') return { sent: false, reason: 'missing_recipient' };
      await prisma.reminderSent.createMany({
        data: [
          {
            caseType: 'connection',
            caseId: connection.id,
            kind: 'invitation',
            sequence: req.sequence,
            toAddress: connection.ownerEmail,
          },
        ],
        skipDuplicates: true,
      });
      log.info({ duplicate: outcome.duplicate, reason: connection.status }, 'connection invitation sent');
      return { sent: true };
    },

    /**
     * Marks the connection expired, if its deadline is still the one this run waited for, and tells
     * owner and office. A rejected e-mail to one of them is recorded and does not stop the other.
     */
    async markConsentExpired(req: {
      connectionId: string;
      validUntil: string;
      idempotencyKey: string;
      /** The workflow's version for the change to `expired`, and its time; absent in histories recorded before. */
      statusVersion?: number;
      at?: string;
    }): Promise<{ expired: boolean; renewedUntil?: string }> {
      const connection = await loadConnection(req.connectionId);
      if (connection.validUntil.getTime() > Date.parse(req.validUntil)) {
        // Renewed in the database while the workflow had not heard yet: nobody is told it expired.
        logger.info({ connectionId: connection.id }, 'consent renewed before its deadline was marked: not expiring');
        return { expired: false, renewedUntil: connection.validUntil.toISOString() };
      }
      const changed = await deadlineChange(req, 'expired');
      const base = { idempotencyKey: req.idempotencyKey, case: { type: 'connection', id: connection.id } } as const;
      const tolerateRejection = (error: unknown) => {
        if (isEmailRejected(error)) return { status: 'rejected' as const };
        throw error;
      };
      // The owner first, while the deadline holds; once the owner is told, the office is told too.
      const owner = await sendEmail(
        {
          ...base,
          template: 'consent.expired.owner',
          vars: { ...facts(connection), officeName: connection.office.name },
          to: connection.ownerEmail,
          language: connection.ownerLanguage,
          idempotencyKey: `${req.idempotencyKey}/owner`,
        },
        whileDeadline(req.connectionId, req.validUntil),
      ).catch(tolerateRejection);
      if (owner.status === 'withdrawn') {
        // Renewed at the deadline's instant, after this run read the row: nobody is told, the new deadline is planned
        // (its run lifts `expired` if the change above came first).
        const { validUntil } = await prisma.connection.findUniqueOrThrow({
          where: { id: req.connectionId },
          select: { validUntil: true },
        });
        logger.info(
          { connectionId: connection.id, changed },
          'consent renewed while its expiry was recorded: not telling',
        );
        return { expired: changed, renewedUntil: validUntil.toISOString() };
      }
      const office = await sendEmail({
        ...base,
        template: 'consent.expired.office',
        vars: {
          ...facts(connection),
          companyName: connection.client?.companyName ?? null,
          ownerNotified: owner.status === 'sent',
        },
        to: connection.office.contactEmail,
        language: connection.office.language,
        idempotencyKey: `${req.idempotencyKey}/office`,
      }).catch(tolerateRejection);
      logger.info(
        { connectionId: connection.id, changed, owner: owner.status, office: office.status },
        'consent expired',
      );
      return { expired: changed };
    },
  };
}
