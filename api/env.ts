import { z } from 'zod';
import {
  DEFAULT_CONSENT_SCHEDULE,
  DEFAULT_MANUAL_REMINDER_INTERVAL_HOURS,
  type ConsentSchedule,
} from '../workflows/consent-renewal/contract.js';
import { DEFAULT_MANDATE_SCHEDULE, type MandateSchedule } from '../workflows/mandate/contract.js';
import { DEFAULT_CARO_SCHEDULE, type CaroSchedule } from '../workflows/caro-activation/contract.js';
import { linkEnvFields, refuseDevSecretInProduction, withPublicBaseUrlDefault } from '../lib/links/env.js';
import { emailEnvSchema } from '../lib/email/env.js';
import { eventsEnvSchema } from '../lib/events/retention.js';
import { webhookSecretEnvFields } from '../lib/webhooks/env.js';
import { refuseDevSecretsKeyInProduction, webhookSecretsKeyFields } from '../lib/webhooks/secret-box.js';
import { databaseEnvSchema } from '../lib/config/database-env.js';
import {
  dayListSchema,
  daysSchema,
  durationListSchema,
  durationSchema,
  formatDuration,
  refuseBothNames,
  type Duration,
} from '../lib/config/durations.js';
import { envPort, logLevel, parseEnv } from '../lib/config/env.js';
import { temporalEnvSchema } from '../lib/config/temporal-env.js';
import { sessionEnvFields } from './http/session-cookie.js';
import { refuseSandboxInProduction, sandboxEnvFields } from './sandbox/env.js';
import { refuseDevWebhookSecretsInProduction, webhookEnvFields } from './webhooks/env.js';

/** Each schedule setting's name (durations in any unit) and its older name (whole days), still accepted. */
const RENAMED = {
  CONSENT_REMINDERS_BEFORE: 'CONSENT_REMINDER_DAYS',
  MANDATE_REMINDERS: 'MANDATE_REMINDER_DAYS',
  MANDATE_STALLED_AFTER: 'MANDATE_STALLED_AFTER_DAYS',
  MANDATE_BANK_LINK_ISSUE_AFTER: 'MANDATE_BANK_LINK_ISSUE_DAYS',
  CARO_REMINDERS: 'CARO_REMINDER_DAYS',
  CARO_EXPIRY: 'CARO_EXPIRY_DAYS',
} as const;
type Renamed = keyof typeof RENAMED;

