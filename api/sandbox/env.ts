import { z } from 'zod';
import { envBoolean } from '../../lib/config/env.js';

/**
 * `SANDBOX_ENABLED`: the development sandbox that plays the external providers
 * (`POST /v1/sandbox/webhooks/:provider`). Unset: on outside production, off in production;
 * `true` with NODE_ENV=production is refused at boot.
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
type SandboxEnv = { NODE_ENV?: string | undefined; SANDBOX_ENABLED?: boolean | undefined };

/** A superRefine for any schema holding sandboxEnvFields. */
export function refuseSandboxInProduction(env: SandboxEnv, ctx: z.RefinementCtx): void {
  if (env.NODE_ENV === 'production' && env.SANDBOX_ENABLED === true) {
    ctx.addIssue({ code: 'custom', path: ['SANDBOX_ENABLED'], message: 'must not be true when NODE_ENV=production (the sandbox forges signed provider events)' });
  }
}

/** Whether the sandbox routes are mounted. */
export const sandboxEnabled = (env: SandboxEnv): boolean => env.SANDBOX_ENABLED ?? env.NODE_ENV !== 'production';
