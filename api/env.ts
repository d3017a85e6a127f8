import { z } from 'zod';
import type { ConsentSchedule } from '../workflows/consent-renewal/contract.js';
import type { MandateSchedule } from '../workflows/mandate/contract.js';
import type { CaroSchedule } from '../workflows/caro-activation/contract.js';
import { linkEnvFields, refuseDevSecretInProduction, withPublicBaseUrlDefault } from '../lib/links/env.js';
import { emailEnvSchema } from '../activities/email/env.js';
import { databaseEnvSchema } from '../lib/config/database-env.js';
import { envPort, logLevel, parseEnv } from '../lib/config/env.js';
import { temporalEnvSchema } from '../lib/config/temporal-env.js';
import { refuseSandboxInProduction, sandboxEnvFields } from './sandbox/env.js';
import { refuseDevWebhookSecretsInProduction, webhookEnvFields } from './webhooks/env.js';

export const apiEnvSchema = temporalEnvSchema
  .extend(databaseEnvSchema.shape)
  .extend({
    LOG_LEVEL: logLevel,
    PORT: envPort(3000),
    HOST: z.string().min(1).default('0.0.0.0'),
    /** Longest wait for one Temporal call before the API answers 503 with Retry-After. */
    TEMPORAL_RPC_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(5_000),
    /** Requests a minute per API key; beyond it, 429 with Retry-After. */
    RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(600),
    /** How long SIGTERM waits for in-flight requests before closing the remaining sockets. */
    SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(0).max(120_000).default(10_000),
    CONSENT_REMINDER_DAYS: z
      .string()
      .regex(/^\d{1,3}(,\d{1,3})*$/, 'must be a comma-separated list of whole days, e.g. 15,3,1')
      .default('15,3,1')
      .transform((s) => s.split(',').map(Number)),
    /** Shortest time between two manual reminders of one connection (POST /v1/connections/:id/remind). */
    CONSENT_MANUAL_REMINDER_HOURS: z.coerce
      .number()
      .int()
      .min(1)
      .max(24 * 30)
      .default(24),
    CONSENT_REMINDER_TIME: z
      .string()
      .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM')
      .default('09:00'),
    CONSENT_TIME_ZONE: z
      .string()
      .default('Europe/Brussels')
      .refine((tz) => {
        try {
          new Intl.DateTimeFormat('en', { timeZone: tz });
          return true;
        } catch {
          return false;
        }
      }, 'must be an IANA time zone such as Europe/Brussels'),
    /** Days after presentation on which an unsigned mandate's client is reminded (service mode). */
    MANDATE_REMINDER_DAYS: z
      .string()
      .regex(/^\d{1,3}(,\d{1,3})*$/, 'must be a comma-separated list of whole days, e.g. 14,28,42')
      .default('14,28,42')
      .transform((s) => s.split(',').map(Number))
      .refine(
        (days) => days.every((d, i) => d > 0 && (i === 0 || d > days[i - 1]!)),
        'must be increasing days after the presentation',
      ),
    /** Day after presentation on which the office is told an unsigned mandate is stalled. */
    MANDATE_STALLED_AFTER_DAYS: z.coerce.number().int().min(1).max(365).default(56),
    /** Days after which a KBC/CBC account not linked in the bank app joins the detected issues. */
    MANDATE_BANK_LINK_ISSUE_DAYS: z.coerce.number().int().min(1).max(365).default(7),
    ...webhookEnvFields,
    ...sandboxEnvFields,
    /** CARO: days after the invitation on which the cardholder is reminded, and the day it expires. */
    CARO_REMINDER_DAYS: z
      .string()
      .regex(/^\d{1,3}(,\d{1,3})*$/, 'must be a comma-separated list of whole days, e.g. 14,28,42')
      .default('14,28,42')
      .transform((s) => s.split(',').map(Number)),
    CARO_EXPIRY_DAYS: z.coerce.number().int().min(1).max(999).default(56),
    /** Signed activation links (the accountant's "copy the activation link"): the worker's secret and origin. */
    ...linkEnvFields,
    /** The worker's sender: named in the text that warns cardholders of the activation e-mail. */
    EMAIL_FROM: emailEnvSchema.shape.EMAIL_FROM,
  })
  .superRefine(refuseDevWebhookSecretsInProduction)
  .superRefine(refuseDevSecretInProduction)
  .superRefine(refuseSandboxInProduction)
  .superRefine((env, ctx) => {
    if (env.MANDATE_STALLED_AFTER_DAYS < (env.MANDATE_REMINDER_DAYS.at(-1) ?? 0)) {
      ctx.addIssue({
        code: 'custom',
        path: ['MANDATE_STALLED_AFTER_DAYS'],
        message: 'must not come before the last mandate reminder',
      });
    }
    if (!Array.isArray(env.CARO_REMINDER_DAYS)) return; // already reported as malformed
    const late = env.CARO_REMINDER_DAYS.filter((day) => day <= 0 || day >= env.CARO_EXPIRY_DAYS);
    if (late.length > 0)
      ctx.addIssue({
        code: 'custom',
        path: ['CARO_REMINDER_DAYS'],
        message: `must be after day 0 and before CARO_EXPIRY_DAYS (${env.CARO_EXPIRY_DAYS})`,
      });
  });
export type ApiEnv = z.infer<typeof apiEnvSchema>;

export const loadApiEnv = (env: NodeJS.ProcessEnv = process.env): ApiEnv =>
  parseEnv(apiEnvSchema, withPublicBaseUrlDefault(env));

export const caroScheduleFromEnv = (env: Pick<ApiEnv, 'CARO_REMINDER_DAYS' | 'CARO_EXPIRY_DAYS'>): CaroSchedule => ({
  reminderDays: env.CARO_REMINDER_DAYS,
  expiryDays: env.CARO_EXPIRY_DAYS,
});

export const consentScheduleFromEnv = (
  env: Pick<
    ApiEnv,
    'CONSENT_REMINDER_DAYS' | 'CONSENT_REMINDER_TIME' | 'CONSENT_TIME_ZONE' | 'CONSENT_MANUAL_REMINDER_HOURS'
  >,
): ConsentSchedule => ({
  reminderDaysBefore: env.CONSENT_REMINDER_DAYS,
  localTime: env.CONSENT_REMINDER_TIME,
  timeZone: env.CONSENT_TIME_ZONE,
  manualReminderIntervalHours: env.CONSENT_MANUAL_REMINDER_HOURS,
});

export const mandateScheduleFromEnv = (
  env: Pick<ApiEnv, 'MANDATE_REMINDER_DAYS' | 'MANDATE_STALLED_AFTER_DAYS' | 'MANDATE_BANK_LINK_ISSUE_DAYS'>,
): MandateSchedule => ({
  reminderDays: env.MANDATE_REMINDER_DAYS,
  stalledAfterDays: env.MANDATE_STALLED_AFTER_DAYS,
  bankLinkIssueAfterDays: env.MANDATE_BANK_LINK_ISSUE_DAYS,
});
