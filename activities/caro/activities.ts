import { purgeCardholderEmail as purgeRows } from '../../lib/caro/purge.js';
import { ApplicationFailure } from '@temporalio/activity';
import type { Prisma } from '../../lib/db/client.js';
import type { CaroProblemReason } from '../../prisma/generated/enums.js';
import { caroReminderKind, type CaroTransition } from '../../workflows/caro-activation/contract.js';
import { recordTransitionIn } from '../case-transitions.js';
import { EVENT_TX } from '../../lib/events/record.js';
import type { ActivityDeps } from '../deps.js';
import { createSendEmail, isEmailRejected } from '../email/send-email.js';
import type { KbcGroupBank } from '../../lib/email/templates/index.js';
import { caroLinkSubject } from '../../lib/links/subjects.js';

/**
 * The order's state version (its workflow's transition count): a status write older than the
 * stored one is ignored, so a retried or late mirror never takes the order back. Absent only in
 * an activity scheduled before versions existed: then the write is unguarded, as it was.
 */
interface Versioned {
  orderId: string;
  version: number;
  /** The transition this version mirrors, for the timeline (absent: a reminder, or a history recorded before). */
  transition?: CaroTransition;
}

export interface CaroInvitationRequest extends Versioned {
  linkVersion: number;
  /** When this invitation and its link expire (ISO). */
  linkExpiresAt: string;
  idempotencyKey: string;
}

export type CaroEmailOutcome = { sent: true } | { sent: false; reason: 'missing_recipient' };

/** "CBC Banque" → CBC, anything else of the group → KBC. */
const kbcBrand = (bankName: string | null | undefined): KbcGroupBank =>
  bankName?.toUpperCase().startsWith('CBC') ? 'CBC' : 'KBC';

