import { z } from 'zod';
import { envBoolean } from '../../lib/config/env.js';
import { DEV_WEBHOOK_SECRETS } from '../webhooks/env.js';

/**
 * `SANDBOX_ENABLED`: the development sandbox that plays the external providers
 * (`POST /v1/sandbox/webhooks/:provider`). It signs events with the webhook secrets, so it may
 * only run where those are the development defaults: then it is on unless turned off. With any
 * real `WEBHOOK_SECRET_*`, or NODE_ENV=production, it is off, and `true` is refused at boot.
 * Whatever NODE_ENV says, a real provider's secret can never sign a forged event.
 */
export const sandboxEnvFields = {
  NODE_ENV: z.string().optional(),
  /** Left unset: undefined, so that the default can follow NODE_ENV (see sandboxEnabled). */
  SANDBOX_ENABLED: z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined) return undefined;
      const parsed = envBoolean(false).safeParse(v);
      if (parsed.success) return parsed.data;
      ctx.addIssue({ code: 'custom', message: parsed.error.issues[0]?.message ?? 'must be true or false' });
      return z.NEVER;
    }),
};
type SandboxEnv = {
  NODE_ENV?: string | undefined;
  SANDBOX_ENABLED?: boolean | undefined;
  WEBHOOK_SECRET_ESIGN: string;
  WEBHOOK_SECRET_CARO: string;
  WEBHOOK_SECRET_BANKLINK: string;
  WEBHOOK_SECRET_AGGREGATOR: string;
};

/** True when every webhook secret is the development default: nothing real to forge with. */
const developmentSecretsOnly = (env: SandboxEnv) =>
  env.WEBHOOK_SECRET_ESIGN === DEV_WEBHOOK_SECRETS.esign &&
  env.WEBHOOK_SECRET_CARO === DEV_WEBHOOK_SECRETS.caro &&
  env.WEBHOOK_SECRET_BANKLINK === DEV_WEBHOOK_SECRETS.banklink &&
  env.WEBHOOK_SECRET_AGGREGATOR === DEV_WEBHOOK_SECRETS.aggregator;

/** A superRefine for any schema holding sandboxEnvFields and webhookEnvFields. */
export function refuseSandboxInProduction(env: SandboxEnv, ctx: z.RefinementCtx): void {
  if (env.SANDBOX_ENABLED !== true) return;
  if (env.NODE_ENV === 'production') {
    ctx.addIssue({
      code: 'custom',
      path: ['SANDBOX_ENABLED'],
      message: 'must not be true when NODE_ENV=production (the sandbox forges signed provider events)',
    });
  } else if (!developmentSecretsOnly(env)) {
    ctx.addIssue({
      code: 'custom',
      path: ['SANDBOX_ENABLED'],
      message: 'must not be true while a real WEBHOOK_SECRET_* is set (the sandbox would sign forged events with it)',
    });
  }
}

/** Whether the sandbox routes are mounted. */
export const sandboxEnabled = (env: SandboxEnv): boolean =>
  env.NODE_ENV !== 'production' && developmentSecretsOnly(env) && env.SANDBOX_ENABLED !== false;
