import type { Client } from '@temporalio/client';
import type { LinkBuilder } from '../lib/links/links.js';
import type { Logger } from '../lib/logger.js';
import type { PrismaClient } from '../prisma/generated/client.js';
import type { EmailSender } from './email/sender.js';
import type { WebhookSettings } from './webhooks/settings.js';

/** Everything activities need from the outside world, injected so tests can pass real or fake clients. */
export interface ActivityDeps {
  prisma: PrismaClient;
  logger: Logger;
  /** Resend or the development outbox (createEmailSender picks from the environment). */
  email: EmailSender;
  /** Signed, expiring links for the e-mails (PUBLIC_BASE_URL, LINK_SIGNING_SECRET). */
  links: LinkBuilder;
  /**
   * CARO: where the cardholder reads the terms (linked from the confirmation). Without it CARO activation fails
   * (non-retryable).
   */
  caro?: { termsUrl: string };
  /**
   * The worker's own Temporal client, for the reconciler (workflows/reconciler) to start the
   * workflows the API could not confirm. Without it the reconciler's activity fails (non-retryable).
   */
  temporal?: { client: Client; taskQueue: string; timeoutMs: number };
  /** Webhook delivery settings (WEBHOOK_RETRY_SCHEDULE, WEBHOOK_POLL_MS, NODE_ENV); development defaults when absent. */
  webhooks?: WebhookSettings;
}
