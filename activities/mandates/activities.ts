import { ApplicationFailure } from '@temporalio/activity';
import {
  SIGNED_MANDATE_STATES,
  WAITING_FOR_CLIENT,
  type MandateProblemReason,
  type MandateState,
} from '../../workflows/mandate/rules.js';
import { recordTransitionIn } from '../case-transitions.js';
import { EVENT_TX } from '../../lib/events/record.js';
import type { ActivityDeps } from '../deps.js';
import type { KbcGroupBank } from '../../lib/email/templates/define.js';
import { createSendEmail } from '../email/send-email.js';
import { mandateSigningLink } from '../../lib/links/mandate-signing.js';

/** The app the client links in: CBC Banque's clients use CBC's, every other KBC group bank KBC's. */
export const kbcGroupApp = (bankName: string): KbcGroupBank => (bankName.startsWith('CBC') ? 'CBC' : 'KBC');

export type MandateEmailOutcome = { sent: true } | { sent: false; reason: 'stale' | 'missing_recipient' };

// Dates written here come from the workflow (`at`): workflow time is the journey's clock.

/** The idempotent side effects of the mandate workflow: mirror its state, send its e-mails. */
export function createMandateActivities(deps: ActivityDeps) {
  const { prisma, logger, links } = deps;
  const sendEmail = createSendEmail(deps);

  async function loadMandate(mandateId: string) {
    const mandate = await prisma.mandate.findUnique({
      where: { id: mandateId },
      include: { bankAccount: { include: { client: { include: { office: true } } } } },
    });
    if (!mandate)
      throw ApplicationFailure.create({
        type: 'MandateNotFound',
        message: `mandate ${mandateId} not found`,
        nonRetryable: true,
      });
    return mandate;
  }
  type Loaded = Awaited<ReturnType<typeof loadMandate>>;

  const caseVars = (m: Loaded) => ({
    companyName: m.bankAccount.client.companyName,
    officeName: m.bankAccount.client.office.name,
    iban: m.bankAccount.iban,
  });

  /** The client's next step: sign through a link of this presentation, or link the account in the KBC/CBC app. */
  function action(m: Loaded) {
    const { bankName, isKbcGroup } = m.bankAccount;
    if (isKbcGroup) return { kind: 'bank-link' as const, bankName: kbcGroupApp(bankName) };
    const link = mandateSigningLink(links, m);
    return { kind: 'sign' as const, bankName, signingUrl: link.url, linkExpiresAt: link.expiresAt.toISOString() };
  }

  /** Is this presentation still the current one, and still waiting for the client? */
  const stillWaiting = (m: Loaded, revision: number) =>
    m.revision === revision && WAITING_FOR_CLIENT.includes(m.status);

  return {
    /**
     * Records a new presentation: the document and link now carry revision `revision` and the client's current data.
     */
    async prepareMandate(req: {
      mandateId: string;
      revision: number;
      presentedAt: string;
      /** From the workflow's schedule; absent in histories recorded before it was passed. */
      linkExpiresAt?: string;
    }): Promise<void> {
      await loadMandate(req.mandateId);
      await prisma.mandate.updateMany({
        where: { id: req.mandateId, revision: { lt: req.revision } },
        data: {
          revision: req.revision,
          presentedAt: new Date(req.presentedAt),
          linkExpiresAt: req.linkExpiresAt === undefined ? null : new Date(req.linkExpiresAt),
          reminderCount: 0,
          lastReminderAt: null,
          stalledAt: null,
          linkIssueAt: null,
        },
      });
      logger.info({ mandateId: req.mandateId, revision: req.revision }, 'mandate presented');
    },

    /** Mirrors a transition for listing; an older version than the stored one changes nothing. */
    async mirrorMandateState(req: {
      mandateId: string;
      version: number;
      state: MandateState;
      problemReason: MandateProblemReason | null;
      archiveReason: string | null;
      signedAt: string | null;
      at: string;
      /** The transition itself, for the timeline (histories recorded before it carry none). */
      from?: MandateState | null;
      actor?: { kind: string; id?: string };
      note?: string;
    }): Promise<{ applied: boolean }> {
      const actor = req.actor;
      // The step and the row commit together: a reader never sees the step before the row's state.
      const count = await prisma.$transaction(async (tx) => {
        if (actor)
          await recordTransitionIn(tx, {
            caseType: 'mandate',
            caseId: req.mandateId,
            version: req.version,
            from: req.from ?? null,
            to: req.state,
            actor,
            reason: req.problemReason,
            note: req.note ?? req.archiveReason ?? undefined,
            at: req.at,
          });
        const settled = SIGNED_MANDATE_STATES.includes(req.state) || req.state === 'archived';
        const written = await tx.mandate.updateMany({
          where: { id: req.mandateId, stateVersion: { lt: req.version } },
          data: {
            status: req.state,
            stateVersion: req.version,
            stateChangedAt: new Date(req.at),
            problemReason: req.problemReason,
            archiveReason: req.archiveReason,
            signedAt: req.signedAt === null ? null : new Date(req.signedAt),
            ...(req.state === 'active' ? { activatedAt: new Date(req.at) } : {}),
            // Linked, signed or closed: no longer a detected issue.
            ...(settled ? { linkIssueAt: null } : {}),
          },
        });
        return written.count;
      }, EVENT_TX);
      logger.info(
        { mandateId: req.mandateId, state: req.state, version: req.version, applied: count === 1 },
        'mandate state mirrored',
      );
      return { applied: count === 1 };
    },

    /** KBC/CBC not linked in time: the mandate joins the office's detected issues. */
    async flagBankLinkMissing(req: { mandateId: string; revision: number; at: string }): Promise<{ flagged: boolean }> {
      const { count } = await prisma.mandate.updateMany({
        where: { id: req.mandateId, revision: req.revision, status: 'awaiting_bank_link', linkIssueAt: null },
        data: { linkIssueAt: new Date(req.at) },
      });
      logger.info({ mandateId: req.mandateId, flagged: count === 1 }, 'bank link missing: detected issue');
      return { flagged: count === 1 };
    },

    /** Service mode: the e-signature invitation, or the KBC/CBC in-app link steps, to the client. */
    async sendMandateInvitation(req: {
      mandateId: string;
      revision: number;
      idempotencyKey: string;
    }): Promise<MandateEmailOutcome> {
      const m = await loadMandate(req.mandateId);
      if (m.revision !== req.revision) return { sent: false, reason: 'stale' };
      const a = action(m);
      const common = {
        to: m.bankAccount.client.email,
        language: m.bankAccount.client.language,
        idempotencyKey: req.idempotencyKey,
        case: { type: 'mandate', id: m.id },
      } as const;
      const outcome =
        a.kind === 'sign'
          ? await sendEmail({
              ...common,
              template: 'mandate.invitation',
              vars: { ...caseVars(m), bankName: a.bankName, signingUrl: a.signingUrl, linkExpiresAt: a.linkExpiresAt },
            })
          : await sendEmail({
              ...common,
              template: 'mandate.bank-link-instructions',
              vars: { ...caseVars(m), bankName: a.bankName },
            });
      logger.info({ mandateId: m.id, revision: req.revision, status: outcome.status }, 'mandate invitation');
      return outcome.status === 'sent' ? { sent: true } : { sent: false, reason: 'missing_recipient' };
    },

    /** Reminder `number` of this presentation, unless the client has acted or the mandate was presented again. */
    async sendMandateReminder(req: {
      mandateId: string;
      revision: number;
      number: number;
      of: number;
      idempotencyKey: string;
      at: string;
    }): Promise<MandateEmailOutcome> {
      const m = await loadMandate(req.mandateId);
      const log = logger.child({ mandateId: m.id, revision: req.revision, reminder: req.number });
      if (!stillWaiting(m, req.revision)) {
        log.info({ status: m.status }, 'mandate moved on since this reminder was planned: not sending');
        return { sent: false, reason: 'stale' };
      }
      const client = m.bankAccount.client;
      const outcome = await sendEmail({
        template: 'mandate.reminder',
        vars: { ...caseVars(m), reminder: { number: req.number, of: req.of }, action: action(m) },
        to: client.email,
        language: client.language,
        idempotencyKey: req.idempotencyKey,
        case: { type: 'mandate', id: m.id },
      });
      if (outcome.status === 'missing_recipient') return { sent: false, reason: 'missing_recipient' };
      const sentAt = new Date(req.at);
      await prisma.reminderSent.createMany({
        data: [
          {
            caseType: 'mandate',
            caseId: m.id,
            kind: `mandate:r${req.revision}`,
            sequence: req.number,
            toAddress: client.email,
            sentAt,
          },
        ],
        skipDuplicates: true,
      });
      await prisma.mandate.updateMany({
        where: { id: m.id, revision: req.revision, reminderCount: { lt: req.number } },
        data: { reminderCount: req.number, lastReminderAt: sentAt },
      });
      log.info({ duplicate: outcome.duplicate }, 'mandate reminder sent');
      return { sent: true };
    },

    /** After the last reminder: the office is told the case is stalled, with the reminder dates. */
    async notifyMandateStalled(req: {
      mandateId: string;
      revision: number;
      idempotencyKey: string;
      at: string;
    }): Promise<MandateEmailOutcome> {
      const m = await loadMandate(req.mandateId);
      if (!stillWaiting(m, req.revision)) return { sent: false, reason: 'stale' };
      const reminders = await prisma.reminderSent.findMany({
        where: { caseType: 'mandate', caseId: m.id, kind: `mandate:r${req.revision}` },
        orderBy: { sequence: 'asc' },
      });
      const { client } = m.bankAccount;
      const outcome = await sendEmail({
        template: 'mandate.stalled',
        vars: {
          companyName: client.companyName,
          clientCode: client.clientCode,
          iban: m.bankAccount.iban,
          bankName: m.bankAccount.isKbcGroup ? kbcGroupApp(m.bankAccount.bankName) : m.bankAccount.bankName,
          reminderDates: reminders.map((r) => r.sentAt.toISOString()),
          waitingFor: m.bankAccount.isKbcGroup ? 'bank-link' : 'signature',
        },
        to: client.office.contactEmail,
        language: client.office.language,
        idempotencyKey: req.idempotencyKey,
        case: { type: 'mandate', id: m.id },
      });
      await prisma.mandate.updateMany({
        where: { id: m.id, revision: req.revision, stalledAt: null },
        data: { stalledAt: new Date(req.at) },
      });
      logger.info({ mandateId: m.id, revision: req.revision, status: outcome.status }, 'mandate stalled: office told');
      return outcome.status === 'sent' ? { sent: true } : { sent: false, reason: 'missing_recipient' };
    },
  };
}