export const apiEnvSchema = temporalEnvSchema
  .extend(databaseEnvSchema.shape)
  .extend({
    LOG_LEVEL: logLevel,
    PORT: envPort(3000),
    HOST: z.string().min(1).default('0.0.0.0'),
    /** Longest wait for one Temporal call before the API answers 503 with Retry-After. */
    TEMPORAL_RPC_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(5_000),
    /** /readyz answers 503 `worker` once no worker began a poll of the task queue within this. */
    READYZ_WORKER_STALE_MS: z.coerce.number().int().min(1_000).max(3_600_000).default(90_000),
    /** When set, GET /metrics asks for this bearer token; open (like /readyz) otherwise. */
    METRICS_TOKEN: z.string().min(16).optional(),
    /** The console's built files, served at /console (`npm run console:build`; npm start builds them). */
    CONSOLE_DIR: z.string().min(1).default('console/dist'),
    /** The Temporal Web UI, for the console's link to each case's workflow (operators and support); npm start sets its own. */
    TEMPORAL_UI_URL: z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' }).optional(),
    /** Requests a minute per API key; beyond it, 429 with Retry-After. */
    ...eventsEnvSchema,
    /** How long an API key's row is reused without a lookup; a key revoked elsewhere is refused within it. */
    API_KEY_CACHE_MS: z.coerce.number().int().min(0).max(60_000).default(5_000),
    RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(600),
    /** Support's bulk replay (issue 16): cases per activity of its workflow, and the pause between two chunks. */
    CARO_REPLAY_CHUNK_SIZE: z.coerce.number().int().min(1).max(500).default(20),
    CARO_REPLAY_PAUSE_MS: z.coerce.number().int().min(0).max(600_000).default(1_000),
    ...sessionEnvFields,
    /** How long SIGTERM waits for in-flight requests before closing the remaining sockets. */
    SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(0).max(120_000).default(10_000),
    /**
     * Before a consent's deadline, when the owner is reminded: days go out at CONSENT_REMINDER_TIME, smaller units
     * exactly.
     */
    CONSENT_REMINDERS_BEFORE: durationListSchema({ min: '0s', max: '999d' }).optional(),
    /** The older name of CONSENT_REMINDERS_BEFORE, in whole days (`15,3,1`). */
    CONSENT_REMINDER_DAYS: dayListSchema('15,3,1').optional(),
    /** Shortest time between two manual reminders of one connection (POST /v1/connections/:id/remind). */
    CONSENT_MANUAL_REMINDER_HOURS: z.coerce
      .number()
      .int()
      .min(1)
      .max(24 * 30)
      .default(DEFAULT_MANUAL_REMINDER_INTERVAL_HOURS),
    CONSENT_REMINDER_TIME: z
      .string()
      .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM')
      .default(DEFAULT_CONSENT_SCHEDULE.localTime),
    CONSENT_TIME_ZONE: z
      .string()
      .default(DEFAULT_CONSENT_SCHEDULE.timeZone)
      .refine((tz) => {
        try {
          new Intl.DateTimeFormat('en', { timeZone: tz });
          return true;
        } catch {
          return false;
        }
      }, 'must be an IANA time zone such as Europe/Brussels'),
    /** After each presentation, when an unsigned mandate's client is reminded (service mode). */
    MANDATE_REMINDERS: durationListSchema({ min: '1s', max: '365d', increasing: true }).optional(),
    MANDATE_REMINDER_DAYS: dayListSchema('14,28,42')
      .refine(
        (days) => days.every((d, i) => d.ms > 0 && (i === 0 || d.ms > days[i - 1]!.ms)),
        'must be increasing days after the presentation',
      )
      .optional(),
    /** After presentation, when the office is told an unsigned mandate is stalled. */
    MANDATE_STALLED_AFTER: durationSchema({ min: '1s', max: '365d' }).optional(),
    MANDATE_STALLED_AFTER_DAYS: daysSchema({ min: 1, max: 365 }).optional(),
    /** After presentation, when a KBC/CBC account not linked in the bank app joins the detected issues. */
    MANDATE_BANK_LINK_ISSUE_AFTER: durationSchema({ min: '1s', max: '365d' }).optional(),
    MANDATE_BANK_LINK_ISSUE_DAYS: daysSchema({ min: 1, max: 365 }).optional(),
    ...webhookEnvFields,
    ...webhookSecretEnvFields,
    ...webhookSecretsKeyFields,
    ...sandboxEnvFields,
    /** CARO: after the invitation, when the cardholder is reminded, and when it (and its link) expires. */
    CARO_REMINDERS: durationListSchema({ min: '1s', max: '999d' }).optional(),
    CARO_REMINDER_DAYS: dayListSchema('14,28,42').optional(),
    CARO_EXPIRY: durationSchema({ min: '1s', max: '999d' }).optional(),
    CARO_EXPIRY_DAYS: daysSchema({ min: 1, max: 999 }).optional(),
    /** Signed activation links (the accountant's "copy the activation link"): the worker's secret and origin. */
    ...linkEnvFields,
    /** The worker's sender: named in the text that warns cardholders of the activation e-mail. */
    EMAIL_FROM: emailEnvSchema.shape.EMAIL_FROM,
  })
  .superRefine(refuseDevWebhookSecretsInProduction)
  .superRefine(refuseDevSecretInProduction)
  .superRefine(refuseDevSecretsKeyInProduction)
  .superRefine(refuseSandboxInProduction)
  .superRefine(refuseBothNames(RENAMED))
  .superRefine((env, ctx) => {
    const mandate = mandateScheduleFromEnv(env);
    if (mandate.stalledAfterMs < (mandate.remindersMs.at(-1) ?? 0)) {
      ctx.addIssue({
        code: 'custom',
        path: [setName(env, 'MANDATE_STALLED_AFTER')],
        message: `must not come before the last mandate reminder (${formatDuration(mandate.remindersMs.at(-1)!)})`,
      });
    }
    const caro = caroScheduleFromEnv(env);
    if (caro.remindersMs.some((ms) => ms <= 0 || ms >= caro.expiryMs))
      ctx.addIssue({
        code: 'custom',
        path: [setName(env, 'CARO_REMINDERS')],
        message: `must be after the invitation and before the expiry (${formatDuration(caro.expiryMs)})`,
      });
  });
