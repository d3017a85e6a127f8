import { z } from 'zod';
import type { Logger } from '../../lib/logger.js';
import { WEBHOOK_PROVIDERS, type Provider } from './providers.js';

/** Used when a provider's secret is unset, outside production only (npm start, local tools). */
export const DEV_WEBHOOK_SECRETS: Record<Provider, string> = {
  esign: 'dev-webhook-secret-esign-change-me-000000',
  caro: 'dev-webhook-secret-caro-change-me-000000',
  banklink: 'dev-webhook-secret-banklink-change-me-000000',
  aggregator: 'dev-webhook-secret-aggregator-change-me-000000',
};

const secret = (provider: Provider) =>
  z.string().min(32, 'must be at least 32 characters').default(DEV_WEBHOOK_SECRETS[provider]);

/** One HMAC secret per provider; required (not the development default) when NODE_ENV=production. */
export const webhookEnvFields = {
  NODE_ENV: z.string().optional(),
  WEBHOOK_SECRET_ESIGN: secret('esign'),
  WEBHOOK_SECRET_CARO: secret('caro'),
  WEBHOOK_SECRET_BANKLINK: secret('banklink'),
  WEBHOOK_SECRET_AGGREGATOR: secret('aggregator'),
};
type WebhookEnv = z.infer<z.ZodObject<typeof webhookEnvFields>>;

const VARIABLES = {
  esign: 'WEBHOOK_SECRET_ESIGN',
  caro: 'WEBHOOK_SECRET_CARO',
  banklink: 'WEBHOOK_SECRET_BANKLINK',
  aggregator: 'WEBHOOK_SECRET_AGGREGATOR',
} as const satisfies Record<Provider, keyof typeof webhookEnvFields>;

/** A superRefine for any schema holding webhookEnvFields. */
export function refuseDevWebhookSecretsInProduction(env: WebhookEnv, ctx: z.RefinementCtx): void {
  if (env.NODE_ENV !== 'production') return;
  for (const provider of WEBHOOK_PROVIDERS) {
    if (env[VARIABLES[provider]] === DEV_WEBHOOK_SECRETS[provider]) {
      ctx.addIssue({
        code: 'custom',
        path: [VARIABLES[provider]],
        message: 'is required when NODE_ENV=production (the development default is refused)',
      });
    }
  }
}

/** The secrets for AppDeps; warns once (at boot) when development defaults are in use. */
export function webhookSecretsFromEnv(env: WebhookEnv, logger: Logger): Record<Provider, string> {
  const secrets: Record<Provider, string> = {
    esign: env.WEBHOOK_SECRET_ESIGN,
    caro: env.WEBHOOK_SECRET_CARO,
    banklink: env.WEBHOOK_SECRET_BANKLINK,
    aggregator: env.WEBHOOK_SECRET_AGGREGATOR,
  };
  const defaults = WEBHOOK_PROVIDERS.filter((p) => secrets[p] === DEV_WEBHOOK_SECRETS[p]).map((p) => VARIABLES[p]);
  if (defaults.length > 0)
    logger.warn(
      { variables: defaults },
      'webhooks: development secrets in use; set these before any provider calls this API',
    );
  return secrets;
}
