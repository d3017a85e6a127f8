import { ApplicationFailure } from '@temporalio/activity';
import type { ActivityDeps } from '../deps.js';
import { createEmailOutbox } from '../email/outbox.js';
import { consentExpiredMessage, consentReminderMessage } from './messages.js';

export interface ConsentReminderRequest {
  connectionId: string;
  validUntil: string;
  daysBefore: number;
  idempotencyKey: string;
}

export type ConsentReminderOutcome = { sent: true } | { sent: false; reason: 'renewed' | 'missing_recipient' | 'duplicate' };

export function createConnectionActivities(deps: ActivityDeps) {
  const { prisma, logger } = deps;
  const enqueueEmail = createEmailOutbox(deps);

  async function loadConnection(connectionId: string) {
    const connection = await prisma.connection.findUnique({ where: { id: connectionId }, include: { office: true } });
    if (!connection) {
      throw ApplicationFailure.create({ type: 'ConnectionNotFound', message: `connection ${connectionId} not found`, nonRetryable: true });
    }
    return connection;
  }

  return {
    /** Reminds the owner, unless the consent was renewed meanwhile: the database holds the current deadline. */
    async sendConsentReminder(req: ConsentReminderRequest): Promise<ConsentReminderOutcome> {
      const connection = await loadConnection(req.connectionId);
      const log = logger.child({ connectionId: req.connectionId, daysBefore: req.daysBefore });
      if (connection.validUntil.getTime() !== Date.parse(req.validUntil)) {
        log.info('consent renewed since this reminder was planned: not sending');
        return { sent: false, reason: 'renewed' };
      }
      if (!connection.ownerEmail) {
        log.warn('connection owner has no e-mail address: reminder not sent');
        return { sent: false, reason: 'missing_recipient' };
      }
      const message = consentReminderMessage(connection.ownerLanguage, connection.validUntil, req.daysBefore);
      const queued = await prisma.$transaction(async (tx) => {
        const isNew = await createEmailOutbox({ prisma: tx as typeof prisma })({
          idempotencyKey: req.idempotencyKey,
          template: `consent.reminder.${req.daysBefore}`,
          language: connection.ownerLanguage,
          to: connection.ownerEmail as string,
          ...message,
          caseType: 'connection',
          caseId: connection.id,
        });
        await tx.reminderSent.createMany({
          data: [{ caseType: 'connection', caseId: connection.id, kind: `consent:${req.validUntil}`, sequence: req.daysBefore, toAddress: connection.ownerEmail }],
          skipDuplicates: true,
        });
        await tx.connection.updateMany({ where: { id: connection.id, status: 'connected' }, data: { status: 'expires_soon' } });
        return isNew;
      });
      log.info({ queued }, 'consent reminder recorded');
      return queued ? { sent: true } : { sent: false, reason: 'duplicate' };
    },

    /** Marks the connection expired, if its deadline is still the one this run waited for, and tells owner and office. */
    async markConsentExpired(req: { connectionId: string; validUntil: string; idempotencyKey: string }): Promise<{ expired: boolean }> {
      const connection = await loadConnection(req.connectionId);
      const validUntil = new Date(req.validUntil);
      const { count } = await prisma.connection.updateMany({
        where: { id: connection.id, validUntil, status: { not: 'expired' } },
        data: { status: 'expired' },
      });
      const recipients = [
        { to: connection.ownerEmail, language: connection.ownerLanguage, who: 'owner' },
        { to: connection.office.contactEmail, language: connection.office.language, who: 'office' },
      ];
      for (const { to, language, who } of recipients) {
        if (!to) continue;
        await enqueueEmail({
          idempotencyKey: `${req.idempotencyKey}/${who}`,
          template: `consent.expired.${who}`,
          language,
          to,
          ...consentExpiredMessage(language, validUntil),
          caseType: 'connection',
          caseId: connection.id,
        });
      }
      logger.info({ connectionId: connection.id, changed: count === 1 }, 'consent expired');
      return { expired: count === 1 };
    },
  };
}