export type ApiEnv = z.infer<typeof apiEnvSchema>;

export const loadApiEnv = (env: NodeJS.ProcessEnv = process.env): ApiEnv =>
  parseEnv(apiEnvSchema, withPublicBaseUrlDefault(env));

/** The name under which a setting was given (the older one when only it is set), for messages. */
const setName = (env: Record<string, unknown>, name: Renamed): string =>
  env[name] === undefined && env[RENAMED[name]] !== undefined ? RENAMED[name] : name;

type ScheduleEnv = Partial<Pick<ApiEnv, Renamed | (typeof RENAMED)[Renamed]>>;

/** A setting given under its name or its older one (both at once is refused at boot). */
const setting = <N extends Renamed>(env: ScheduleEnv, name: N) => {
  const value = env[name] ?? env[RENAMED[name]];
  // A value its own field refused (`two weeks`) reaches the cross-checks unparsed: they use the default.
  return typeof value === 'string' ? undefined : value;
};

const msOf = (durations: Duration[] | undefined) => durations?.map((d) => d.ms);

export const caroScheduleFromEnv = (env: ScheduleEnv): CaroSchedule => ({
  remindersMs: msOf(setting(env, 'CARO_REMINDERS')) ?? DEFAULT_CARO_SCHEDULE.remindersMs,
  expiryMs: setting(env, 'CARO_EXPIRY')?.ms ?? DEFAULT_CARO_SCHEDULE.expiryMs,
});

export const consentScheduleFromEnv = (
  env: ScheduleEnv & Pick<ApiEnv, 'CONSENT_REMINDER_TIME' | 'CONSENT_TIME_ZONE' | 'CONSENT_MANUAL_REMINDER_HOURS'>,
): ConsentSchedule => ({
  remindersBefore:
    setting(env, 'CONSENT_REMINDERS_BEFORE')?.map(({ ms, unit }) => ({ ms, atLocalTime: unit === 'd' })) ??
    DEFAULT_CONSENT_SCHEDULE.remindersBefore,
  localTime: env.CONSENT_REMINDER_TIME,
  timeZone: env.CONSENT_TIME_ZONE,
  manualReminderIntervalHours: env.CONSENT_MANUAL_REMINDER_HOURS,
});

export const mandateScheduleFromEnv = (env: ScheduleEnv): MandateSchedule => ({
  remindersMs: msOf(setting(env, 'MANDATE_REMINDERS')) ?? DEFAULT_MANDATE_SCHEDULE.remindersMs,
  stalledAfterMs: setting(env, 'MANDATE_STALLED_AFTER')?.ms ?? DEFAULT_MANDATE_SCHEDULE.stalledAfterMs,
  bankLinkIssueAfterMs:
    setting(env, 'MANDATE_BANK_LINK_ISSUE_AFTER')?.ms ?? DEFAULT_MANDATE_SCHEDULE.bankLinkIssueAfterMs,
});
