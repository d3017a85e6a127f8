import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { newSigningSecret } from '../../lib/webhooks/secret.js';
import {
  DEV_WEBHOOK_SECRETS_KEY,
  refuseDevSecretsKeyInProduction,
  secretBox,
  webhookSecretsKeyFields,
} from '../../lib/webhooks/secret-box.js';

// The endpoints' secrets at rest: sealed with AES-256-GCM under WEBHOOK_SECRETS_KEY.
describe('secretBox', () => {
  const box = secretBox('a-key-of-at-least-thirty-two-characters-000');

  it('seals a secret so that the stored value does not hold it, and opens it again', () => {
    const secret = newSigningSecret();
    const sealed = box.seal(secret);
    expect(sealed).toMatch(/^enc:v1:/);
    expect(sealed).not.toContain(secret.slice('whsec_'.length, 20));
    expect(box.seal(secret)).not.toBe(sealed); // a fresh IV each time
    expect(box.open(sealed)).toBe(secret);
  });

  it('refuses a sealed value that was changed, or opened with another key', () => {
    const sealed = box.seal(newSigningSecret());
    const tampered = `${sealed.slice(0, -4)}AAA=`;
    expect(() => box.open(tampered)).toThrow();
    expect(() => secretBox('another-key-of-thirty-two-characters-00000').open(sealed)).toThrow();
  });

  it('refuses the development key when NODE_ENV=production', () => {
    const schema = z.object(webhookSecretsKeyFields).superRefine(refuseDevSecretsKeyInProduction);
    expect(schema.safeParse({ NODE_ENV: 'production' }).success).toBe(false);
    expect(schema.parse({}).WEBHOOK_SECRETS_KEY).toBe(DEV_WEBHOOK_SECRETS_KEY);
    expect(schema.safeParse({ NODE_ENV: 'production', WEBHOOK_SECRETS_KEY: 'x'.repeat(32) }).success).toBe(true);
  });
});
