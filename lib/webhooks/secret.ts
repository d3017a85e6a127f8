// Signing secrets of the webhook endpoints and the signature of a delivery, per the Standard
// Webhooks specification, with its reference implementation (npm `standardwebhooks`), so any
// Standard Webhooks library verifies them.
import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import type { SecretBox } from './secret-box.js';

/** A new secret: `whsec_` and 32 random bytes in base64 (the form Standard Webhooks libraries take). */
export const newSigningSecret = (): string => `whsec_${randomBytes(32).toString('base64')}`;

export interface EndpointSecrets {
  secret: string;
  previousSecret: string | null;
  previousSecretExpiresAt: Date | null;
}

/**
 * The secrets a delivery is signed with now (opened from the row's sealed values): the current one,
 * and the one before it during the overlap.
 */
export const activeSecrets = (endpoint: EndpointSecrets, box: SecretBox, now = new Date()): string[] =>
  (endpoint.previousSecret && endpoint.previousSecretExpiresAt && endpoint.previousSecretExpiresAt > now
    ? [endpoint.secret, endpoint.previousSecret]
    : [endpoint.secret]
  ).map((sealed) => box.open(sealed));

/**
 * The `webhook-signature` header: one `v1,<base64>` per secret, space-separated (the specification
 * allows several, so a receiver holding either secret verifies during a rotation).
 */
export const signatureHeader = (secrets: readonly string[], msgId: string, timestamp: Date, body: string): string =>
  secrets.map((secret) => new Webhook(secret).sign(msgId, timestamp, body)).join(' ');
