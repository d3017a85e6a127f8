import { z } from 'zod';
import { parseEnv } from '../config/env.js';
import { linkEnvFields, refuseDevSecretInProduction, withPublicBaseUrlDefault } from '../links/env.js';

/**
 * E-mail settings of the worker. Without RESEND_API_KEY, messages go to the development outbox
 * (the email_outbox table, listed for operators) instead of a provider.
 */
export const emailEnvSchema = z
  .object({
    ...linkEnvFields,
    RESEND_API_KEY: z.string().startsWith('re_', 'must be a Resend API key (re_...)').optional(),
    /** The Resend API origin; tests point it at a local fake. Default: the SDK's (https://api.resend.com). */
    RESEND_BASE_URL: z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' }).optional(),
    EMAIL_FROM: z
      .string()
      .regex(/^([^<>]+<[^<>\s@]+@[^<>\s@]+>|[^<>\s@]+@[^<>\s@]+)$/, 'must be an address or "Name <address>"')
      .default('Bankfeed <no-reply@bankfeed.example>'),
  })
  .superRefine(refuseDevSecretInProduction);
export type EmailEnv = z.infer<typeof emailEnvSchema>;

export const loadEmailEnv = (env: NodeJS.ProcessEnv = process.env): EmailEnv =>
  parseEnv(emailEnvSchema, withPublicBaseUrlDefault(env));
