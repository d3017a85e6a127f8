import type { Logger } from '../lib/logger.js';
import type { PrismaClient } from '../prisma/generated/client.js';
import type { LinkBuilder } from '../lib/links/links.js';
import type { EmailSender } from './email/sender.js';

/** Everything activities need from the outside world, injected so tests can pass real or fake clients. */
export interface ActivityDeps {
  prisma: PrismaClient;
  logger: Logger;
  /** Resend or the development outbox (createEmailSender picks from the environment). */
  email: EmailSender;
  /** CARO: signs activation links, and where the terms are read. Without it CARO activities fail (non-retryable). */
  caro?: { links: LinkBuilder; termsUrl: string };
}
