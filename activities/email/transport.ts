import type { Logger } from '../../lib/logger.js';
import type { EmailEnv } from '../../lib/email/env.js';
import { ResendSender } from './resend-sender.js';
import { OutboxSender, type EmailSender } from './sender.js';

/** Resend when RESEND_API_KEY is set, the development outbox otherwise. */
export function createEmailSender(env: EmailEnv, logger?: Logger): EmailSender {
  const sender = env.RESEND_API_KEY
    ? new ResendSender({
        apiKey: env.RESEND_API_KEY,
        from: env.EMAIL_FROM,
        ...(env.RESEND_BASE_URL ? { baseUrl: env.RESEND_BASE_URL } : {}),
      })
    : new OutboxSender();
  if (sender.transport === 'outbox' && env.NODE_ENV === 'production') {
    logger?.warn('RESEND_API_KEY is not set: e-mails stay in the development outbox and reach nobody');
  } else {
    logger?.info({ transport: sender.transport }, 'e-mail transport');
  }
  return sender;
}
