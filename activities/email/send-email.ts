/**
 * Sends one templated message exactly once per idempotency key, through whichever EmailSender
 * the worker was given. Journey activities call it after reading the recipient from the
 * database: addresses and signed links never travel through workflow history.
 *
 * Outcomes:
 * - sent (also when an earlier attempt already sent it: `duplicate`);
 * - missing_recipient: recorded on the case, never thrown (a client without e-mail);
 * - withdrawn: asked `onlyIf` a fact still holds, which no longer did when it was to be queued;
 * - provider refused the message (4xx validation): recorded `rejected` with the reason, then
 *   ApplicationFailure type `EmailRejected`, non-retryable;
 * - throttled, provider down, network: recorded `failed`, then a retryable ApplicationFailure
 *   (type `EmailDeliveryFailed`, honouring Retry-After) so Temporal retries with backoff.
 */
import { ApplicationFailure } from '@temporalio/common';
import type { CaseType, Language, Prisma } from '../../prisma/generated/client.js';
import type { ActivityDeps } from '../deps.js';
import { claimOutboxRow, claimOutboxRowIf, markFailed, markRejected, markSent } from '../../lib/email/outbox.js';
import { EMAIL_EVENTS } from '../../lib/events/catalogue.js';
import { withEvent } from '../../lib/events/record.js';
import { countEmail } from '../../lib/metrics/email.js';
import { redactPersonalData } from './redact.js';
import { EmailDeliveryError } from './sender.js';
import { renderTemplate, type TemplateId, type TemplateVars } from '../../lib/email/templates/index.js';

export interface SendEmailRequest<K extends TemplateId> {
  template: K;
  vars: TemplateVars<K>;
  /** The recipient as the database holds it now; null or blank → missing_recipient. */
  to: string | null | undefined;
  /** The recipient's language; templates fall back (de → fr, unknown → en). */
  language: Language;
  /** Workflow id + step, e.g. `caro:<id>/reminder/2`; never the attempt. Sent as Resend's Idempotency-Key. */
  idempotencyKey: string;
  /** The case it is about; none for a message about the office's own settings (a webhook endpoint disabled). */
  case?: { type: CaseType; id: string };
}

/**
 * A fact the message is about, checked in the transaction that queues it (lib/email/outbox.ts
 * claimOutboxRowIf): false, and nothing is queued or sent. A message an earlier attempt queued goes out.
 */
export type StillHolds = (tx: Prisma.TransactionClient) => Promise<boolean>;

export type EmailOutcome =
  { status: 'sent'; providerMessageId: string | null; duplicate: boolean } | { status: 'missing_recipient' };
/** Only with `onlyIf`: it no longer held; nothing was queued or sent. */
export type EmailWithdrawn = { status: 'withdrawn' };

export const EMAIL_REJECTED = 'EmailRejected';
export const EMAIL_DELIVERY_FAILED = 'EmailDeliveryFailed';

const rejected = (reason: string) =>
  ApplicationFailure.create({ type: EMAIL_REJECTED, message: `e-mail rejected: ${reason}`, nonRetryable: true });

/** True for the failure sendEmail throws when the provider refused a message. */
export const isEmailRejected = (error: unknown): boolean =>
  error instanceof ApplicationFailure && error.type === EMAIL_REJECTED;

export function createSendEmail({ prisma, logger, email }: Pick<ActivityDeps, 'prisma' | 'logger' | 'email'>) {
  function sendEmail<K extends TemplateId>(req: SendEmailRequest<K>): Promise<EmailOutcome>;
  function sendEmail<K extends TemplateId>(
    req: SendEmailRequest<K>,
    onlyIf: StillHolds,
  ): Promise<EmailOutcome | EmailWithdrawn>;
  async function sendEmail<K extends TemplateId>(
    req: SendEmailRequest<K>,
    onlyIf?: StillHolds,
  ): Promise<EmailOutcome | EmailWithdrawn> {
    const rendered = renderTemplate(req.template, req.vars, req.language);
    const to = req.to?.trim() || null;
    const draft = {
      idempotencyKey: req.idempotencyKey,
      template: req.template,
      language: rendered.language,
      to,
      subject: rendered.subject,
      html: rendered.html,
      text: rendered.text,
      ...(req.case ? { caseType: req.case.type, caseId: req.case.id } : {}),
    };
    const row = onlyIf ? await claimOutboxRowIf(prisma, draft, onlyIf) : await claimOutboxRow(prisma, draft);
    if (row === null) {
      logger.info(
        {
          caseType: req.case?.type ?? null,
          caseId: req.case?.id ?? null,
          template: req.template,
          idempotencyKey: req.idempotencyKey,
        },
        'e-mail withdrawn: what it was about changed before it was queued',
      );
      return { status: 'withdrawn' };
    }
    // Ids only: never the address, the link or the token.
    const log = logger.child({
      caseType: req.case?.type ?? null,
      caseId: req.case?.id ?? null,
      template: req.template,
      idempotencyKey: req.idempotencyKey,
      outboxId: row.id,
      transport: email.transport,
    });

    if (row.status === 'sent') {
      log.info('e-mail already sent for this key: not sending again');
      return { status: 'sent', providerMessageId: row.providerMessageId, duplicate: true };
    }
    if (row.toAddress === null) {
      log.warn('no recipient address: e-mail not sent, case flagged');
      countEmail(req.template, 'skipped');
      return { status: 'missing_recipient' };
    }
    if (row.status === 'rejected') throw rejected(row.error ?? 'unknown reason');

    let providerMessageId: string | null;
    try {
      ({ providerMessageId } = await email.send(
        { to: row.toAddress, subject: row.subject, html: row.html, text: row.text },
        row.idempotencyKey,
      ));
    } catch (error) {
      const reason = redactPersonalData(error instanceof Error ? error.message : String(error));
      if (error instanceof EmailDeliveryError && !error.details.retryable) {
        await markRejected(prisma, row.id, reason);
        log.warn({ statusCode: error.details.statusCode, code: error.details.code }, 'e-mail rejected by the provider');
        countEmail(req.template, 'rejected');
        throw rejected(reason);
      }
      await markFailed(prisma, row.id, reason);
      countEmail(req.template, 'retried');
      const details = error instanceof EmailDeliveryError ? error.details : undefined;
      log.warn(
        { statusCode: details?.statusCode ?? null, code: details?.code ?? 'unexpected' },
        'e-mail not delivered: will be retried',
      );
      throw ApplicationFailure.create({
        type: EMAIL_DELIVERY_FAILED,
        message: `e-mail not delivered: ${reason}`,
        ...(details?.retryAfterMs !== undefined ? { nextRetryDelay: details.retryAfterMs } : {}),
      });
    }
    // The case's event (a reminder went out) commits with the row's `sent`: a retry finds both or neither.
    const type = EMAIL_EVENTS[req.template];
    const event =
      type && req.case
        ? {
            type,
            subject: req.case.type,
            subjectId: req.case.id,
            data: { template: req.template, language: rendered.language, outboxId: row.id },
            occurredAt: new Date(),
            sourceKey: `email:${row.idempotencyKey}`,
          }
        : undefined;
    await withEvent(prisma, event, (tx) => markSent(tx, row.id, providerMessageId));
    countEmail(req.template, 'sent');
    log.info({ providerMessageId }, row.status === 'failed' ? 'e-mail sent after a failed attempt' : 'e-mail sent');
    return { status: 'sent', providerMessageId, duplicate: false };
  }
  return sendEmail;
}

export type SendEmail = ReturnType<typeof createSendEmail>;
