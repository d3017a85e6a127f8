// The endpoints' signing secrets are kept encrypted in the database (AES-256-GCM under
// WEBHOOK_SECRETS_KEY): a copy of the table, a backup or a log of a row gives no secret.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';

/** Used when WEBHOOK_SECRETS_KEY is unset, outside production only. */
export const DEV_WEBHOOK_SECRETS_KEY = 'development-only-webhook-secrets-key: never use in production';

const PREFIX = 'enc:v1:';

export interface SecretBox {
  seal(secret: string): string;
  /** The secret of a sealed value; a value kept before encryption (no prefix) as it is. */
  open(sealed: string): string;
}

export function secretBox(key: string): SecretBox {
  const k = createHash('sha256').update(key).digest();
  return {
    seal(secret) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', k, iv);
      const data = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
      return `${PREFIX}${[iv, cipher.getAuthTag(), data].map((b) => b.toString('base64')).join(':')}`;
    },
    open(sealed) {
      if (!sealed.startsWith(PREFIX)) return sealed;
      const [iv, tag, data] = sealed
        .slice(PREFIX.length)
        .split(':')
        .map((part) => Buffer.from(part, 'base64'));
      const decipher = createDecipheriv('aes-256-gcm', k, iv!);
      decipher.setAuthTag(tag!);
      return Buffer.concat([decipher.update(data!), decipher.final()]).toString('utf8');
    },
  };
}

/** WEBHOOK_SECRETS_KEY, for the API (seals) and the worker (opens): the same in both. */
export const webhookSecretsKeyFields = {
  NODE_ENV: z.string().optional(),
  WEBHOOK_SECRETS_KEY: z.string().min(32, 'must be at least 32 characters').default(DEV_WEBHOOK_SECRETS_KEY),
};

/** Refuses the development key in production (a superRefine for any schema holding webhookSecretsKeyFields). */
export function refuseDevSecretsKeyInProduction(
  env: { NODE_ENV?: string | undefined; WEBHOOK_SECRETS_KEY: string },
  ctx: z.RefinementCtx,
): void {
  if (env.NODE_ENV === 'production' && env.WEBHOOK_SECRETS_KEY === DEV_WEBHOOK_SECRETS_KEY)
    ctx.addIssue({
      code: 'custom',
      path: ['WEBHOOK_SECRETS_KEY'],
      message: 'is required when NODE_ENV=production (the development default is refused)',
    });
}
