// E-mails the worker handled, by template and outcome, counted where they are sent
// (activities/email/send-email.ts): `sent`, `rejected` by the provider, `skipped` for want of an
// address, `retried` after a transient failure. The outbox table keeps the durable record.
import { Counter } from 'prom-client';
import { METRIC_PREFIX, processRegistry } from './registry.js';

export type EmailOutcome = 'sent' | 'rejected' | 'skipped' | 'retried';

const emails = new Counter({
  name: `${METRIC_PREFIX}emails_total`,
  help: 'E-mails handled by this worker, by template and outcome (sent, rejected, skipped: no address, retried)',
  labelNames: ['template', 'outcome'] as const,
  registers: [processRegistry()],
});

export const countEmail = (template: string, outcome: EmailOutcome): void => emails.inc({ template, outcome });