export function createCaroActivities(deps: ActivityDeps) {
  const { prisma, logger } = deps;
  const sendEmail = createSendEmail(deps);

  async function loadOrder(orderId: string) {
    const order = await prisma.caroOrder.findUnique({
      where: { id: orderId },
      include: { client: { include: { office: true } }, bankAccount: true },
    });
    if (!order)
      throw ApplicationFailure.create({
        type: 'CaroOrderNotFound',
        message: `CARO order ${orderId} not found`,
        nonRetryable: true,
      });
    return order;
  }
  type Order = Awaited<ReturnType<typeof loadOrder>>;

  /** Mirrors a transition of the workflow, unless a later one is already mirrored. */
  async function mirror(req: Versioned, data: Prisma.CaroOrderUpdateManyMutationInput): Promise<boolean> {
    const t = req.transition;
    // The step and the row commit together: a reader never sees the step in the history before the
    // row's new state (a CARO order's first step without its link's dates had no next step).
    const count = await prisma.$transaction(async (tx) => {
      if (t) {
        const { from, to, event, reason, actor, at } = t;
        const step = { from, to, event, reason, actor: { kind: actor.kind, id: actor.id }, at };
        await recordTransitionIn(tx, { caseType: 'caro', caseId: req.orderId, version: req.version, ...step });
      }
      const written = await tx.caroOrder.updateMany({
        where: { id: req.orderId, stateVersion: { lt: req.version } },
        data: { ...data, stateVersion: req.version, ...(t ? { stateChangedAt: new Date(t.at) } : {}) },
      });
      return written.count;
    }, EVENT_TX);
    if (count === 0)
      logger.info({ caroOrderId: req.orderId, version: req.version }, 'CARO state not mirrored: a later one is');
    return count === 1;
  }

  function termsUrl() {
    if (!deps.caro)
      throw ApplicationFailure.create({
        type: 'CaroNotConfigured',
        message: 'the worker has no CARO settings (terms URL)',
        nonRetryable: true,
      });
    return deps.caro.termsUrl;
  }

  const caseVars = (order: Order) => ({
    companyName: order.client.companyName,
    officeName: order.client.office.name,
    clientReference: order.clientReference,
  });
  /** The activation: a signed link of this version for other banks, the bank-app steps for KBC/CBC. Never logged. */
  const activation = (order: Order, linkVersion: number, linkExpiresAt: string) =>
    order.kbcGroup
      ? ({ kind: 'bank-app', bankName: kbcBrand(order.bankAccount?.bankName) } as const)
      : ({
          kind: 'link',
          activationUrl: deps.links.url(
            'caro-activation',
            caroLinkSubject(order.id, linkVersion),
            new Date(linkExpiresAt),
          ),
          linkExpiresAt,
        } as const);

  /** Deletes the cardholder's address everywhere it is stored: the order, its outbox rows, its reminder rows. */
  async function purgeCardholderEmail(orderId: string) {
    const purged = await purgeRows(prisma, orderId);
    logger.info({ caroOrderId: orderId, ...purged }, 'cardholder e-mail address purged');
    return purged.order + purged.outbox + purged.reminders;
  }

  return {
    /** Mirrors a new invitation (version, expiry, schedule restarted) and sends it to the cardholder. */
    async sendCaroInvitation(req: CaroInvitationRequest): Promise<CaroEmailOutcome> {
      const order = await loadOrder(req.orderId);
      await mirror(req, {
        status: 'invitation_sent',
        problemReason: null,
        problemAt: null,
        linkVersion: req.linkVersion,
        linkExpiresAt: new Date(req.linkExpiresAt),
        reminderCount: 0,
        lastReminderAt: null,
      });
      const how = activation(order, req.linkVersion, req.linkExpiresAt);
      const common = {
        to: order.cardholderEmail,
        language: order.cardholderLanguage,
        idempotencyKey: req.idempotencyKey,
        case: { type: 'caro', id: order.id },
      } as const;
      const outcome =
        how.kind === 'link'
          ? await sendEmail({
              ...common,
              template: 'caro.invitation',
              vars: { ...caseVars(order), activationUrl: how.activationUrl, linkExpiresAt: how.linkExpiresAt },
            })
          : await sendEmail({
              ...common,
              template: 'caro.bank-app-instructions',
              vars: { ...caseVars(order), bankName: how.bankName },
            });
      logger.info(
        { caroOrderId: order.id, linkVersion: req.linkVersion, channel: how.kind, status: outcome.status },
        'CARO invitation',
      );
      return outcome.status === 'sent' ? { sent: true } : { sent: false, reason: 'missing_recipient' };
    },

    /** Reminder `number` of `of`, recorded (count, date, address) on the case. */
    async sendCaroReminder(req: CaroInvitationRequest & { number: number; of: number }): Promise<CaroEmailOutcome> {
      const order = await loadOrder(req.orderId);
      const outcome = await sendEmail({
        template: 'caro.reminder',
        vars: {
          ...caseVars(order),
          reminder: { number: req.number, of: req.of },
          action: activation(order, req.linkVersion, req.linkExpiresAt),
        },
        to: order.cardholderEmail,
        language: order.cardholderLanguage,
        idempotencyKey: req.idempotencyKey,
        case: { type: 'caro', id: order.id },
      });
      if (outcome.status === 'missing_recipient') return { sent: false, reason: 'missing_recipient' };
      const { count } = await prisma.reminderSent.createMany({
        data: [
          {
            caseType: 'caro',
            caseId: order.id,
            kind: caroReminderKind(req.linkVersion),
            sequence: req.number,
            toAddress: order.cardholderEmail,
          },
        ],
        skipDuplicates: true,
      });
      // Counted on the invitation it belongs to, unless a later transition is already mirrored.
      if (count === 1)
        await prisma.caroOrder.updateMany({
          where: { id: order.id, stateVersion: { lte: req.version }, reminderCount: { lt: req.number } },
          data: { reminderCount: req.number, lastReminderAt: new Date() },
        });
      logger.info({ caroOrderId: order.id, number: req.number, duplicate: outcome.duplicate }, 'CARO reminder sent');
      return { sent: true };
    },

    /**
     * Active: statements from the month after enrolment; the confirmation with the terms goes to
     * the cardholder, whose address is then deleted (also when the provider refused the message).
     */
    async activateCaroOrder(
      req: Versioned & {
        statementsFrom: string;
        activatedAt: string;
        idempotencyKey: string;
      },
    ): Promise<{ confirmed: boolean }> {
      const order = await loadOrder(req.orderId);
      await mirror(req, {
        status: 'active',
        problemReason: null,
        problemAt: null,
        statementsFrom: new Date(req.statementsFrom),
        activatedAt: new Date(req.activatedAt),
      });
      let confirmed = false;
      try {
        const outcome = await sendEmail({
          template: 'caro.confirmation',
          vars: { ...caseVars(order), statementsFrom: req.statementsFrom, termsUrl: termsUrl() },
          to: order.cardholderEmail,
          language: order.cardholderLanguage,
          idempotencyKey: req.idempotencyKey,
          case: { type: 'caro', id: order.id },
        });
        confirmed = outcome.status === 'sent';
      } catch (error) {
        if (!isEmailRejected(error)) throw error;
      }
      await purgeCardholderEmail(order.id);
      logger.info({ caroOrderId: order.id, confirmed }, 'CARO order active');
      return { confirmed };
    },

    /** Problem with its reason; the office gets the guidance for it in its own language. */
    async recordCaroProblem(
      req: Versioned & {
        reason: CaroProblemReason;
        at: string;
        idempotencyKey: string;
      },
    ): Promise<{ officeNotified: boolean }> {
      const order = await loadOrder(req.orderId);
      await mirror(req, { status: 'problem', problemReason: req.reason, problemAt: new Date(req.at) });
      let officeNotified = false;
      try {
        const outcome = await sendEmail({
          template: 'caro.failure',
          vars: { companyName: order.client.companyName, clientReference: order.clientReference, reason: req.reason },
          to: order.client.office.contactEmail,
          language: order.client.office.language,
          idempotencyKey: req.idempotencyKey,
          case: { type: 'caro', id: order.id },
        });
        officeNotified = outcome.status === 'sent';
      } catch (error) {
        if (!isEmailRejected(error)) throw error;
      }
      logger.info({ caroOrderId: order.id, reason: req.reason, officeNotified }, 'CARO activation failed');
      return { officeNotified };
    },

    /** Expired or cancelled: mirrored, and the cardholder's address is purged. */
    async closeCaroOrder(req: Versioned & { status: 'invitation_expired' | 'cancelled' }): Promise<{ purged: number }> {
      await loadOrder(req.orderId);
      // The address goes first: whoever reads the order as closed never finds it still there.
      const purged = await purgeCardholderEmail(req.orderId);
      // A closed order is no longer in problem: the reason filter lists open cases only.
      await mirror(req, { status: req.status, problemReason: null, problemAt: null });
      logger.info({ caroOrderId: req.orderId, status: req.status }, 'CARO order closed');
      return { purged };
    },
  };
}
