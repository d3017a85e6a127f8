import { z } from 'zod';

/** Used when LINK_SIGNING_SECRET is unset, outside production only. */
export const DEV_LINK_SIGNING_SECRET = 'development-only-link-signing-secret: never use in production';

/** The variables of signed links, for every process that builds or checks them. */
export const linkEnvFields = {
  NODE_ENV: z.string().optional(),
  /** HMAC key of the link tokens: at least 32 characters; required when NODE_ENV=production. */
  LINK_SIGNING_SECRET: z.string().min(32, 'must be at least 32 characters').default(DEV_LINK_SIGNING_SECRET),
  /**
   * Where the links in e-mails point (the API's public origin); by default the API on this machine, see
   * withPublicBaseUrlDefault.
   */
  PUBLIC_BASE_URL: z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' }).default('http://localhost:3000'),
};

/**
 * PUBLIC_BASE_URL unset: the links point to the API on this machine, on its own port (`PORT`, as
 * the API reads it) rather than always 3000. Every process that builds or checks links loads its
 * environment through this, so the worker's links and the API's agree.
 */
export function withPublicBaseUrlDefault(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  if (env.PUBLIC_BASE_URL || !/^\d{1,5}$/.test(env.PORT ?? '')) return env;
  return { ...env, PUBLIC_BASE_URL: `http://localhost:${Number(env.PORT)}` };
}

/** Refuses the development secret in production (a superRefine for any schema holding linkEnvFields). */
export function refuseDevSecretInProduction(
  env: { NODE_ENV?: string | undefined; LINK_SIGNING_SECRET: string },
  ctx: z.RefinementCtx,
): void {
  if (env.NODE_ENV === 'production' && env.LINK_SIGNING_SECRET === DEV_LINK_SIGNING_SECRET) {
    ctx.addIssue({
      code: 'custom',
      path: ['LINK_SIGNING_SECRET'],
      message: 'is required when NODE_ENV=production (the development default is refused)',
    });
  }
}

export const linkEnvSchema = z.object(linkEnvFields).superRefine(refuseDevSecretInProduction);
export type LinkEnv = z.infer<typeof linkEnvSchema>;
